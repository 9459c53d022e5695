// The tutorial's concurrent.futures replays (examples/futures/*.mjs), run as their own
// processes. The thread- and process-pool replays need ThreadPoolExecutor and
// ProcessPoolExecutor from nogil/futures.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const RESULTS = '[1, 4, 1, 10, 1, 4, 1, 10, 1, 4, 1, 10]';

async function output(name: string): Promise<string[]> {
  const file = fileURLToPath(new URL(`../../examples/futures/${name}`, import.meta.url));
  // Run from another directory: the examples must not depend on the working directory.
  const { stdout, stderr } = await run(process.execPath, [file], { timeout: 60_000, cwd: '/' });
  expect(stderr).toBe('');
  return stdout.trimEnd().split('\n');
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

describe('tutorial section 5: the 12 gcd pairs', () => {
  it.each(['gcd-serial.mjs', 'gcd-thread-pool.mjs', 'gcd-process-pool.mjs', 'gcd-native-pool.mjs'])(
    '%s prints the notebook’s results and the time',
    async (name) => {
      const lines = await output(name);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(RESULTS);
      expect(lines[1]).toMatch(/^Time was \d+\.\d{3} s$/);
    },
  );
});

describe('tutorial section 2 on an executor', () => {
  it('factorize-thread-pool prints each number’s factors in input order', async () => {
    const lines = await output('factorize-thread-pool.mjs');
    const numbers = [12342, 1235456, 7832487, 33244, 132412, 2341, 213412, 124];
    expect(lines.slice(0, 8)).toEqual(numbers.map((n) => `Factors: [${divisors(n).join(', ')}]`));
    expect(lines[8]).toMatch(/^Time consuming\d+\.\d{3}$/);
    expect(lines).toHaveLength(9);
  });
});
