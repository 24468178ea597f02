// Builds dist/ once before the tests of a project that runs the compiled code (the CLI, the demo and the crash
// tests start dist/ as `npm run cli` does). jest.config.js names this set-up only in those projects, and jest runs
// a project's set-up only when at least one of its tests is selected, so `jest --selectProjects unit` builds
// nothing. One build here, instead of one per test file, so parallel workers never write dist/ at the same time;
// the flag keeps a second project of the same run from building again.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = function globalSetup() {
  if (process.env.DEN_ON_DIST_BUILT === '1') return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
  });
  process.env.DEN_ON_DIST_BUILT = '1';
};
