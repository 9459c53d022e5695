// Every tutorial subprocess example under examples/subprocess/ runs as its own Node process
// (importing 'nogil/subprocess' like a user) and prints what the tutorial shows.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const execFileAsync = promisify(execFile);

/** Runs an example; resolves to its stdout lines (it must exit 0). */
async function runExample(name: string): Promise<string[]> {
  const { stdout } = await execFileAsync(process.execPath, [`examples/subprocess/${name}`], {
    cwd: root,
    timeout: 60_000,
    maxBuffer: 16 * 2 ** 20,
  });
  return stdout.split('\n');
}

/** The md5 of no input: a digest of it would mean the pipe carried nothing. */
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

afterEach(() => {
  assertNoChildren();
});

describe('tutorial examples', () => {
  it('echo-child: reads "Hello from the child!"', async () => {
    const lines = await runExample('echo-child.mjs');
    expect(lines).toEqual(['Hello from the child!', '', '']);
  });

  it('parallel-sleep: 10 x sleep 0.5 all return 0 and finish in under 1.5 s', async () => {
    const [results, done] = await runExample('parallel-sleep.mjs');
    expect(results).toBe('[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]');
    const seconds = Number(done?.match(/^Done (\d+(?:\.\d+)?)$/)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0.5);
    expect(seconds).toBeLessThan(1.5);
  });

  it('openssl-parallel: 126 children all return distinct Salted__ data', async () => {
    const lines = (await runExample('openssl-parallel.mjs')).filter(Boolean);
    expect(lines).toHaveLength(127);
    const encrypted = lines.slice(0, 126);
    for (const line of encrypted) {
      // 8-byte salt + 100 bytes padded to 104 by DES-EDE3-CBC = 112 bytes = 224 hex digits.
      expect(line).toMatch(/^Salted__ [0-9a-f]{224}$/);
    }
    expect(new Set(encrypted).size).toBe(126);
    expect(lines[126]).toMatch(/^Time suming \d+(\.\d+)? s$/);
  }, 90_000);

  it('poll-and-timeout: Working... at least once, Exit status 0, Exit when timeout -15', async () => {
    const lines = (await runExample('poll-and-timeout.mjs')).filter(Boolean);
    expect(lines[0]).toMatch(/^total \d+/); // ls -l went to the inherited stdout
    const tail = lines.slice(lines.indexOf('Working...'));
    const working = tail.filter((line) => line === 'Working...').length;
    expect(working).toBeGreaterThanOrEqual(1);
    expect(tail.slice(working)).toEqual(['Exit status 0', 'Exit when timeout -15']);
  });

  it('openssl-md5-pipeline: 5 openssl | md5sum pipelines give 5 distinct digests', async () => {
    const lines = (await runExample('openssl-md5-pipeline.mjs')).filter(Boolean);
    expect(lines.slice(0, 5)).toEqual(['a', 'a', 'a', 'a', 'a']);
    const digests = lines.slice(5, 10);
    for (const digest of digests) expect(digest).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(digests).size).toBe(5);
    expect(digests).not.toContain(EMPTY_MD5);
    expect(lines[10]).toMatch(/^Time suming \d+(\.\d+)? s$/);
  });
});
