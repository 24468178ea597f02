import { WriteLock } from './write-lock';

/** A write that records when it starts and ends, and ends when told to. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    run: async () => {
      log.push(`${name} start`);
      await opened;
      log.push(`${name} end`);
    },
  };
}

/**
 * Enough turns of the event loop for every write that may start to start (each starts on a later turn than the one
 * it waited for). Turns, not a timer: on a loaded machine a timer can fire before a pending turn has run.
 */
async function tick(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('WriteLock', () => {
  it('runs writes without keys one after another, in order', async () => {
    const lock = new WriteLock();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const done = [lock.run(a.run), lock.run(b.run)];
    await tick();
    expect(log).toEqual(['a start']);
    a.open();
    b.open();
    await Promise.all(done);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('runs writes to different funds side by side, and writes to one fund one after another', async () => {
    const lock = new WriteLock();
    const log: string[] = [];
    const x1 = gate(log, 'x1');
    const y1 = gate(log, 'y1');
    const x2 = gate(log, 'x2');
    const done = [lock.run(x1.run, ['fund X']), lock.run(y1.run, ['fund Y']), lock.run(x2.run, ['fund X'])];
    await tick();
    expect(log).toEqual(['x1 start', 'y1 start']);
    x1.open();
    await tick();
    expect(log).toEqual(['x1 start', 'y1 start', 'x1 end', 'x2 start']);
    y1.open();
    x2.open();
    await Promise.all(done);
  });

  it('makes a write without keys wait for every keyed write before it, and keyed writes after it wait for it', async () => {
    const lock = new WriteLock();
    const log: string[] = [];
    const x = gate(log, 'x');
    const all = gate(log, 'all');
    const y = gate(log, 'y');
    const done = [lock.run(x.run, ['fund X']), lock.run(all.run), lock.run(y.run, ['fund Y'])];
    await tick();
    expect(log).toEqual(['x start']);
    x.open();
    await tick();
    expect(log).toEqual(['x start', 'x end', 'all start']);
    all.open();
    y.open();
    await Promise.all(done);
    expect(log).toEqual(['x start', 'x end', 'all start', 'all end', 'y start', 'y end']);
  });

  it('pipelined: starts the next write to a fund once the previous one holds it, and holds it after that one ends', async () => {
    const lock = new WriteLock();
    const log: string[] = [];
    /** A write that gets ready, holds its fund, then writes until told to end. */
    const write = (name: string) => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const run = async (hold: () => Promise<void>) => {
        log.push(`${name} ready`);
        await hold();
        log.push(`${name} holds`);
        await opened;
        log.push(`${name} end`);
      };
      return { open, run };
    };
    const [a, b, c] = [write('a'), write('b'), write('c')];
    const done = [a, b, c].map((w) => lock.run(w.run, ['fund X'], true));
    await tick();
    // b gets ready while a writes; c waits until b holds the fund: at most two writes per fund under way.
    expect(log).toEqual(['a ready', 'a holds', 'b ready']);
    a.open();
    await tick();
    expect(log).toEqual(['a ready', 'a holds', 'b ready', 'a end', 'b holds', 'c ready']);
    b.open();
    c.open();
    await Promise.all(done);
    expect(log.slice(6)).toEqual(['b end', 'c holds', 'c end']);
  });

  it('pipelined: a write that never holds its fund holds it when it ends, and a write without keys waits for both', async () => {
    const lock = new WriteLock();
    const log: string[] = [];
    const a = gate(log, 'a');
    const all = gate(log, 'all');
    const done = [
      lock.run(a.run, ['fund X'], true),
      lock.run(() => Promise.resolve(void log.push('b')), ['fund X'], true),
      lock.run(all.run),
    ];
    await tick();
    expect(log).toEqual(['a start']);
    a.open();
    await tick();
    expect(log).toEqual(['a start', 'a end', 'b', 'all start']);
    all.open();
    await Promise.all(done);
  });

  it('goes on after a failed write', async () => {
    const lock = new WriteLock();
    await expect(lock.run(() => Promise.reject(new Error('no')), ['fund X'])).rejects.toThrow('no');
    await expect(lock.run(() => Promise.resolve(1), ['fund X'])).resolves.toBe(1);
    await expect(lock.run(() => Promise.resolve(2))).resolves.toBe(2);
  });
});
