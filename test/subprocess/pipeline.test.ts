// Pipelines at OS level: `new Popen(b, { stdin: a.stdout })` hands a's pipe fd to b, so the
// bytes go from child to child and never through JS.
import { once } from 'node:events';
import { readlinkSync } from 'node:fs';
import { DEVNULL, PIPE, Popen, runSync } from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

describe('pipelines', () => {
  it('gives the second child the very pipe end the parent held (same kernel object)', async () => {
    const p1 = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
    // The parent's end of p1's stdout pipe, by its fd (a Node internal, read only here).
    const fd = (p1.stdout as unknown as { _handle: { fd: number } })._handle.fd;
    const parentEnd = readlinkSync(`/proc/self/fd/${fd}`);
    expect(parentEnd).toMatch(/^(socket|pipe):\[\d+\]$/);
    const p2 = new Popen(['cat'], { stdin: p1.stdout, stdout: PIPE });
    expect(readlinkSync(`/proc/${p2.pid}/fd/0`)).toBe(parentEnd);
    // The parent's copy is closed (Python's `p1.stdout.close()` idiom, done for you).
    expect(p1.stdout?.destroyed).toBe(true);
    p1.stdin?.end('hello pipe\n');
    const [out] = await p2.communicate();
    expect(out?.toString()).toBe('hello pipe\n');
    expect(await p1.wait()).toBe(0);
    expect(p2.returncode).toBe(0);
  });

  it('loses nothing the first child wrote before the second one started', async () => {
    const p1 = new Popen(['sh', '-c', 'echo early; echo ready >&2; cat'], { stdin: PIPE, stdout: PIPE, stderr: PIPE });
    // 'ready' on stderr comes after 'early' was written to stdout: it is in the pipe now.
    await once(p1.stderr!, 'data');
    await new Promise((resolve) => setTimeout(resolve, 20)); // give Node a chance to (wrongly) read it
    const p2 = new Popen(['cat'], { stdin: p1.stdout, stdout: PIPE });
    p1.stdin?.end('late\n');
    const [out] = await p2.communicate();
    expect(out?.toString()).toBe('early\nlate\n');
    await p1.communicate();
  });

  it('runs a three-stage pipeline', async () => {
    const p1 = new Popen(['printf', 'pear\\napple\\nfig\\n'], { stdout: PIPE });
    const p2 = new Popen(['tr', 'a-z', 'A-Z'], { stdin: p1.stdout, stdout: PIPE });
    const p3 = new Popen(['sort'], { stdin: p2.stdout, stdout: PIPE, text: true });
    const [out] = await p3.communicate();
    expect(out).toBe('APPLE\nFIG\nPEAR\n');
    expect([await p1.wait(), await p2.wait()]).toEqual([0, 0]);
  });

  it('stops the writer when the reader exits early (no hang)', async () => {
    const p1 = new Popen(['yes'], { stdout: PIPE, stderr: DEVNULL });
    const p2 = new Popen(['head', '-n', '1'], { stdin: p1.stdout, stdout: PIPE });
    const [out] = await p2.communicate();
    expect(out?.toString()).toBe('y\n');
    // SIGPIPE (-13) on a real pipe; ECONNRESET (exit 1) on Node's socketpair pipes.
    expect([-13, 1]).toContain(await p1.wait(10_000));
  });

  it('feeds a Popen pipe to runSync through its fd', async () => {
    const p1 = new Popen(['echo', 'to sync'], { stdout: PIPE });
    const cp = runSync(['cat'], { stdin: p1.stdout, stdout: PIPE, text: true });
    expect(cp.stdout).toBe('to sync\n');
    expect(await p1.wait()).toBe(0);
  });

  it('moves 3 GiB from head to wc with a flat JS heap (bytes never pass through JS)', async () => {
    const size = 3 * 2 ** 30;
    const before = process.memoryUsage();
    let maxRss = before.rss;
    let maxBuffers = before.arrayBuffers;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      maxRss = Math.max(maxRss, now.rss);
      maxBuffers = Math.max(maxBuffers, now.arrayBuffers);
    }, 10);
    try {
      const p1 = new Popen(['head', '-c', String(size), '/dev/zero'], { stdout: PIPE });
      const p2 = new Popen(['wc', '-c'], { stdin: p1.stdout, stdout: PIPE, text: true });
      const [out] = await p2.communicate(undefined, 120_000);
      expect(Number(out?.trim())).toBe(size);
      expect(await p1.wait()).toBe(0);
    } finally {
      clearInterval(sampler);
    }
    expect(maxBuffers - before.arrayBuffers).toBeLessThan(16 * 2 ** 20);
    expect(maxRss - before.rss).toBeLessThan(64 * 2 ** 20);
  }, 180_000);
});
