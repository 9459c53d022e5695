// Regression of issue 8 item 11: the pipes of a Popen that was waited for but never read are
// released once the child has exited, and what the child wrote is still there for a later
// communicate(), stream read or hand-off.
import { readdirSync, readlinkSync } from 'node:fs';
import { PIPE, Popen, run, runSync } from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node-child.js';
import { assertNoChildren, eventually } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

/** The kernel objects (`socket:[inode]`) behind this process's open fds. */
function openObjects(): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.add(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed while we looked (the readdir fd itself)
    }
  }
  return out;
}

/** The kernel object behind a pipe stream (read through Node's handle, as the pipeline test does). */
function objectOf(stream: unknown): string {
  const fd = (stream as { _handle: { fd: number } })._handle.fd;
  return readlinkSync(`/proc/self/fd/${fd}`);
}

/** Runs an ES module in a fresh node under `ulimit -n <limit>`; resolves to its stdout. */
async function nodeWithFdLimit(source: string, limit: number): Promise<string> {
  const cp = await run(
    ['sh', '-c', `ulimit -n ${limit} && exec "$0" --input-type=module -e "$1"`, process.execPath, source],
    {
      cwd: repoRoot,
      captureOutput: true,
      text: true,
      timeout: 120_000,
    },
  );
  expect(cp.stderr).toBe('');
  expect(cp.returncode).toBe(0);
  return cp.stdout as string;
}

const LOOP = `
import { readdirSync } from 'node:fs';
import { PIPE, Popen } from 'nogil/subprocess';
const fds = () => readdirSync('/proc/self/fd').length;
await new Popen(['true'], { stdout: PIPE, stderr: PIPE }).wait(); // warm-up
await new Promise((r) => setTimeout(r, 50));
const before = fds();
let peak = before;
for (let i = 0; i < RUNS; i++) {
  const p = new Popen(['sh', '-c', 'echo out; echo err >&2'], { stdout: PIPE, stderr: PIPE });
  if ((await p.wait()) !== 0) throw new Error('exit status');
  peak = Math.max(peak, fds());
}
await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ before, peak, after: fds() }));
`;

describe('pipes of a Popen that was waited for but never read (issue 8.11)', () => {
  it('are closed after the exit: 300 Popen(PIPE, PIPE) + wait() keep the fd count flat', async () => {
    const counts = JSON.parse(await nodeWithFdLimit(LOOP.replaceAll('RUNS', '300'), 1024));
    expect(counts.after).toBeLessThanOrEqual(counts.before + 2);
    // Each iteration's pipes close within a few event-loop turns, not at the end.
    expect(counts.peak).toBeLessThanOrEqual(counts.before + 12);
  }, 120_000);

  it('let 1000 runs succeed under ulimit -n 200 (EMFILE before)', async () => {
    const counts = JSON.parse(await nodeWithFdLimit(LOOP.replaceAll('RUNS', '1000'), 200));
    expect(counts.after).toBeLessThanOrEqual(counts.before + 2);
  }, 120_000);

  it('keep everything for a later communicate(), beyond the stream high-water mark', async () => {
    const size = 128 * 1024; // more than a stream buffers by default, less than a pipe holds
    const p = new Popen(['sh', '-c', `head -c ${size} /dev/zero; head -c ${size} /dev/zero | tr '\\0' e >&2`], {
      stdout: PIPE,
      stderr: PIPE,
    });
    const objects = [objectOf(p.stdout), objectOf(p.stderr)];
    expect(await p.wait()).toBe(0);
    await eventually(() => objects.every((o) => !openObjects().has(o)), 'both pipes to be closed');
    const [out, err] = await p.communicate();
    expect(out?.length).toBe(size);
    expect(err?.length).toBe(size);
    expect(err?.every((b) => b === 0x65)).toBe(true);
  });

  it('keep everything for a plain stream reader (for await, in order)', async () => {
    const p = new Popen(['seq', '1', '20000'], { stdout: PIPE, text: true });
    const object = objectOf(p.stdout);
    await p.wait();
    await eventually(() => !openObjects().has(object), 'the pipe to be closed');
    const chunks: Buffer[] = [];
    for await (const chunk of p.stdout!) chunks.push(chunk as Buffer);
    const lines = Buffer.concat(chunks).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(20000);
    expect(lines[0]).toBe('1');
    expect(lines[19999]).toBe('20000');
  });

  it('read at most a bounded amount while a grandchild still writes into the pipe', async () => {
    const size = 12 * 2 ** 20;
    // sh exits at once; head, in the background, keeps writing into the inherited pipe.
    const p = new Popen(['sh', '-c', `head -c ${size} /dev/zero & exit 0`], { stdout: PIPE });
    expect(await p.wait()).toBe(0);
    await eventually(() => (p.stdout?.readableLength ?? 0) >= 2 ** 20, 'the spill to buffer output');
    await new Promise((resolve) => setTimeout(resolve, 200)); // head could write all 12 MiB by now
    expect(p.stdout?.readableLength).toBeLessThanOrEqual(4 * 2 ** 20 + 2 ** 16);
    const [out] = await p.communicate();
    expect(out?.length).toBe(size);
  });

  it('can still be handed to another child, buffered part first (Popen and runSync)', async () => {
    const p1 = new Popen(['printf', 'b\\na\\nc\\n'], { stdout: PIPE });
    const object = objectOf(p1.stdout);
    await p1.wait();
    await eventually(() => !openObjects().has(object), 'the pipe to be closed');
    const p2 = new Popen(['sort'], { stdin: p1.stdout, stdout: PIPE, text: true });
    expect(p2.stdin).toBeNull(); // stdin was not PIPE: the feeding pipe is nogil's
    const [out] = await p2.communicate();
    expect(out).toBe('a\nb\nc\n');

    const q1 = new Popen(['echo', 'to sync'], { stdout: PIPE });
    const qObject = objectOf(q1.stdout);
    await q1.wait();
    await eventually(() => !openObjects().has(qObject), 'the pipe to be closed');
    expect(runSync(['cat'], { stdin: q1.stdout, stdout: PIPE, text: true }).stdout).toBe('to sync\n');
  });
});
