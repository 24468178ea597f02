// Jest's own order (slowest and failed first), except that the specs on the shared demo books
// (test/support/demo-fixture.ts) run last: the browser project's global set-up builds those books in the background
// while the other tests run, so no worker sits waiting ~100 s for them. Marks the run as needing them
// (DEN_ON_DEMO_WANTED=1) for that set-up; jest sorts the tests before it runs any global set-up.
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

function needsDemo(test) {
  if (!/\.(e2e|browser)-spec\.ts$/.test(test.path)) return false;
  try {
    return readFileSync(test.path, 'utf8').includes('support/demo-fixture');
  } catch {
    return false;
  }
}

module.exports = class DemoLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const demo = sorted.filter(needsDemo);
    if (demo.length) process.env.DEN_ON_DEMO_WANTED = '1';
    return [...sorted.filter((t) => !demo.includes(t)), ...demo];
  }
};
