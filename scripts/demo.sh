#!/usr/bin/env bash
# The main job on embedded defaults: install what is missing, then run scripts/demo.ts.
#   npm run demo [-- path/to/video.mp4 ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node --conditions=orion-source --import tsx scripts/demo.ts "$@"
