// Stops what global-setup.js started: the browser server and the app, and removes the database directory.
const { rmSync } = require('node:fs');

module.exports = async function browserGlobalTeardown() {
  const started = globalThis.__ADMIN_BROWSER__;
  if (!started) return;
  await started.server.close().catch(() => undefined);
  started.app.kill();
  rmSync(started.dir, { recursive: true, force: true });
};
