// Unit tests under Node: Wasm core vs TypeScript reference, formulas, parsers.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/unit/global-setup.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
