// @ts-check
process.env.TZ = 'UTC';

/** @type {Partial<import('jest').Config>} */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.json' }] },
  testEnvironment: 'node',
};

/** Builds dist/ first: for the projects whose tests start the compiled CLI, demo or crash child. */
const buildsDist = { globalSetup: '<rootDir>/global-setup.js' };

/**
 * What `npm test` runs: nothing here may start a program that `npm install` does not bring (node itself is fine).
 * The checks with the auditors' own programs (hledger, ledger, bean-check) are the `tools` project of
 * test/tools/jest.config.js: `npm run test:tools`.
 */
/** @type {import('jest').Config} */
module.exports = {
  // A bound on waiting, not a speed assertion: an app starting on PostgreSQL on a loaded 2-core machine takes more
  // than jest's default 5 s. Specs that need longer say so themselves.
  testTimeout: 60_000,
  // The specs on the shared demo books last, while their build runs in the background (see the file).
  testSequencer: '<rootDir>/test/browser/support/global-sequencer.js',
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '\\.spec\\.ts$' },
    { ...common, ...buildsDist, displayName: 'e2e', rootDir: 'test', testRegex: 'e2e/.*\\.e2e-spec\\.ts$' },
    // Real Chromium (@sparticuz/chromium, or CHROMIUM_PATH) driving the built app's web admin.
    // One app and one browser for the whole project: browser/support/global-setup.js builds dist/ and starts both.
    {
      ...common,
      displayName: 'browser',
      rootDir: 'test',
      testRegex: 'browser/.*\\.browser-spec\\.ts$',
      globalSetup: '<rootDir>/browser/support/global-setup.js',
      globalTeardown: '<rootDir>/browser/support/global-teardown.js',
    },
    {
      ...common,
      ...buildsDist,
      displayName: 'reliability',
      rootDir: 'test',
      testRegex: 'reliability/.*\\.spec\\.ts$',
    },
  ],
};
