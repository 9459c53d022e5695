// run(): Python's defaults and edge cases on real processes (check, captureOutput, input,
// text/encoding, cwd, env, shell, stderr=STDOUT, signals, CompletedProcess).
import { once } from 'node:events';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CalledProcessError,
  CompletedProcess,
  DEVNULL,
  PIPE,
  run,
  STDOUT,
  SubprocessError,
  ValueError,
} from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

describe('run', () => {
  it('resolves to a CompletedProcess with returncode 0 and nothing captured by default', async () => {
    const cp = await run(['true']);
    expect(cp).toBeInstanceOf(CompletedProcess);
    expect(cp.args).toEqual(['true']);
    expect(cp.returncode).toBe(0);
    expect(cp.stdout).toBeNull();
    expect(cp.stderr).toBeNull();
  });

  it('returns a non-zero status without check, and rejects CalledProcessError with check', async () => {
    expect((await run(['sh', '-c', 'exit 3'])).returncode).toBe(3);
    const error = await run(['false'], { check: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalledProcessError);
    expect(error).toBeInstanceOf(SubprocessError);
    const cpe = error as CalledProcessError;
    expect(cpe.returncode).toBe(1);
    expect(cpe.cmd).toEqual(['false']);
    expect(cpe.output).toBeNull();
    expect(cpe.message).toBe("Command '['false']' returned non-zero exit status 1.");
  });

  it('carries the captured output on CalledProcessError', async () => {
    const error = (await run(['sh', '-c', 'echo out; echo err >&2; exit 2'], {
      captureOutput: true,
      check: true,
      text: true,
    }).catch((e: unknown) => e)) as CalledProcessError;
    expect(error.returncode).toBe(2);
    expect(error.output).toBe('out\n');
    expect(error.stdout).toBe('out\n');
    expect(error.stderr).toBe('err\n');
  });

  it('captures stdout and stderr separately as Buffers', async () => {
    const cp = await run(['sh', '-c', 'printf out; printf err >&2'], { captureOutput: true });
    expect(Buffer.isBuffer(cp.stdout)).toBe(true);
    expect(cp.stdout?.toString()).toBe('out');
    expect(cp.stderr?.toString()).toBe('err');
  });

  it('gives empty output as an empty Buffer / string, not null, when captured', async () => {
    const bytes = await run(['true'], { captureOutput: true });
    expect(bytes.stdout).toEqual(Buffer.alloc(0));
    const text = await run(['true'], { captureOutput: true, text: true });
    expect(text.stdout).toBe('');
    expect(text.stderr).toBe('');
  });

  it('rejects captureOutput together with stdout or stderr (ValueError, as Python)', async () => {
    await expect(run(['true'], { captureOutput: true, stdout: PIPE })).rejects.toThrow(ValueError);
    await expect(run(['true'], { captureOutput: true, stderr: DEVNULL })).rejects.toThrow(
      'stdout and stderr arguments may not be used with captureOutput.',
    );
    await expect(run(['true'], { captureOutput: true, stderr: STDOUT })).rejects.toThrow(ValueError);
    expect((await run(['true'], { captureOutput: true, stdout: null })).stdout).toEqual(Buffer.alloc(0));
  });

  it('writes input (Buffer or string) to stdin and closes it', async () => {
    const bytes = await run(['cat'], { input: Buffer.from([0, 1, 2, 255]), captureOutput: true });
    expect([...(bytes.stdout as Buffer)]).toEqual([0, 1, 2, 255]);
    const text = await run(['wc', '-c'], { input: 'héllo', captureOutput: true, text: true });
    expect(text.stdout?.trim()).toBe('6'); // UTF-8 bytes
    const typed = await run(['cat'], { input: new Uint8Array([65, 66]), stdout: PIPE, text: true });
    expect(typed.stdout).toBe('AB');
  });

  it('encodes string input with the text encoding', async () => {
    const cp = await run(['od', '-An', '-tx1'], { input: 'é', encoding: 'latin-1', stdout: PIPE });
    expect(cp.stdout?.trim()).toBe('e9');
  });

  it('rejects input together with stdin (ValueError, as Python)', async () => {
    await expect(run(['cat'], { input: 'x', stdin: PIPE })).rejects.toThrow(
      'stdin and input arguments may not both be used.',
    );
    await expect(run(['cat'], { input: 'x', stdin: DEVNULL })).rejects.toThrow(ValueError);
  });

  it('ignores input when the child exits without reading it (no EPIPE error)', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 1);
    const cp = await run(['true'], { input: big });
    expect(cp.returncode).toBe(0);
  });

  it('decodes text with universal newlines, like Python', async () => {
    const cp = await run(['printf', 'a\\r\\nb\\rc\\n'], { captureOutput: true, text: true });
    expect(cp.stdout).toBe('a\nb\nc\n');
    const raw = await run(['printf', 'a\\r\\nb'], { captureOutput: true });
    expect(raw.stdout?.toString()).toBe('a\r\nb');
  });

  it('decodes with the given encoding (text mode implied by encoding)', async () => {
    const cp = await run(['printf', '\\351t\\351'], { stdout: PIPE, encoding: 'latin-1' });
    expect(cp.stdout).toBe('été');
    const utf8 = await run(['printf', '\\303\\251'], { stdout: PIPE, encoding: 'utf-8' });
    expect(utf8.stdout).toBe('é');
  });

  it('keeps multi-byte characters that span pipe reads intact', async () => {
    const cp = await run(['python3', '-c', "import sys; sys.stdout.write('é' * 200000)"], {
      stdout: PIPE,
      text: true,
    });
    expect(cp.stdout).toBe('é'.repeat(200000));
  });

  it('runs in cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nogil-cwd-'));
    try {
      const cp = await run(['pwd'], { cwd: dir, stdout: PIPE, text: true });
      expect(cp.stdout).toBe(`${realpathSync(dir)}\n`);
      const url = await run(['pwd'], { cwd: new URL(`file://${dir}`), stdout: PIPE, text: true });
      expect(url.stdout).toBe(`${realpathSync(dir)}\n`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('replaces the environment with env (env: {} gives an empty one)', async () => {
    const empty = await run(['env'], { env: {}, stdout: PIPE, text: true });
    expect(empty.stdout).toBe('');
    const one = await run(['env'], { env: { NOGIL_ONLY: 'yes' }, stdout: PIPE, text: true });
    expect(one.stdout).toBe('NOGIL_ONLY=yes\n');
    const inherited = await run(['sh', '-c', 'echo "$HOME"'], { stdout: PIPE, text: true });
    expect(inherited.stdout).toBe(`${process.env.HOME}\n`);
  });

  it('never involves a shell unless asked: metacharacters stay literal', async () => {
    const cp = await run(['echo', '$HOME', '*', '; rm -rf /', '`id`'], { stdout: PIPE, text: true });
    expect(cp.stdout).toBe('$HOME * ; rm -rf / `id`\n');
    // A string without shell is one program name, as in Python: 'echo hi' does not exist.
    await expect(run('echo hi')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('runs a string through /bin/sh -c with shell: true', async () => {
    const cp = await run('echo "$0" $((6 * 7)) | tr a-z A-Z', { shell: true, stdout: PIPE, text: true });
    expect(cp.args).toBe('echo "$0" $((6 * 7)) | tr a-z A-Z');
    expect(cp.stdout).toBe('/BIN/SH 42\n');
    // Extra list items become the shell's $0, $1, ... as in Python.
    const list = await run(['echo $0-$1', 'a', 'b'], { shell: true, stdout: PIPE, text: true });
    expect(list.stdout).toBe('a-b\n');
  });

  it('merges stderr into stdout on one fd, keeping the order of writes', async () => {
    const script = 'i=0; while [ $i -lt 300 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done';
    const cp = await run(['sh', '-c', script], { stdout: PIPE, stderr: STDOUT, text: true });
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) expected.push(`out ${i}`, `err ${i}`);
    expect(cp.stdout).toBe(`${expected.join('\n')}\n`);
    expect(cp.stderr).toBeNull();
  });

  it('gives the child literally the same file for fd 1 and fd 2 with stderr: STDOUT', async () => {
    const cp = await run(['sh', '-c', 'readlink /proc/self/fd/1 /proc/self/fd/2'], {
      stdout: PIPE,
      stderr: STDOUT,
      text: true,
    });
    const [one, two] = (cp.stdout ?? '').trim().split('\n');
    expect(one).toMatch(/^(socket|pipe):\[\d+\]$/);
    expect(two).toBe(one);
  });

  it('keeps arguments verbatim through the stderr: STDOUT wrapper', async () => {
    const args = ['printf', '%s|', '-x', '$HOME', 'a b', '"q"', "'s'", '--', ''];
    const cp = await run(args, { stdout: PIPE, stderr: STDOUT, text: true });
    expect(cp.stdout).toBe('-x|$HOME|a b|"q"|\'s\'|--||');
    expect(cp.args).toEqual(args);
  });

  it('sends stderr to DEVNULL and stdout elsewhere independently', async () => {
    const cp = await run(['sh', '-c', 'echo out; echo err >&2'], { stdout: PIPE, stderr: DEVNULL, text: true });
    expect(cp.stdout).toBe('out\n');
    expect(cp.stderr).toBeNull();
    const both = await run(['sh', '-c', 'echo out; echo err >&2'], { stdout: DEVNULL, stderr: STDOUT });
    expect(both.stdout).toBeNull();
  });

  it('redirects to and from file descriptors and opened streams', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nogil-fd-'));
    const path = join(dir, 'out.txt');
    try {
      const fd = openSync(path, 'w');
      await run(['sh', '-c', 'echo to-fd; echo err-to-fd >&2'], { stdout: fd, stderr: STDOUT });
      closeSync(fd);
      expect(readFileSync(path, 'utf8')).toBe('to-fd\nerr-to-fd\n');
      const rfd = openSync(path, 'r');
      const cat = await run(['cat'], { stdin: rfd, stdout: PIPE, text: true });
      closeSync(rfd);
      expect(cat.stdout).toBe('to-fd\nerr-to-fd\n');
      const stream = createWriteStream(path);
      await once(stream, 'open');
      await run(['echo', 'to-stream'], { stdout: stream });
      await new Promise((resolve) => stream.end(resolve));
      expect(readFileSync(path, 'utf8')).toBe('to-stream\n');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('reports death by signal as a negative returncode (-9, -15)', async () => {
    expect((await run(['sh', '-c', 'kill -TERM $$'])).returncode).toBe(-15);
    expect((await run(['sh', '-c', 'kill -KILL $$'])).returncode).toBe(-9);
    const error = (await run(['sh', '-c', 'kill -TERM $$'], { check: true }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CalledProcessError);
    expect(error.message).toBe("Command '['sh', '-c', 'kill -TERM $$']' died with <Signals.SIGTERM: 15>.");
  });

  it('runs many children concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => run(['sh', '-c', `echo ${i}`], { stdout: PIPE, text: true })),
    );
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 50 }, (_, i) => `${i}\n`));
  });
});

describe('CompletedProcess', () => {
  it('is constructible like Python and checks its returncode', () => {
    const ok = new CompletedProcess(['ls'], 0);
    expect(ok.stdout).toBeNull();
    expect(ok.stderr).toBeNull();
    expect(() => ok.checkReturncode()).not.toThrow();
    expect(String(ok)).toBe("CompletedProcess(args=['ls'], returncode=0)");
    const bad = new CompletedProcess<Buffer | string>(['ls', 'x'], 2, Buffer.from('o'), 'e');
    expect(String(bad)).toBe("CompletedProcess(args=['ls', 'x'], returncode=2, stdout=b'o', stderr='e')");
    let thrown: unknown;
    try {
      bad.checkReturncode();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CalledProcessError);
    expect(thrown).toMatchObject({ returncode: 2, cmd: ['ls', 'x'], stderr: 'e' });
    expect((thrown as CalledProcessError).output?.toString()).toBe('o');
  });
});
