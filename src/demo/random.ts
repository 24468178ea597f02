/**
 * A small seeded generator (mulberry32): the demonstration must come out the same on every run and machine, so
 * nothing in it may use Math.random. Amounts are drawn as bigint multiples of a step, never through floats.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next 32 random bits. */
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A whole number from min to max, both included (max − min below 2^32). */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min)
      throw new Error(`bad range ${min}..${max}`);
    const span = max - min + 1;
    if (span > 2 ** 32) throw new Error(`range ${min}..${max} is too wide`);
    // Rejection sampling: no bias towards the low values.
    const limit = 2 ** 32 - (2 ** 32 % span);
    for (;;) {
      const value = this.next32();
      if (value < limit) return min + (value % span);
    }
  }

  /** True with the given chance in percent (0–100). */
  chance(percent: number): boolean {
    return this.int(0, 99) < percent;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)];
  }

  /** A key of `weights`, each with a chance proportional to its whole-number weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    if (total <= 0) throw new Error('weights must add up to more than zero');
    let roll = this.int(1, total);
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll <= 0) return key;
    }
    return entries[entries.length - 1][0];
  }

  /**
   * An amount from min to max in multiples of step, skewed towards the small end the way gifts are: the range is
   * cut into bands that each double the one before, a band is chosen uniformly, then a value inside it.
   */
  amount(min: bigint, max: bigint, step: bigint): bigint {
    const lo = ceilDiv(min, step);
    const hi = max / step;
    if (hi < lo) throw new Error(`no multiple of ${step} between ${min} and ${max}`);
    const bands: [bigint, bigint][] = [];
    for (let start = lo; start <= hi; start = start * 2n + 1n) {
      bands.push([start, start * 2n < hi ? start * 2n : hi]);
      if (start === 0n) break;
    }
    const [from, to] = this.pick(bands);
    return (from + this.bigint(0n, to - from)) * step;
  }

  /** A bigint from 0 to max (max below 2^52). */
  bigint(min: bigint, max: bigint): bigint {
    return min + BigInt(this.int(0, Number(max - min)));
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }

  /** An independent generator for one part of the plan, so adding draws in one part leaves the others as they were. */
  fork(label: string): Random {
    let hash = this.state ^ 0x9e3779b9;
    for (const ch of label) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    return new Random(hash);
  }
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Rounds up to a multiple of step. */
export function roundUp(amount: bigint, step: bigint): bigint {
  return ceilDiv(amount, step) * step;
}
