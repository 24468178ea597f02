// Builds dist/ once before any test runs: the CLI and crash tests run the compiled code as `npm run cli` does.
// One build here, instead of one per test file, so parallel workers never write dist/ at the same time.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = function globalSetup() {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
  });
};
