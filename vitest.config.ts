import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

// Unit level: src/ in Node (adapters use happy-dom per file). The browser level has its own
// config in test/e2e/ because it shares browser launches across files.
export default defineConfig({
  resolve: { alias: { '@src': resolve(import.meta.dirname, 'src') } },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
