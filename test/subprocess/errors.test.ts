// The error classes (Python's hierarchy, messages and fields, cross-copy instanceof) and bad
// input: every mistake gets a clear error and leaves nothing running.
import { cpSync, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as subprocess from 'nogil/subprocess';
import {
  CalledProcessError,
  call,
  checkOutput,
  DEVNULL,
  PIPE,
  Popen,
  run,
  runSync,
  STDOUT,
  SubprocessError,
  TimeoutExpired,
  ValueError,
} from 'nogil/subprocess';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

describe('error classes', () => {
  it('follow Python: CalledProcessError and TimeoutExpired extend SubprocessError extends Error', () => {
    const cpe = new CalledProcessError(1, ['false']);
    const te = new TimeoutExpired(['sleep', '10'], 100);
    for (const error of [cpe, te]) {
      expect(error).toBeInstanceOf(SubprocessError);
      expect(error).toBeInstanceOf(Error);
    }
    expect(cpe).not.toBeInstanceOf(TimeoutExpired);
    expect(te).not.toBeInstanceOf(CalledProcessError);
    expect(new SubprocessError('x')).not.toBeInstanceOf(CalledProcessError);
    expect(cpe.name).toBe('CalledProcessError');
    expect(te.name).toBe('TimeoutExpired');
    expect(new SubprocessError('x').name).toBe('SubprocessError');
  });

  it('CalledProcessError has returncode, cmd, output, stdout (alias) and stderr', () => {
    const error = new CalledProcessError(2, ['ls', 'x'], Buffer.from('out'), 'err');
    expect(error.returncode).toBe(2);
    expect(error.cmd).toEqual(['ls', 'x']);
    expect(error.output?.toString()).toBe('out');
    expect(error.stdout).toBe(error.output);
    expect(error.stderr).toBe('err');
    error.stdout = 'changed';
    expect(error.output).toBe('changed');
    const bare = new CalledProcessError(1, 'cmd');
    expect(bare.output).toBeNull();
    expect(bare.stderr).toBeNull();
  });

  it("uses CPython's messages", () => {
    expect(new CalledProcessError(1, ['false']).message).toBe("Command '['false']' returned non-zero exit status 1.");
    expect(new CalledProcessError(3, 'exit 3').message).toBe("Command 'exit 3' returned non-zero exit status 3.");
    expect(new CalledProcessError(-15, ['sleep', '10']).message).toBe(
      "Command '['sleep', '10']' died with <Signals.SIGTERM: 15>.",
    );
    expect(new CalledProcessError(-9, ['x']).message).toBe("Command '['x']' died with <Signals.SIGKILL: 9>.");
    expect(new CalledProcessError(-99, 'x').message).toBe("Command 'x' died with unknown signal 99.");
    expect(new CalledProcessError(1, ["it's"]).message).toBe(`Command '["it's"]' returned non-zero exit status 1.`);
    expect(new TimeoutExpired(['sleep', '10'], 100).message).toBe(
      "Command '['sleep', '10']' timed out after 100 milliseconds",
    );
  });

  it('TimeoutExpired has cmd, timeout (ms), output, stdout (alias) and stderr', () => {
    const error = new TimeoutExpired(['a'], 250, Buffer.from('so far'), null);
    expect(error.cmd).toEqual(['a']);
    expect(error.timeout).toBe(250);
    expect(error.stdout?.toString()).toBe('so far');
    expect(error.stderr).toBeNull();
  });

  it('survive the wire form used to cross threads and processes (fields, class, hierarchy)', async () => {
    // nogil's internal wire format (src/internal/errors.ts): what executors post between realms.
    const wire = (await import(new URL('../../dist/internal/errors.js', import.meta.url).href)) as {
      toWire(error: unknown): unknown;
      fromWire(wire: unknown): Error;
    };
    const original = new CalledProcessError(2, ['make'], 'out', 'err');
    const revived = wire.fromWire(structuredClone(wire.toWire(original))) as CalledProcessError;
    expect(revived).toBeInstanceOf(CalledProcessError);
    expect(revived).toBeInstanceOf(SubprocessError);
    expect(revived).toMatchObject({ name: 'CalledProcessError', returncode: 2, cmd: ['make'], output: 'out' });
    expect(revived.stdout).toBe('out');
    expect(revived.message).toBe(original.message);
    const timeout = wire.fromWire(structuredClone(wire.toWire(new TimeoutExpired(['x'], 5)))) as TimeoutExpired;
    expect(timeout).toBeInstanceOf(TimeoutExpired);
    expect(timeout.timeout).toBe(5);
  });

  describe('across package copies', () => {
    let dir: string;
    let copy: typeof subprocess;
    beforeAll(async () => {
      // A second copy of the built package, loaded as a separate module instance: its classes
      // are different objects from ours, as with two installed versions of nogil.
      // The sources go along, so that the copy's source maps resolve (vitest reads them).
      dir = mkdtempSync(join(tmpdir(), 'nogil-copy-'));
      const root = fileURLToPath(new URL('../../', import.meta.url));
      for (const part of ['dist/internal', 'dist/subprocess', 'src/internal', 'src/subprocess']) {
        cpSync(join(root, part), join(dir, part), { recursive: true });
      }
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      copy = await import(pathToFileURL(join(dir, 'dist', 'subprocess', 'index.js')).href);
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps instanceof between two copies, both ways, with the hierarchy', async () => {
      expect(copy.CalledProcessError).not.toBe(CalledProcessError);
      const theirs = new copy.CalledProcessError(1, ['false']);
      expect(theirs).toBeInstanceOf(CalledProcessError);
      expect(theirs).toBeInstanceOf(SubprocessError);
      expect(theirs).not.toBeInstanceOf(TimeoutExpired);
      const ours = new TimeoutExpired(['x'], 1);
      expect(ours).toBeInstanceOf(copy.TimeoutExpired);
      expect(ours).toBeInstanceOf(copy.SubprocessError);
      const fromRun = await copy.run(['false'], { check: true }).catch((e: unknown) => e);
      expect(fromRun).toBeInstanceOf(CalledProcessError);
    });
  });
});

describe('bad input: a clear error, nothing left running', () => {
  it('rejects empty args (ValueError)', async () => {
    await expect(run([])).rejects.toThrow(ValueError);
    await expect(run([])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(() => new Popen([])).toThrow(ValueError);
    expect(() => runSync([])).toThrow(ValueError);
  });

  it('rejects non-string args (TypeError ERR_INVALID_ARG_TYPE)', async () => {
    await expect(run(['echo', 1 as unknown as string])).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(run(['echo', 1 as unknown as string])).rejects.toThrow('args[1]');
    for (const bad of [42, null, undefined, { 0: 'ls' }]) {
      await expect(run(bad as unknown as string[])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    }
    expect(() => new Popen([null as unknown as string])).toThrow(TypeError);
  });

  it('rejects NUL bytes in args, cwd and env (ValueError)', async () => {
    await expect(run(['ec\0ho'])).rejects.toThrow(ValueError);
    await expect(run(['echo', 'a\0b'])).rejects.toThrow(/null byte/);
    await expect(run('echo\0', { shell: true })).rejects.toThrow(ValueError);
    await expect(run(['true'], { cwd: '/tmp\0x' })).rejects.toThrow(ValueError);
    await expect(run(['true'], { env: { A: 'b\0' } })).rejects.toThrow(ValueError);
  });

  it('rejects a missing program with code ENOENT (a rejection, not an unhandled error event)', async () => {
    const error = (await run(['nogil-no-such-program']).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ENOENT');
    expect(error.message).toBe('spawn nogil-no-such-program ENOENT');
    expect(error.path).toBe('nogil-no-such-program');
    await expect(run(['/no/such/dir/prog'], { captureOutput: true })).rejects.toMatchObject({ code: 'ENOENT' });
    // The stderr=STDOUT path (a /bin/sh wrapper) fails the same way, not with status 127.
    await expect(run(['nogil-no-such-program'], { stdout: PIPE, stderr: STDOUT })).rejects.toMatchObject({
      code: 'ENOENT',
      message: 'spawn nogil-no-such-program ENOENT',
    });
    await expect(checkOutput(['nogil-no-such-program'])).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(call(['nogil-no-such-program'])).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => runSync(['nogil-no-such-program'])).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('gives a Popen of a missing program no pid; wait/communicate reject, poll throws', async () => {
    const p = new Popen(['nogil-no-such-program'], { stdin: PIPE, stdout: PIPE, stderr: PIPE });
    expect(p.pid).toBeUndefined();
    await expect(p.wait()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(p.communicate()).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => p.poll()).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(p.returncode).toBeNull();
    expect(p.stdout).toBeNull(); // nothing was started: no pipes either
    expect(() => p.kill()).not.toThrow();
  });

  it('makes poll() throw the start error right after the constructor, before any await', async () => {
    // Python raises from Popen() itself; nogil reports it on the first poll() already.
    const missing = new Popen(['nogil-no-such-program', 'a']);
    expect(() => missing.poll()).toThrow(
      expect.objectContaining({ code: 'ENOENT', message: 'spawn nogil-no-such-program ENOENT', spawnargs: ['a'] }),
    );
    const denied = new Popen(['/etc/passwd']);
    expect(() => denied.poll()).toThrow(expect.objectContaining({ code: 'EACCES' }));
    const noCwd = new Popen(['true'], { cwd: '/nonexistent-nogil' });
    expect(() => noCwd.poll()).toThrow(/does not exist/);
    // The rejections are the same errors, and nothing was started.
    await expect(missing.wait()).rejects.toMatchObject({ code: 'ENOENT', errno: -2, path: 'nogil-no-such-program' });
    await expect(denied.communicate()).rejects.toMatchObject({ code: 'EACCES' });
    await expect(noCwd.wait()).rejects.toMatchObject({ code: 'ENOENT', path: '/nonexistent-nogil' });
  });

  it('says which cwd is missing (ENOENT) or not a directory (ENOTDIR)', async () => {
    const missing = (await run(['true'], { cwd: '/nonexistent-nogil' }).catch((e: unknown) => e)) as Error;
    expect(missing).toMatchObject({ code: 'ENOENT', path: '/nonexistent-nogil' });
    expect(missing.message).toContain("cwd '/nonexistent-nogil' does not exist");
    await expect(run(['true'], { cwd: '/etc/passwd' })).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(() => runSync(['true'], { cwd: '/nonexistent-nogil' })).toThrow(/does not exist/);
    const p = new Popen(['true'], { cwd: '/nonexistent-nogil' });
    await expect(p.wait()).rejects.toThrow(/does not exist/);
  });

  it('rejects a file that is not executable, and a directory, with EACCES', async () => {
    await expect(run(['/etc/passwd'])).rejects.toMatchObject({ code: 'EACCES' });
    await expect(run(['/tmp'])).rejects.toMatchObject({ code: 'EACCES' });
    await expect(run(['/etc/passwd'], { stdout: PIPE, stderr: STDOUT })).rejects.toMatchObject({ code: 'EACCES' });
    // An empty program name: EACCES, as execvp() and Python report it.
    await expect(run([''])).rejects.toMatchObject({ code: 'EACCES' });
  });

  it('rejects invalid timeouts: negative or NaN is a ValueError, a non-number a TypeError', async () => {
    for (const bad of [-1, Number.NaN, -0.5]) {
      await expect(run(['true'], { timeout: bad })).rejects.toThrow(ValueError);
      await expect(run(['true'], { timeout: bad })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    }
    await expect(run(['true'], { timeout: '100' as unknown as number })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
    const p = new Popen(['sleep', '10']);
    await expect(p.wait(-1)).rejects.toThrow(ValueError);
    await expect(p.communicate(null, Number.NaN)).rejects.toThrow(ValueError);
    expect(p.returncode).toBeNull();
    p.kill();
    await p.wait();
    // Infinity and null mean "no limit", as None does in Python.
    expect((await run(['true'], { timeout: Number.POSITIVE_INFINITY })).returncode).toBe(0);
    expect((await run(['true'], { timeout: null })).returncode).toBe(0);
  });

  it('rejects unknown options (TypeError ERR_INVALID_ARG_VALUE) before starting anything', async () => {
    const bad = { captureOuptut: true } as unknown as Parameters<typeof run>[1];
    await expect(run(['true'], bad)).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    await expect(run(['true'], bad)).rejects.toThrow('options.captureOuptut');
    expect(() => new Popen(['true'], { input: 'x' } as unknown as Parameters<typeof run>[1])).toThrow(TypeError);
    expect(() => runSync(['true'], bad)).toThrow(TypeError);
    await expect(call(['true'], bad as Parameters<typeof call>[1])).rejects.toThrow(TypeError);
    await expect(run(['true'], 'x' as unknown as Parameters<typeof run>[1])).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });

  it('rejects bad option values', async () => {
    await expect(run(['true'], { env: { A: 1 } as unknown as Record<string, string> })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(run(['true'], { env: { 'A=B': '1' } })).rejects.toThrow(ValueError);
    await expect(run(['true'], { stdin: STDOUT })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(run(['true'], { stdout: -7 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(run(['true'], { stdout: {} as unknown as number })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
    const unopened = createWriteStream('/dev/null');
    await expect(run(['true'], { stdout: unopened })).rejects.toThrow('without a file descriptor');
    unopened.destroy();
    await expect(run(['true'], { encoding: 'klingon' })).rejects.toMatchObject({ code: 'ERR_UNKNOWN_ENCODING' });
    await expect(run(['true'], { check: 'yes' as unknown as boolean })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(run(['true'], { input: 5 as unknown as string })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(run(['true'], { signal: {} as AbortSignal })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    // Python's check_output refuses stdout and check.
    await expect(checkOutput(['true'], { stdout: DEVNULL } as Parameters<typeof checkOutput>[1])).rejects.toThrow(
      'stdout argument not allowed, it will be overridden.',
    );
    await expect(checkOutput(['true'], { check: false } as Parameters<typeof checkOutput>[1])).rejects.toThrow(
      ValueError,
    );
  });

  it('rejects unknown signals in sendSignal', async () => {
    const p = new Popen(['sleep', '10']);
    expect(() => p.sendSignal('SIGBOGUS' as NodeJS.Signals)).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_SIGNAL' }),
    );
    expect(() => p.sendSignal(99)).toThrow(TypeError);
    expect(() => p.sendSignal({} as unknown as number)).toThrow(TypeError);
    p.kill();
    expect(await p.wait()).toBe(-9);
  });
});
