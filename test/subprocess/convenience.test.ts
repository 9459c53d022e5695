// Python's helpers on top of run/Popen: checkOutput, call, checkCall, getoutput, getstatusoutput.
import {
  CalledProcessError,
  call,
  checkCall,
  checkOutput,
  DEVNULL,
  getoutput,
  getstatusoutput,
  PIPE,
  STDOUT,
  TimeoutExpired,
} from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

describe('checkOutput', () => {
  it('returns stdout (Buffer, or string in text mode)', async () => {
    const out = await checkOutput(['echo', 'hi']);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.toString()).toBe('hi\n');
    expect(await checkOutput(['echo', 'hi'], { text: true })).toBe('hi\n');
  });

  it('rejects CalledProcessError carrying the output on a non-zero status', async () => {
    const error = (await checkOutput(['sh', '-c', 'echo out; exit 2']).catch((e: unknown) => e)) as CalledProcessError;
    expect(error).toBeInstanceOf(CalledProcessError);
    expect(error.returncode).toBe(2);
    expect(error.output?.toString()).toBe('out\n');
    expect(error.stderr).toBeNull();
  });

  it('merges stderr with STDOUT and takes input', async () => {
    expect(await checkOutput(['sh', '-c', 'echo a; echo b >&2'], { stderr: STDOUT, text: true })).toBe('a\nb\n');
    expect(await checkOutput(['tr', 'a-z', 'A-Z'], { input: 'abc', text: true })).toBe('ABC');
  });

  it('treats an explicit input: null as empty input, not an inherited stdin (as Python)', async () => {
    expect(await checkOutput(['cat'], { input: null, text: true })).toBe('');
    expect(await checkOutput(['cat'], { input: undefined })).toEqual(Buffer.alloc(0));
  });

  it('honours timeout (ms)', async () => {
    await expect(checkOutput(['sleep', '30'], { timeout: 100 })).rejects.toBeInstanceOf(TimeoutExpired);
  });
});

describe('call and checkCall', () => {
  it('call resolves to the exit status', async () => {
    expect(await call(['true'])).toBe(0);
    expect(await call(['sh', '-c', 'exit 4'])).toBe(4);
    expect(await call(['sh', '-c', 'kill -KILL $$'])).toBe(-9);
    expect(await call('exit 6', { shell: true })).toBe(6);
    expect(await call(['sh', '-c', 'echo hidden'], { stdout: DEVNULL })).toBe(0);
  });

  it('call closes pipes it was given (no hang, no leak)', async () => {
    expect(await call(['echo', 'x'], { stdout: PIPE })).toBe(0);
  });

  it('checkCall resolves to 0 or rejects CalledProcessError with the command', async () => {
    expect(await checkCall(['true'])).toBe(0);
    const error = (await checkCall(['false']).catch((e: unknown) => e)) as CalledProcessError;
    expect(error).toBeInstanceOf(CalledProcessError);
    expect(error).toMatchObject({ returncode: 1, cmd: ['false'], output: null });
    expect(error.message).toBe("Command '['false']' returned non-zero exit status 1.");
  });
});

describe('getstatusoutput and getoutput', () => {
  it('resolves to [status, output] through the shell', async () => {
    expect(await getstatusoutput('exit 3')).toEqual([3, '']);
    expect(await getstatusoutput('echo hi; echo there')).toEqual([0, 'hi\nthere']);
    expect(await getstatusoutput('echo out; echo err >&2; exit 1')).toEqual([1, 'out\nerr']);
    expect(await getstatusoutput('kill -9 $$')).toEqual([-9, '']);
    const [status, output] = await getstatusoutput('nogil-no-such-command');
    expect(status).toBe(127);
    expect(output).toMatch(/nogil-no-such-command: (command )?not found$/); // the shell's message, on stderr
  });

  it('strips exactly one trailing newline, as Python', async () => {
    expect(await getoutput('printf "a\\n\\n"')).toBe('a\n');
    expect(await getoutput('printf "a"')).toBe('a');
    expect(await getoutput('echo hi')).toBe('hi');
    expect(await getoutput('exit 2')).toBe('');
  });

  it('decodes with encoding', async () => {
    expect(await getoutput("printf '\\351'", { encoding: 'latin-1' })).toBe('é');
  });
});
