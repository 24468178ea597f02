import { Random, roundUp } from './random';

describe('Random (the demo’s seeded generator)', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number) => {
      const rng = new Random(seed);
      return Array.from({ length: 20 }, () => rng.next32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps int() inside its range, both ends reachable', () => {
    const rng = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = rng.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('draws amounts as whole multiples of the step within the range, more often small than large', () => {
    const rng = new Random(7);
    const amounts = Array.from({ length: 5000 }, () => rng.amount(100_000n, 10_000_000n, 100_000n));
    for (const a of amounts) {
      expect(a % 100_000n).toBe(0n);
      expect(a >= 100_000n && a <= 10_000_000n).toBe(true);
    }
    const small = amounts.filter((a) => a < 1_000_000n).length;
    const large = amounts.filter((a) => a >= 9_000_000n).length;
    expect(small).toBeGreaterThan(large);
  });

  it('picks by weight and never a zero weight', () => {
    const rng = new Random(3);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) counts[rng.weighted({ a: 1, b: 3, c: 0 })] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b).toBeGreaterThan(counts.a * 2);
  });

  it('forks independent generators: drawing from one leaves the other unchanged', () => {
    const one = new Random(5);
    const a = one.fork('x');
    const two = new Random(5);
    const b = two.fork('x');
    a.next32();
    a.next32();
    expect(two.fork('y').next32()).toBe(new Random(5).fork('y').next32());
    expect(b.next32()).toBe(new Random(5).fork('x').next32());
  });

  it('rounds up to a step', () => {
    expect(roundUp(1n, 10n)).toBe(10n);
    expect(roundUp(10n, 10n)).toBe(10n);
    expect(roundUp(11n, 10n)).toBe(20n);
  });
});
