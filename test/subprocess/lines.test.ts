// Popen.lines() (issue 10.6): Python's `for line in p.stdout` as `for await`, lines decoded with
// the Popen's encoding, nothing lost at EOF, nothing lost when the loop is left early.
import { DEVNULL, PIPE, Popen } from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';
import { rng } from '../helpers/random.js';

afterEach(() => {
  assertNoChildren();
});

/** Every line of `p.lines(stream)`, then the exit (so nothing is left unreaped). */
async function collect(p: Popen, stream?: 'stdout' | 'stderr'): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of p.lines(stream)) lines.push(line);
  await p.wait();
  return lines;
}

/** A child writing `pieces` (hex) with a pause after each, so each tends to be its own read. */
function slowWriter(pieces: Buffer[]): string[] {
  const hex = JSON.stringify(pieces.map((p) => p.toString('hex')));
  return [
    'python3',
    '-c',
    `import sys, time\nfor h in ${hex}:\n    sys.stdout.buffer.write(bytes.fromhex(h)); sys.stdout.buffer.flush(); time.sleep(0.03)`,
  ];
}

describe('Popen.lines()', () => {
  it('yields every line without its ending, the last one even without a newline', async () => {
    expect(await collect(new Popen(['printf', 'a\\nb\\r\\nc\\rd'], { stdout: PIPE }))).toEqual(['a', 'b', 'c', 'd']);
    expect(await collect(new Popen(['printf', 'x\\n'], { stdout: PIPE }))).toEqual(['x']);
    expect(await collect(new Popen(['printf', '\\n\\n'], { stdout: PIPE }))).toEqual(['', '']);
    expect(await collect(new Popen(['true'], { stdout: PIPE }))).toEqual([]);
  });

  it('reads stderr with lines("stderr") and decodes with the Popen encoding', async () => {
    const p = new Popen(['sh', '-c', "printf 'caf\\351\\r\\nna\\357ve' >&2"], { stderr: PIPE, encoding: 'latin-1' });
    expect(await collect(p, 'stderr')).toEqual(['café', 'naïve']);
    const q = new Popen(['printf', 'h\\303\\251\\n'], { stdout: PIPE }); // binary mode: UTF-8
    expect(await collect(q)).toEqual(['hé']);
    const utf16 = Buffer.from('a\r\nb€\rc', 'utf16le');
    const r = new Popen(slowWriter([utf16.subarray(0, 3), utf16.subarray(3, 7), utf16.subarray(7)]), {
      stdout: PIPE,
      encoding: 'utf-16le',
    });
    expect(await collect(r)).toEqual(['a', 'b€', 'c']);
  });

  it('gives each line as soon as it arrives (the child waits for our reply)', async () => {
    const p = new Popen(['sh', '-c', 'echo question; read answer; echo "got $answer"'], { stdin: PIPE, stdout: PIPE });
    const lines = p.lines();
    expect((await lines.next()).value).toBe('question');
    p.stdin!.end('yes\n');
    expect((await lines.next()).value).toBe('got yes');
    expect((await lines.next()).done).toBe(true);
    expect(await p.wait()).toBe(0);
  });

  it('joins lines and characters split across reads, a CRLF too', async () => {
    const bytes = Buffer.from('é€\r\n😀 line\rlast');
    const pieces = [1, 3, 5, 6, 8, 13, 15].map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
    pieces.push(bytes.subarray(15));
    expect(await collect(new Popen(slowWriter(pieces), { stdout: PIPE }))).toEqual(['é€', '😀 line', 'last']);
  });

  it('matches splitting the whole decoded output, on random text in random reads', async () => {
    const random = rng(1006);
    const atoms = ['a', 'bc', '\r', '\n', '\r\n', 'é', '€', '😀'];
    const text = Array.from({ length: 20_000 }, () => atoms[Math.floor(random() * atoms.length)]).join('');
    const script = `import random, sys, time\nrandom.seed(6)\ndata, i = sys.stdin.buffer.read(), 0\nwhile i < len(data):\n    n = random.randint(1, 50); sys.stdout.buffer.write(data[i:i + n]); sys.stdout.buffer.flush(); i += n; time.sleep(0.0002)`;
    const p = new Popen(['python3', '-c', script], { stdin: PIPE, stdout: PIPE });
    p.stdin!.end(text);
    const expected = text.replace(/\r\n?/g, '\n').split('\n');
    if (expected.at(-1) === '') expected.pop();
    expect(await collect(p)).toEqual(expected);
  }, 30_000);

  it('keeps a 4 MiB line without a newline whole', async () => {
    const lines = await collect(new Popen(['sh', '-c', "head -c 4194304 /dev/zero | tr '\\0' x"], { stdout: PIPE }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(4 * 2 ** 20);
  });

  it('leaves the pipe open when left early, with the lines not yet yielded still there', async () => {
    const p = new Popen(['printf', '1\\n2\\r\\n3\\n'], { stdout: PIPE });
    for await (const line of p.lines()) {
      expect(line).toBe('1');
      break;
    }
    expect(p.stdout?.destroyed).toBe(false);
    const [rest] = await p.communicate();
    expect(rest?.toString()).toBe('2\r\n3\n');
  });

  it('refuses a stream that is not a pipe; a Popen that could not start rejects', async () => {
    const p = new Popen(['true'], { stdout: DEVNULL });
    expect(() => p.lines()).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => p.lines()).toThrow('stdout: PIPE');
    expect(() => p.lines('stdin' as 'stdout')).toThrow(TypeError);
    await p.wait();
    const missing = new Popen(['nogil-no-such-program'], { stdout: PIPE });
    await expect(missing.lines().next()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
