#!/usr/bin/env bash
# Orion on Node 22 LTS beside the Node 20 that `npm test` uses: fetches Node 22 through the npm
# registry (the `node` package; nothing is installed system-wide), then runs the type-check and the
# test files that start real processes (the local stack, the CLI, each app, config) under it.
#   npm run test:node22 [-- more test files]
set -euo pipefail
cd "$(dirname "$0")/.."
node22="$(npx -y -p node@22 which node | tail -1)"
export PATH="$(dirname "$node22"):$PATH"
echo "[node22] $(node --version) ($node22)"
node node_modules/typescript/bin/tsc -p tsconfig.json --noEmit
node node_modules/vitest/vitest.mjs run test/local-stack.test.ts test/process-lifecycle.test.ts \
  test/infra.test.ts packages/cli/test packages/shared/test/config.test.ts "$@"
