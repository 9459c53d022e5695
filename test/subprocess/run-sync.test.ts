// runSync: run()'s semantics on child_process.spawnSync.
import {
  CalledProcessError,
  CompletedProcess,
  DEVNULL,
  PIPE,
  run,
  runSync,
  STDOUT,
  TimeoutExpired,
  ValueError,
} from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

describe('runSync', () => {
  it('returns a CompletedProcess synchronously', () => {
    const cp = runSync(['sh', '-c', 'echo out; echo err >&2; exit 3'], { captureOutput: true });
    expect(cp).toBeInstanceOf(CompletedProcess);
    expect(cp.returncode).toBe(3);
    expect(cp.stdout?.toString()).toBe('out\n');
    expect(cp.stderr?.toString()).toBe('err\n');
    expect(runSync(['true']).stdout).toBeNull();
  });

  it('raises CalledProcessError with check', () => {
    let error: unknown;
    try {
      runSync(['sh', '-c', 'echo partial; exit 1'], { check: true, stdout: PIPE, text: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalledProcessError);
    expect(error).toMatchObject({ returncode: 1, output: 'partial\n', cmd: ['sh', '-c', 'echo partial; exit 1'] });
  });

  it('takes input, text and encoding', () => {
    expect(runSync(['cat'], { input: 'héllo', captureOutput: true, text: true }).stdout).toBe('héllo');
    expect(runSync(['cat'], { input: Buffer.from([1, 2]), stdout: PIPE }).stdout).toEqual(Buffer.from([1, 2]));
    expect(runSync(['printf', '\\351'], { stdout: PIPE, encoding: 'latin1' }).stdout).toBe('é');
    expect(runSync(['printf', 'a\\r\\nb'], { stdout: PIPE, text: true }).stdout).toBe('a\nb');
  });

  it('has run()’s conflicts as ValueErrors', () => {
    expect(() => runSync(['cat'], { input: 'x', stdin: PIPE })).toThrow(ValueError);
    expect(() => runSync(['cat'], { captureOutput: true, stdout: DEVNULL })).toThrow(ValueError);
  });

  it('merges stderr into stdout on one fd', () => {
    const cp = runSync(['sh', '-c', 'echo 1; echo 2 >&2; echo 3; echo 4 >&2'], {
      stdout: PIPE,
      stderr: STDOUT,
      text: true,
    });
    expect(cp.stdout).toBe('1\n2\n3\n4\n');
    expect(cp.stderr).toBeNull();
  });

  it('uses cwd, env and shell', () => {
    expect(runSync(['pwd'], { cwd: '/', stdout: PIPE, text: true }).stdout).toBe('/\n');
    expect(runSync(['env'], { env: { ONLY: '1' }, stdout: PIPE, text: true }).stdout).toBe('ONLY=1\n');
    expect(runSync('echo $((1 + 2))', { shell: true, stdout: PIPE, text: true }).stdout).toBe('3\n');
  });

  it('reports signals as negative returncodes', () => {
    expect(runSync(['sh', '-c', 'kill -TERM $$']).returncode).toBe(-15);
  });

  it('raises TimeoutExpired with partial output (bytes), the child killed', () => {
    let error: unknown;
    const started = performance.now();
    try {
      runSync(['sh', '-c', 'echo part; exec sleep 30'], { captureOutput: true, text: true, timeout: 200 });
    } catch (e) {
      error = e;
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(TimeoutExpired);
    const te = error as TimeoutExpired;
    expect(te.timeout).toBe(200);
    expect(te.output).toEqual(Buffer.from('part\n'));
    expect(te.stderr).toBeNull();
  });

  it('raises ENOENT for a missing program', () => {
    expect(() => runSync(['nogil-no-such-program'])).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('raises the same start errors as run (spawn prog ENOENT / EACCES, not spawnSync)', async () => {
    for (const args of [['nogil-no-such-program', 'x'], ['/etc/passwd'], ['/tmp']]) {
      const async = (await run(args).catch((e: unknown) => e)) as NodeJS.ErrnoException;
      let sync: unknown;
      try {
        runSync(args);
      } catch (error) {
        sync = error;
      }
      expect(sync).toBeInstanceOf(Error);
      const { code, errno, syscall, path, message } = async;
      expect(sync).toMatchObject({ code, errno, syscall, path, message, spawnargs: args.slice(1) });
    }
    expect(() => runSync(['nogil-no-such-program'])).toThrow('spawn nogil-no-such-program ENOENT');
  });
});
