import { bruteGcd, factorize, gcd, js, nativeAvailable, sleep } from 'nogil/native';
import { describe, expect, it } from 'vitest';
import { int, rng } from '../helpers/random.js';

// The tutorial's 12 pairs and the results the notebook prints.
const pairs: Array<[number, number]> = [
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
];

describe('native kernels on the calling thread', () => {
  it('loads the addon in this process', () => {
    expect(nativeAvailable()).toBe(true);
  });

  it('bruteGcd reproduces the tutorial results', () => {
    expect(pairs.map(([a, b]) => bruteGcd(a, b))).toEqual([1, 4, 1, 10]);
  });

  it('bruteGcd follows the Python loop at the edges', () => {
    expect(bruteGcd(0, 5)).toBe(1);
    expect(bruteGcd(5, 0)).toBe(1);
    expect(bruteGcd(0, 0)).toBe(1);
    expect(bruteGcd(7, 7)).toBe(7);
    expect(bruteGcd(2 ** 40, 2 ** 41)).toBe(2 ** 40);
  });

  it('gcd is Euclid with gcd(0, n) === n', () => {
    expect(gcd(0, 5)).toBe(5);
    expect(gcd(5, 0)).toBe(5);
    expect(gcd(0, 0)).toBe(0);
    expect(gcd(12, 18)).toBe(6);
    expect(gcd(Number.MAX_SAFE_INTEGER, 3)).toBe(1);
    expect(gcd(2 ** 52, 2 ** 50)).toBe(2 ** 50);
  });

  it('factorize lists every divisor in order, as the tutorial prints', () => {
    expect(factorize(0)).toEqual([]);
    expect(factorize(1)).toEqual([1]);
    expect(factorize(33244)).toEqual([1, 2, 4, 8311, 16622, 33244]);
    expect(factorize(12342)).toEqual([
      1, 2, 3, 6, 11, 17, 22, 33, 34, 51, 66, 102, 121, 187, 242, 363, 374, 561, 726, 1122, 2057, 4114, 6171, 12342,
    ]);
  });

  it('sleep blocks the calling thread for at least the requested time', () => {
    const t = performance.now();
    expect(sleep(20)).toBeUndefined();
    expect(performance.now() - t).toBeGreaterThanOrEqual(19);
  });
});

describe('native and plain TypeScript kernels agree (seeded property tests)', () => {
  for (const seed of [1, 2, 3]) {
    it(`gcd and bruteGcd agree with js twins (seed ${seed})`, () => {
      const next = rng(seed);
      for (let i = 0; i < 400; i++) {
        const scale = [10, 1000, 100_000, 2 ** 31][i % 4]!;
        const a = int(next, scale);
        const b = int(next, scale);
        expect(gcd(a, b), `gcd(${a}, ${b})`).toBe(js.gcd(a, b));
        if (Math.min(a, b) < 200_000) expect(bruteGcd(a, b), `bruteGcd(${a}, ${b})`).toBe(js.bruteGcd(a, b));
      }
    });

    it(`factorize agrees with its js twin (seed ${seed})`, () => {
      const next = rng(seed * 7919);
      for (let i = 0; i < 60; i++) {
        const n = int(next, 50_000);
        expect(factorize(n), `factorize(${n})`).toEqual(js.factorize(n));
      }
    });
  }

  it('large safe integers agree too (64-bit path)', () => {
    const next = rng(99);
    for (let i = 0; i < 200; i++) {
      const a = int(next, Number.MAX_SAFE_INTEGER);
      const b = int(next, Number.MAX_SAFE_INTEGER);
      expect(gcd(a, b)).toBe(js.gcd(a, b));
    }
  });
});

describe('bad input never crashes: Node-style errors', () => {
  const rangeCases: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, -1, 2 ** 53];
  const typeCases: unknown[] = ['12', null, undefined, {}, [3], 12n, true, Symbol('x')];
  const kernels = {
    bruteGcd: (x: unknown) => (bruteGcd as (...a: unknown[]) => number)(x, 10),
    gcd: (x: unknown) => (gcd as (...a: unknown[]) => number)(10, x),
    factorize: (x: unknown) => (factorize as (...a: unknown[]) => number[])(x),
    sleep: (x: unknown) => (sleep as (...a: unknown[]) => void)(x),
  };

  for (const [name, call] of Object.entries(kernels)) {
    it(`${name}: NaN, ±Infinity, 1.5, -1 and 2^53 are RangeError ERR_OUT_OF_RANGE`, () => {
      for (const bad of rangeCases) {
        expect(() => call(bad), String(bad)).toThrowError(
          expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }),
        );
      }
    });

    it(`${name}: '12', null, missing, {}, [3], 12n, true are TypeError ERR_INVALID_ARG_TYPE`, () => {
      for (const bad of typeCases) {
        let error: unknown;
        try {
          call(bad);
        } catch (e) {
          error = e;
        }
        expect(error, String(typeof bad)).toBeInstanceOf(TypeError);
        expect((error as { code?: string }).code).toBe('ERR_INVALID_ARG_TYPE');
      }
    });
  }

  it('messages read like Node’s', () => {
    expect(() => (gcd as (...a: unknown[]) => number)('12', 1)).toThrow(
      'The "a" argument must be of type number. Received type string (\'12\')',
    );
    expect(() => gcd(1.5, 1)).toThrow(
      'The value of "a" is out of range. It must be an integer >= 0 and <= 9007199254740991. Received 1.5',
    );
  });

  it('wrong arity is a TypeError (missing and extra arguments)', () => {
    expect(() => (gcd as (...a: unknown[]) => number)(1)).toThrowError(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => (gcd as (...a: unknown[]) => number)(1, 2, 3)).toThrowError(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => (factorize as (...a: unknown[]) => number[])()).toThrowError(TypeError);
  });

  it('accepts the largest safe integer and -0', () => {
    expect(gcd(Number.MAX_SAFE_INTEGER, 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(gcd(-0, 4)).toBe(4);
  });
});
