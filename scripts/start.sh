#!/usr/bin/env bash
# Orion on this machine until Ctrl-C: install what is missing, then run scripts/start.ts.
#   npm start
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node --conditions=orion-source --import tsx scripts/start.ts
