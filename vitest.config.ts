import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Workspace packages (@orion/*) run from their TypeScript sources, as the type-check and tsx
    // (with --conditions=orion-source) see them: nothing has to be built before testing.
    alias: [
      { find: /^@orion\/([\w-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
      // Subpath exports (`@orion/shared/vocabulary`) name a module of the package's src.
      { find: /^@orion\/([\w-]+)\/([\w-]+)$/, replacement: `${packagesDir}$1/src/$2.ts` },
    ],
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
