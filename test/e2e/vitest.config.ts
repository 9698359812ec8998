import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The browser level: real browsers with the built extension against the local replicas. One
// worker, files in sequence and no isolation, so browser launches and the server (module-level
// singletons in harness.ts) are shared by every file of the run.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    runner: resolve(import.meta.dirname, 'runner.ts'),
    setupFiles: [resolve(import.meta.dirname, 'setup.ts')],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
