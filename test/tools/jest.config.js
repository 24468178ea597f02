// @ts-check
// `npm run test:tools`: the exports checked with the auditors' own programs, hledger, ledger and bean-check
// (Debian packages hledger, ledger, beancount). Apart from `npm test`, which must pass on a machine without them.
const path = require('node:path');
const { projects } = require('../../jest.config.js');

const e2e = projects?.find((project) => typeof project === 'object' && project.displayName === 'e2e');
if (typeof e2e !== 'object') throw new Error('jest.config.js has no e2e project to build on');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testTimeout: 60_000,
  projects: [{ ...e2e, displayName: 'tools', testRegex: 'tools/.*\\.tools-spec\\.ts$' }],
};
