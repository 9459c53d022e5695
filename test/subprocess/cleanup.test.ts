// Timeouts and cancellation kill and reap: no zombie, no stray process group, no leaked fd,
// even over 1000 runs.
import { getEventListeners } from 'node:events';
import { call, PIPE, Popen, run, runSync, TimeoutExpired } from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren, childrenOf, eventually, fdCount, isAlive, sessionMembers } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

/** Live (non-zombie) processes of session `sid`; orphaned zombies belong to init, not to us. */
function liveMembers(sid: number): number[] {
  return sessionMembers(sid)
    .filter((p) => p.state !== 'Z')
    .map((p) => p.pid);
}

describe('timeouts', () => {
  it('run kills and reaps the child, then rejects TimeoutExpired with the output so far', async () => {
    const started = performance.now();
    const error = (await run(['sh', '-c', 'echo $$; echo oops >&2; exec sleep 30'], {
      captureOutput: true,
      timeout: 300,
    }).catch((e: unknown) => e)) as TimeoutExpired;
    expect(error).toBeInstanceOf(TimeoutExpired);
    expect(error.timeout).toBe(300);
    expect(error.cmd).toEqual(['sh', '-c', 'echo $$; echo oops >&2; exec sleep 30']);
    expect(performance.now() - started).toBeLessThan(10_000);
    const pid = Number(error.output?.toString().trim());
    expect(error.stderr?.toString()).toBe('oops\n');
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false); // killed, and reaped: assertNoChildren sees no zombie
  });

  it('run returns promptly even when a grandchild keeps the pipe open', async () => {
    const started = performance.now();
    const error = (await run(['sh', '-c', 'sleep 30 & echo $!; exec sleep 30'], {
      stdout: PIPE,
      timeout: 200,
    }).catch((e: unknown) => e)) as TimeoutExpired;
    expect(error).toBeInstanceOf(TimeoutExpired);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Without startNewSession only the child is killed (as in Python): clean up the grandchild.
    const grandchild = Number(error.output?.toString().trim());
    expect(isAlive(grandchild)).toBe(true);
    process.kill(grandchild, 'SIGKILL');
  });

  it('run with startNewSession kills the whole process group on timeout', async () => {
    const error = (await run(['sh', '-c', 'echo $$; sleep 30 & sleep 30 & wait'], {
      stdout: PIPE,
      timeout: 300,
      startNewSession: true,
    }).catch((e: unknown) => e)) as TimeoutExpired;
    expect(error).toBeInstanceOf(TimeoutExpired);
    const sid = Number(error.output?.toString().trim());
    expect(sid).toBeGreaterThan(0);
    // SIGKILL is delivered at once, but a process takes a moment to die: watch /proc.
    await eventually(() => liveMembers(sid).length === 0, `session ${sid} to be empty`);
  });

  it('runSync kills on timeout too (and the group with startNewSession)', () => {
    const started = performance.now();
    let error: unknown;
    try {
      runSync(['sh', '-c', 'echo $$; sleep 30 & wait'], { stdout: PIPE, timeout: 300, startNewSession: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TimeoutExpired);
    expect(performance.now() - started).toBeLessThan(10_000);
    const sid = Number((error as TimeoutExpired).output?.toString().trim());
    expect(sid).toBeGreaterThan(0);
    return eventually(() => liveMembers(sid).length === 0, `session ${sid} to be empty`);
  });

  it('call kills and reaps on timeout', async () => {
    await expect(call(['sleep', '30'], { timeout: 100 })).rejects.toBeInstanceOf(TimeoutExpired);
    expect(childrenOf()).toEqual([]);
  });

  it('leaks no fd and no process over 1000 runs (timeouts, pipes, input, sessions, aborts)', async () => {
    // Warm up so lazily opened fds (e.g. /dev/null for DEVNULL) exist before counting.
    await run(['true'], { captureOutput: true, input: 'x' });
    const fdsBefore = fdCount();
    expect(childrenOf()).toEqual([]);
    const kinds = [
      () => run(['sleep', '10'], { timeout: 5, captureOutput: true }),
      () => run(['sh', '-c', 'echo out; echo err >&2'], { captureOutput: true }),
      () => run(['cat'], { input: 'data', captureOutput: true, text: true }),
      () => run(['sh', '-c', 'sleep 10 & exec sleep 10'], { timeout: 5, startNewSession: true, stdout: PIPE }),
      () => run(['sleep', '10'], { signal: AbortSignal.timeout(5) }),
      () => run(['nogil-no-such-program'], { captureOutput: true }),
      () => run(['sh', '-c', 'exit 1'], { check: true, stdin: PIPE }),
      () => run(['true'], { stdout: PIPE, stderr: -2 }),
    ];
    let failures = 0;
    for (let batch = 0; batch < 40; batch++) {
      const runs = Array.from({ length: 25 }, (_, i) => kinds[(batch * 25 + i) % kinds.length]!());
      const settled = await Promise.allSettled(runs);
      failures += settled.filter((s) => s.status === 'rejected').length;
    }
    // 5 of the 8 kinds reject (2 timeouts, abort, ENOENT, check): 625 of 1000.
    expect(failures).toBe(625);
    expect(childrenOf()).toEqual([]);
    expect(fdCount()).toBe(fdsBefore);
  }, 120_000);
});

describe('AbortSignal', () => {
  it('rejects run with an AbortError whose cause is the reason, after killing and reaping', async () => {
    const controller = new AbortController();
    const pending = run(['sleep', '30'], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    const error = (await pending.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect((error as NodeJS.ErrnoException).code).toBe('ABORT_ERR');
    expect(error.cause).toEqual(new Error('stop now'));
    expect(childrenOf()).toEqual([]);
  });

  it('rejects at once, starting nothing, for an already aborted signal', async () => {
    const reason = new Error('already');
    const error = (await run(['sleep', '30'], { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.cause).toBe(reason);
    expect(() => runSync(['true'], { signal: AbortSignal.abort() })).toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
    await expect(call(['true'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('cancels Popen.wait: the child is killed and reaped', async () => {
    const p = new Popen(['sleep', '30']);
    const controller = new AbortController();
    const waiting = p.wait({ signal: controller.signal });
    controller.abort();
    const error = (await waiting.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.cause).toBe(controller.signal.reason);
    expect(p.returncode).toBe(-9);
    expect(isAlive(p.pid as number)).toBe(false);
    // The positional form works too.
    const q = new Popen(['sleep', '30']);
    await expect(q.wait(null, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(q.returncode).toBe(-9);
  });

  it('cancels Popen.communicate: killed, reaped, pipes drained', async () => {
    const p = new Popen(['sh', '-c', 'echo started; exec sleep 30'], { stdout: PIPE, stderr: PIPE });
    const controller = new AbortController();
    const talking = p.communicate(null, { signal: controller.signal });
    setTimeout(() => controller.abort('enough'), 50);
    const error = (await talking.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.cause).toBe('enough');
    expect(p.returncode).toBe(-9);
    await p[Symbol.asyncDispose]();
  });

  it('cancels call and kills a whole new session', async () => {
    const controller = new AbortController();
    const pending = call(['sh', '-c', 'sleep 30 & exec sleep 30'], {
      signal: controller.signal,
      startNewSession: true,
    });
    const members = () => childrenOf().map((c) => c.pid);
    await eventually(() => members().length === 1, 'the child to start');
    const sid = members()[0]!;
    await eventually(() => liveMembers(sid).length === 2, 'the grandchild to start');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(() => liveMembers(sid).length === 0, `session ${sid} to be empty`);
  });

  it('removes its abort listeners once settled (a long-lived signal does not leak)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 30; i++) {
      await run(['true'], { signal: controller.signal, timeout: 10_000 });
      const p = new Popen(['true'], { stdout: PIPE });
      await p.communicate(null, { signal: controller.signal });
      await p.wait({ signal: controller.signal });
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
