import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that capture live (on `lo` or a veth pair) or count what a live
 * handle drops: they run alone, after the rest, so that no other test's
 * traffic or CPU use reaches their captures.
 */
const ALONE = [
  'src/cli/logger.test.ts',
  'src/source/link-state.test.ts',
  'src/source/live-*.test.ts',
  'src/source/source.test.ts',
  'test/cli/fanout-flags.test.ts',
  'test/cli/nothing-lost.test.ts',
  'test/cli/option-types.test.ts',
  'test/cli/run*.test.ts',
  'test/cli/signals.test.ts',
  'test/http/listen-cli.test.ts',
  'test/metrics/zero-series.test.ts',
  'test/pipeline/live-*.test.ts',
  'test/privileges/*.test.ts',
  'test/source/live-*.test.ts',
  'test/source/interface-*.test.ts',
];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'together',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // Shared suites (hono's *.case.test.ts pattern) run from the test files that import them.
          exclude: [...configDefaults.exclude, '**/*.case.test.ts', ...ALONE],
          // Most files wait on processes (Prometheus, Alertmanager, netscore) rather than compute: two at a time on two cores.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'alone',
          include: ALONE,
          exclude: [...configDefaults.exclude, '**/*.case.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
