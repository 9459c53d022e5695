// The tutorial's threading and lock examples, replayed by examples/threading/*.mjs.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const example = (name: string): string => fileURLToPath(new URL(`../../examples/threading/${name}`, import.meta.url));

async function output(name: string): Promise<string[]> {
  const { stdout, stderr } = await run(process.execPath, [example(name)], { timeout: 60_000 });
  expect(stderr).toBe('');
  return stdout.trimEnd().split('\n');
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

describe('tutorial section 2: threads', () => {
  test("factorize in threads prints each number's factors in order", async () => {
    const lines = await output('factorize.mjs');
    const numbers = [12342, 1235456, 7832487, 33244, 132412, 2341, 213412, 124];
    expect(lines.slice(0, 8)).toEqual(numbers.map((n) => `Factors: [${divisors(n).join(', ')}]`));
    // The notebook's first line, verbatim.
    expect(lines[0]).toBe(
      'Factors: [1, 2, 3, 6, 11, 17, 22, 33, 34, 51, 66, 102, 121, 187, 242, 363, 374, 561, 726, 1122, 2057, 4114, 6171, 12342]',
    );
    expect(lines[8]).toMatch(/^Time consuming\d+\.\d{3}$/);
  });

  test('5 threads blocked for 100 ms finish together (< 400 ms with start-up)', async () => {
    // Most of the time is Node starting five workers (about 200 ms on the 2-core CI VM, and
    // more whenever the VM is busy), so the bound is checked on the best of three runs: one
    // run under 400 ms proves the threads overlap (serial would be 500 ms plus start-up),
    // while a passing-but-noisy machine no longer fails CI.
    const times: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const [line] = await output('blocking-io.mjs');
      const seconds = Number(/^Time consuming(\d+\.\d{3})$/.exec(line!)![1]);
      expect(seconds).toBeGreaterThanOrEqual(0.1);
      times.push(seconds);
      if (seconds < 0.4) break;
    }
    expect(Math.min(...times)).toBeLessThan(0.4);
  });
});

describe('tutorial section 3: locks', () => {
  test('5 x 100000 unlocked increments lose updates; with getLock() they reach exactly 500000', async () => {
    const [unlocked, locked] = (await output('counter-race.mjs')).map(Number);
    expect(unlocked).toBeGreaterThan(0);
    expect(unlocked).toBeLessThan(500_000);
    expect(locked).toBe(500_000);
  });
});
