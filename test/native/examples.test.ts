// The native replays of the tutorial (examples/native/*.mjs), run as their own processes.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function output(name: string): Promise<string[]> {
  const file = fileURLToPath(new URL(`../../examples/native/${name}`, import.meta.url));
  const { stdout, stderr } = await run(process.execPath, [file], { timeout: 60_000 });
  expect(stderr).toBe('');
  return stdout.trimEnd().split('\n');
}

describe('tutorial replays on native threads', () => {
  it('gcd-pool prints the notebook’s results, serially and from the pool', async () => {
    const lines = await output('gcd-pool.mjs');
    const results = '1, 4, 1, 10, 1, 4, 1, 10, 1, 4, 1, 10';
    expect(lines[0]).toBe(results);
    expect(lines[1]).toMatch(/^Serial time was \d+\.\d{3} s$/);
    expect(lines[2]).toBe(results);
    expect(lines[3]).toMatch(/^NativePool\(2\) time was \d+\.\d{3} s$/);
  });

  it('counter-race loses updates without the lock and is exact with it', async () => {
    const [racy, locked] = (await output('counter-race.mjs')).map(Number);
    expect(racy).toBeLessThan(500_000);
    // Lost updates can take the count below one thread's share (the race's floor is 2).
    expect(racy).toBeGreaterThanOrEqual(2);
    expect(locked).toBe(500_000);
  });
});
