import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // With TEST_STORE=postgres: one migrated database that each test's database copies.
    globalSetup: ['test/postgres-template.ts'],
  },
});
