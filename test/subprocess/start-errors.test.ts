// Regressions of issue 8 items 12 and 13: start failures and options that used to do something
// else silently now fail (or work) the way CPython does.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIPE, Popen, run, runSync, STDOUT } from 'nogil/subprocess';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

let dir: string;

/** Writes an executable file into the test directory. */
function executable(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nogil-start-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  assertNoChildren();
});

describe('a script whose #! interpreter is missing (issue 8.12)', () => {
  it('rejects with ENOENT with and without stderr: STDOUT, never status 127', async () => {
    const script = executable('no-interp.sh', '#!/nonexistent/nogil-interp\necho ran\n');
    const expected = { code: 'ENOENT', path: script };
    await expect(run([script])).rejects.toMatchObject(expected);
    await expect(run([script], { stdout: PIPE, stderr: STDOUT })).rejects.toMatchObject(expected);
    await expect(run([script], { stdout: PIPE, stderr: STDOUT, text: true })).rejects.toThrow(
      "interpreter '/nonexistent/nogil-interp' (from #!) not found",
    );
    expect(() => runSync([script], { stdout: PIPE, stderr: STDOUT })).toThrow(expect.objectContaining(expected));
    const p = new Popen([script], { stdout: PIPE, stderr: STDOUT });
    expect(p.pid).toBeUndefined();
    expect(() => p.poll()).toThrow(expect.objectContaining(expected));
  });

  it('follows nested interpreters and still runs a good script through the merge', async () => {
    const inner = executable('inner.sh', '#!/nonexistent/nogil-interp\n');
    const outer = executable('outer.sh', `#!${inner}\n`);
    await expect(run([outer], { stdout: PIPE, stderr: STDOUT })).rejects.toMatchObject({ code: 'ENOENT' });
    const good = executable('good.sh', '#! /bin/sh -e\necho out; echo err >&2\n');
    const cp = await run([good], { stdout: PIPE, stderr: STDOUT, text: true });
    expect(cp.stdout).toBe('out\nerr\n');
  });
});

describe('an executable without #! (issue 8.13)', () => {
  it('fails with ENOEXEC, as CPython (execvp would run it through /bin/sh)', async () => {
    const marker = join(dir, 'ran');
    const plain = executable('plain', `touch '${marker}'\n`);
    const expected = { code: 'ENOEXEC', errno: -8, path: plain };
    await expect(run([plain])).rejects.toMatchObject(expected);
    await expect(run([plain], { stdout: PIPE, stderr: STDOUT })).rejects.toMatchObject(expected);
    await expect(run([plain])).rejects.toThrow(`spawn ${plain} ENOEXEC: exec format error`);
    expect(() => runSync([plain])).toThrow(expect.objectContaining(expected));
    expect(() => new Popen([plain]).poll()).toThrow(expect.objectContaining(expected));
    // An empty file too (the kernel refuses it; execvp's sh would exit 0).
    await expect(run([executable('empty', '')])).rejects.toMatchObject({ code: 'ENOEXEC' });
    // `#!` naming nothing is ENOEXEC as well.
    await expect(run([executable('bare', '#!\n')])).rejects.toMatchObject({ code: 'ENOEXEC' });
    expect(existsSync(marker)).toBe(false);
  });

  it('still runs it with shell: true, as CPython does', async () => {
    const plain = executable('plain-shell', 'echo through sh\n');
    const cp = await run(plain, { shell: true, captureOutput: true, text: true });
    expect(cp.stdout).toBe('through sh\n');
  });
});

describe('env given as a Map (issue 8.13)', () => {
  it('is the environment, not an empty one', async () => {
    const env = new Map([
      ['NOGIL_FROM_MAP', 'yes'],
      ['PATH', process.env.PATH ?? '/usr/bin:/bin'],
      ['DROPPED', undefined],
    ]);
    const script = 'echo "$NOGIL_FROM_MAP $' + '{DROPPED-unset}"'; // sh's default-value syntax
    const cp = await run(['sh', '-c', script], {
      env,
      captureOutput: true,
      text: true,
    });
    expect(cp.stdout).toBe('yes unset\n');
    expect(runSync(['sh', '-c', 'echo $NOGIL_FROM_MAP'], { env, stdout: PIPE, text: true }).stdout).toBe('yes\n');
  });

  it('refuses non-string keys and values with TypeError, and other non-objects', async () => {
    const badKey = new Map([[1, 'x']]) as unknown as Map<string, string>;
    await expect(run(['true'], { env: badKey })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
    const badValue = new Map([['A', 1]]) as unknown as Map<string, string>;
    await expect(run(['true'], { env: badValue })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(run(['true'], { env: 'A=1' as unknown as Map<string, string> })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });
});

describe("cwd: '' (issue 8.13)", () => {
  it('is a missing directory (ENOENT), as CPython, not the current one', async () => {
    const expected = { code: 'ENOENT', path: '' };
    await expect(run(['pwd'], { cwd: '', captureOutput: true })).rejects.toMatchObject(expected);
    await expect(run(['pwd'], { cwd: '' })).rejects.toThrow("cwd '' does not exist");
    expect(() => runSync(['pwd'], { cwd: '' })).toThrow(expect.objectContaining(expected));
    expect(() => new Popen(['pwd'], { cwd: '' }).poll()).toThrow(expect.objectContaining(expected));
  });
});

describe('E2BIG (issue 8.13)', () => {
  it('names the program, as CPython does', async () => {
    const huge = Array.from({ length: 64 }, () => 'x'.repeat(200_000));
    const error = (await run(['true', ...huge]).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(error).toMatchObject({ code: 'E2BIG', path: 'true', syscall: 'spawn true' });
    expect(error.message).toBe("spawn true E2BIG: argument list too long: 'true'");
    expect(() => runSync(['true', ...huge])).toThrow("argument list too long: 'true'");
    const p = new Popen(['true', ...huge], { stdout: PIPE });
    await expect(p.wait()).rejects.toMatchObject({ code: 'E2BIG', path: 'true' });
  });
});
