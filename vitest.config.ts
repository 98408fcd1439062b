import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Shared suites (hono's *.case.test.ts pattern) run from the test files that import them.
    exclude: [...configDefaults.exclude, '**/*.case.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
