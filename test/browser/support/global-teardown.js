// Stops what global-setup.js started: the browser server and the app (and a demo build still running, when the run
// ended before a spec waited for it), and removes the database directory.
const { rmSync } = require('node:fs');

module.exports = async function browserGlobalTeardown() {
  const started = globalThis.__ADMIN_BROWSER__;
  if (!started) return;
  await started.server.close().catch(() => undefined);
  started.app.kill();
  if (started.demoBuild && started.demoBuild.exitCode === null) started.demoBuild.kill();
  rmSync(started.dir, { recursive: true, force: true });
};
