import { defineConfig } from 'vitest/config';

// Unit level: src/ in Node (adapters use happy-dom per file). The browser level has its own
// config in test/e2e/ because it shares browser launches across files.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
