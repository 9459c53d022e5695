import { defineConfig } from 'vitest/config';

// Tests run against the built package (`import ... from 'nogil/...'` resolves to dist/ through
// the package's own `exports`), exactly as users import it; `npm test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails fast, naming any program the suite runs that is missing (sh, openssl, python3, ...).
    globalSetup: ['test/setup/prerequisites.ts'],
    // Concurrency tests race real threads and processes on a 2-core machine: one file at a
    // time keeps their timing assertions meaningful.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
