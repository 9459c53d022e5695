// Text mode (issue 8 item 14 made it fast, decoding chunk by chunk): the result must equal
// decoding the whole output at once and then applying Python's universal newlines, wherever
// the chunk boundaries fall (inside a CRLF, inside a multi-byte character, in invalid bytes).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIPE, Popen, run, runSync, TimeoutExpired } from 'nogil/subprocess';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';
import { assertNoChildren } from '../helpers/proc.js';
import { rng } from '../helpers/random.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nogil-text-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  assertNoChildren();
});

/** Python's reading of `bytes` in text mode: decode it all, then universal newlines. */
function reference(bytes: Buffer, encoding: BufferEncoding = 'utf8'): string {
  return bytes.toString(encoding).replace(/\r\n?/g, '\n');
}

/** Writes `pieces` to stdout with a pause after each, so each tends to arrive as its own chunk. */
function slowWriter(pieces: Buffer[]): string[] {
  const hex = pieces.map((p) => p.toString('hex'));
  const script = `import sys, time\nfor h in ${JSON.stringify(hex)}:\n    sys.stdout.buffer.write(bytes.fromhex(h)); sys.stdout.buffer.flush(); time.sleep(0.03)`;
  return ['python3', '-c', script];
}

describe('text mode across chunk boundaries', () => {
  it('translates a CRLF split between two reads into one newline', async () => {
    const pieces = ['a\r', '\nb\r', '\r\n', 'c\r'].map((s) => Buffer.from(s));
    const cp = await run(slowWriter(pieces), { stdout: PIPE, text: true });
    expect(cp.stdout).toBe('a\nb\n\nc\n');
  });

  it('joins a UTF-8 character split between reads (2, 3 and 4 bytes)', async () => {
    const whole = Buffer.from('é€😀\r\n');
    const pieces = [
      whole.subarray(0, 1),
      whole.subarray(1, 3),
      whole.subarray(3, 6),
      whole.subarray(6, 9),
      whole.subarray(9),
    ];
    const cp = await run(slowWriter(pieces), { stdout: PIPE, text: true });
    expect(cp.stdout).toBe('é€😀\n');
  });

  it('matches whole-output decoding on random bytes (valid, invalid, CR, LF) read in random chunks', async () => {
    const random = rng(8014);
    // Text (ASCII, Latin-1 range, beyond it) and bytes that are not UTF-8 (a stray lead byte,
    // cut sequences, a lone continuation byte, 0xff).
    const text = ['a', '\r', '\n', '\r\n', 'é', 'ÿ', '€', '😀'].map((s) => Buffer.from(s));
    const invalid = ['ff', 'c3', 'e282', 'f09f98', '80'].map((h) => Buffer.from(h, 'hex'));
    const atoms = [...text, ...invalid];
    for (let round = 0; round < 3; round++) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 6000; i++) parts.push(atoms[Math.floor(random() * atoms.length)]!);
      const data = Buffer.concat(parts);
      const file = join(dir, `random-${round}`);
      writeFileSync(file, data);
      // Pieces of 1-40 bytes with a pause after each: most reads end at an arbitrary offset.
      const script = [
        'import random, sys, time',
        `random.seed(${round})`,
        'data, out, i = open(sys.argv[1], "rb").read(), sys.stdout.buffer, 0',
        'while i < len(data):',
        '    n = random.randint(1, 40); out.write(data[i:i + n]); out.flush(); i += n; time.sleep(0.0002)',
      ].join('\n');
      const cp = await run(['python3', '-c', script, file], { stdout: PIPE, text: true });
      expect(cp.stdout).toBe(reference(data));
      expect(runSync(['cat', file], { stdout: PIPE, text: true }).stdout).toBe(reference(data));
    }
  }, 30_000);

  it('handles non-Latin-1 text after Latin-1 text in the same chunk, and plain ASCII', async () => {
    const data = Buffer.from(`${'é\r\n'.repeat(1000)}€ and ä\r\n${'x'.repeat(5000)}\r`);
    const file = join(dir, 'mixed');
    writeFileSync(file, data);
    const cp = await run(['cat', file], { stdout: PIPE, text: true });
    expect(cp.stdout).toBe(reference(data));
  });

  it('translates newlines in latin-1 and utf-16le too', async () => {
    const latin = Buffer.from('caf\xe9\r\nna\xefve\r', 'latin1');
    const file = join(dir, 'latin');
    writeFileSync(file, latin);
    expect((await run(['cat', file], { stdout: PIPE, encoding: 'latin-1' })).stdout).toBe('café\nnaïve\n');
    const utf16 = Buffer.from('a\r\nb\rc€\r\n', 'utf16le');
    const pieces = [utf16.subarray(0, 3), utf16.subarray(3, 5), utf16.subarray(5)]; // cut inside code units
    const cp = await run(slowWriter(pieces), { stdout: PIPE, encoding: 'utf-16le' });
    expect(cp.stdout).toBe('a\nb\nc€\n');
  });

  it('keeps TimeoutExpired output as raw bytes, CRLF included (as Python)', async () => {
    const p = new Popen(['sh', '-c', "printf 'x\\r\\n'; exec sleep 10"], { stdout: PIPE, text: true });
    const error = (await p.communicate(null, 300).catch((e: unknown) => e)) as TimeoutExpired;
    expect(error).toBeInstanceOf(TimeoutExpired);
    expect(error.output).toEqual(Buffer.from('x\r\n'));
    p.kill();
    const [out] = await p.communicate();
    expect(out).toBe('x\n');
  });
});

// The numbers against CPython are in BENCHMARKS.md (bench/subprocess.mjs (c)); this only guards
// against falling back to the 10x-slower, 24x-the-output-in-memory decoding, with wide margins.
const CRLF_LOAD = `
import { PIPE, run } from 'nogil/subprocess';
const cmd = ['sh', '-c', "yes \\"$(printf '\\\\303\\\\251\\\\r')\\" | head -c 24000000"];
await run(['true'], { stdout: PIPE, text: true }); // load everything first
const before = process.memoryUsage().rss;
const { stdout } = await run(cmd, { stdout: PIPE, text: true });
if (stdout.length !== 12000000 || !stdout.startsWith('\u00e9\\n')) throw new Error('wrong output');
const growth = process.resourceUsage().maxRSS * 1024 - before;
const best = async (options) => {
  let ms = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await run(cmd, { stdout: PIPE, ...options });
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
};
const bytesMs = await best({});
const textMs = await best({ text: true });
console.log(JSON.stringify({ growth, bytesMs, textMs }));
`;

describe('text mode cost (issue 8.14)', () => {
  it('decodes 24 MB of CRLF lines in about the time and memory of bytes mode', async () => {
    const child = await runNode(CRLF_LOAD, { timeoutMs: 120_000 });
    expect(child.stderr).toBe('');
    const { growth, bytesMs, textMs } = JSON.parse(child.stdout);
    expect(growth).toBeLessThan(4 * 24e6); // before: about 24x the output
    expect(textMs).toBeLessThan(4 * bytesMs); // before: about 15x
  }, 120_000);
});
