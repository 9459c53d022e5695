// Node extras on run / Popen (issue 10.7), beyond Python's options: maxBuffer, killSignal with
// forceKillAfter, and dieWithParent (the kernel kills the child when we die, even by SIGKILL).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkOutput,
  MaxBufferError,
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
import { repoRoot, runNode } from '../helpers/node-child.js';
import { assertNoChildren, eventually, isAlive } from '../helpers/proc.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nogil-extras-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  assertNoChildren();
});

describe('maxBuffer', () => {
  it('kills the child and rejects with MaxBufferError holding the output up to the limit', async () => {
    const error = (await run(['yes'], { stdout: PIPE, maxBuffer: 1000 }).catch((e: unknown) => e)) as MaxBufferError;
    expect(error).toBeInstanceOf(MaxBufferError);
    expect(error).toBeInstanceOf(SubprocessError);
    expect(error).toMatchObject({ code: 'ERR_SUBPROCESS_MAX_BUFFER', cmd: ['yes'], maxBuffer: 1000, stream: 'stdout' });
    expect(error.message).toBe("Command '['yes']' wrote more than maxBuffer (1000 bytes) to stdout");
    expect(error.output).toEqual(Buffer.from('y\n'.repeat(500)));
    expect(error.stdout).toBe(error.output);
    expect(error.stderr).toBeNull();
    // `yes` never ends by itself: it was killed and reaped (assertNoChildren checks the reaping).
  });

  it('counts each stream, decodes in text mode, and lets output at the limit through', async () => {
    const error = (await run(['sh', '-c', 'echo out; exec yes err >&2'], {
      captureOutput: true,
      text: true,
      maxBuffer: 4096,
    }).catch((e: unknown) => e)) as MaxBufferError;
    expect(error).toMatchObject({ stream: 'stderr', output: 'out\n' });
    expect(error.stderr).toBe('err\n'.repeat(1024));
    const exact = await run(['head', '-c', '4096', '/dev/zero'], { stdout: PIPE, maxBuffer: 4096 });
    expect(exact.stdout).toHaveLength(4096);
    await expect(checkOutput(['yes'], { maxBuffer: 10 })).rejects.toBeInstanceOf(MaxBufferError);
    expect(() => runSync(['yes'], { stdout: PIPE, maxBuffer: 10, text: true })).toThrow(
      expect.objectContaining({ name: 'MaxBufferError', stream: 'stdout', output: 'y\n'.repeat(5) }),
    );
  });

  it('applies to Popen.communicate (killed with killSignal; later calls reject the same)', async () => {
    const p = new Popen(['yes'], { stdout: PIPE, maxBuffer: 100, killSignal: 'SIGTERM' });
    const error = await p.communicate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaxBufferError);
    expect(p.returncode).toBe(-15);
    await expect(p.communicate()).rejects.toBe(error);
  });

  it('rejects bad values', async () => {
    await expect(run(['true'], { maxBuffer: -1 })).rejects.toMatchObject({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
    });
    await expect(run(['true'], { maxBuffer: '1' as unknown as number })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });
});

describe('killSignal and forceKillAfter', () => {
  it('end a timed-out run with the chosen signal (the child can clean up)', async () => {
    const marker = join(dir, 'cleaned-up');
    const script = `trap 'echo term > ${marker}; exit 3' TERM; while :; do sleep 0.02; done`;
    const started = performance.now();
    await expect(run(['sh', '-c', script], { timeout: 200, killSignal: 'SIGTERM' })).rejects.toBeInstanceOf(
      TimeoutExpired,
    );
    expect(performance.now() - started).toBeLessThan(4000); // no need for the 5 s SIGKILL
    expect(readFileSync(marker, 'utf8')).toBe('term\n');
  });

  it('follow with SIGKILL after forceKillAfter when the child ignores killSignal', async () => {
    const started = performance.now();
    const pending = run(['sh', '-c', "trap '' TERM; exec sleep 30"], {
      timeout: 100,
      killSignal: 'SIGTERM',
      forceKillAfter: 300,
    });
    await expect(pending).rejects.toBeInstanceOf(TimeoutExpired);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(10_000);
  });

  it('apply to aborts too (Popen.communicate with a signal)', async () => {
    const p = new Popen(['sleep', '30'], { stdout: PIPE, killSignal: 'SIGINT' });
    await expect(p.communicate(null, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(p.returncode).toBe(-2);
    const stubborn = new Popen(['sh', '-c', "trap '' INT; exec sleep 30"], { killSignal: 2, forceKillAfter: 100 });
    await expect(stubborn.wait({ signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(stubborn.returncode).toBe(-9);
  });

  it('keep Python’s default: a timed-out run is SIGKILLed at once', async () => {
    const p = new Popen(['sh', '-c', "trap '' TERM; exec sleep 30"]);
    await expect(p.wait({ signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.returncode).toBe(-9);
  });

  it('reject bad values; runSync refuses a signal it could not follow with SIGKILL', async () => {
    await expect(run(['true'], { killSignal: 'SIGBOGUS' as NodeJS.Signals })).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_SIGNAL',
    });
    await expect(run(['true'], { killSignal: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(run(['true'], { forceKillAfter: -1 })).rejects.toThrow(ValueError);
    expect(() => runSync(['true'], { killSignal: 'SIGTERM' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(runSync(['true'], { killSignal: 'SIGKILL' }).returncode).toBe(0);
  });
});

/** Starts a node parent that starts `sleep 60` (with `options`) and prints the child's pid. */
async function parentWithChild(options: string): Promise<{ parent: ReturnType<typeof spawn>; child: number }> {
  const source = `
    import { Popen } from 'nogil/subprocess';
    const p = new Popen(['sleep', '60'], ${options});
    console.log(p.pid);
    await p.wait();`;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', source], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    parent.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    parent.on('exit', () => reject(new Error(`parent exited early: ${out}`)));
  });
  return { parent, child: Number(line) };
}

/** SIGKILLs `parent` and waits for it to be gone (and reaped by us). */
async function killParent(parent: ReturnType<typeof spawn>): Promise<void> {
  const gone = new Promise((resolve) => parent.on('exit', resolve));
  parent.kill('SIGKILL');
  await gone;
}

describe('dieWithParent', () => {
  it('makes the kernel kill the child when its parent is SIGKILLed', async () => {
    const { parent, child } = await parentWithChild('{ dieWithParent: true }');
    expect(isAlive(child)).toBe(true);
    await eventually(() => readFileSync(`/proc/${child}/cmdline`, 'latin1') === 'sleep\0' + '60\0', 'the exec');
    await killParent(parent);
    await eventually(() => !isAlive(child), `grandchild ${child} to be killed`);
  });

  it('is needed: without it the grandchild outlives a SIGKILLed parent', async () => {
    const { parent, child } = await parentWithChild('{}');
    await killParent(parent);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isAlive(child)).toBe(true);
    process.kill(child, 'SIGKILL');
  });

  it('keeps the pid and the argv of the program (the helper execs in place)', async () => {
    // Prints its pid and its argv (NULs as spaces), then one line on stderr.
    const script = 'echo $$; tr "\\0" " " < /proc/$$/cmdline; echo err >&2';
    const p = new Popen(['sh', '-c', script], { stdout: PIPE, stderr: STDOUT, dieWithParent: true, text: true });
    const [out] = await p.communicate();
    expect(out).toBe(`${p.pid}\nsh -c ${script} err\n`);
    const cp = await run(['printf', '%s|', 'a b', '', '$HOME'], {
      captureOutput: true,
      text: true,
      dieWithParent: true,
    });
    expect(cp.stdout).toBe('a b||$HOME|');
    expect(runSync(['echo', 'sync'], { stdout: PIPE, text: true, dieWithParent: true }).stdout).toBe('sync\n');
  });

  it('still reports a missing program as ENOENT, and a missing helper clearly', async () => {
    await expect(run(['nogil-no-such-program'], { dieWithParent: true })).rejects.toMatchObject({ code: 'ENOENT' });
    const child = await runNode(
      `import { run } from 'nogil/subprocess';
       const error = await run(['true'], { dieWithParent: true }).catch((e) => e);
       console.log(JSON.stringify({ code: error.code, message: error.message }));`,
      { env: { NOGIL_EXEC_HELPER_PATH: join(dir, 'no-helper') } },
    );
    const result = JSON.parse(child.stdout);
    expect(result.code).toBe('ERR_SUBPROCESS_EXEC_HELPER');
    expect(result.message).toContain('npm run build:native');
    expect(existsSync(join(dir, 'no-helper'))).toBe(false);
  });

  it('finds the helper in the platform package, as the addon is found', async () => {
    // An installed layout: nogil (dist only, no build/) next to its platform package.
    const app = join(dir, 'app');
    const nogil = join(app, 'node_modules', 'nogil');
    const platform = join(app, 'node_modules', 'nogil-linux-x64-gnu');
    mkdirSync(nogil, { recursive: true });
    mkdirSync(platform, { recursive: true });
    cpSync(join(repoRoot, 'dist'), join(nogil, 'dist'), { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(nogil, 'package.json'));
    cpSync(join(repoRoot, 'npm', 'linux-x64-gnu', 'package.json'), join(platform, 'package.json'));
    cpSync(join(repoRoot, 'build', 'nogil-exec-helper'), join(platform, 'nogil-exec-helper'));
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }');
    const source = `import { run } from 'nogil/subprocess';
      const r = await run(['echo', 'ok'], { dieWithParent: true, captureOutput: true, text: true }).catch((e) => e);
      console.log(JSON.stringify(r.stdout ?? { code: r.code, message: r.message }));`;
    const node = (cwd: string) =>
      run([process.execPath, '--input-type=module', '-e', source], { cwd, captureOutput: true, text: true });
    const found = await node(app);
    expect(found.stderr).toBe('');
    expect(JSON.parse(found.stdout)).toBe('ok\n');
    rmSync(join(platform, 'nogil-exec-helper'));
    const missing = JSON.parse((await node(app)).stdout);
    expect(missing.code).toBe('ERR_SUBPROCESS_EXEC_HELPER');
    expect(missing.message).toContain(`nogil-linux-x64-gnu: ${join(platform, 'nogil-exec-helper')}`);
  });
});
