// @ts-check
process.env.TZ = 'UTC';

/** @type {Partial<import('jest').Config>} */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.json' }] },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/global-setup.js',
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '\\.spec\\.ts$' },
    { ...common, displayName: 'e2e', rootDir: 'test', testRegex: 'e2e/.*\\.e2e-spec\\.ts$' },
    { ...common, displayName: 'reliability', rootDir: 'test', testRegex: 'reliability/.*\\.spec\\.ts$' },
  ],
};
