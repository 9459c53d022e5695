// submitWith({ signal }) on every executor kind (API.md Node extras): a pending task is
// cancelled (CancelledError, cause = the reason), a running one is stopped and rejects with an
// AbortError (cause = the reason); either way the executor carries on.
import { getEventListeners } from 'node:events';
import { CancelledError } from 'nogil/futures';
import { describe, expect, it } from 'vitest';
import { kinds } from '../kinds/index.js';
import { accepted, executors, submit, submitWith, untilRunning } from './helpers.js';

describe.each(kinds)('$name: submitWith signal', (kind) => {
  const create = executors(kind);

  it('aborting a pending task cancels it at once, with the reason as the cause', async () => {
    const executor = create({ maxWorkers: 1 });
    const blockers = Array.from({ length: 3 }, () => submit(executor, kind.sleep(100)));
    const ac = new AbortController();
    const target = submitWith(executor, { signal: ac.signal }, kind.gcd(6, 9));
    await untilRunning(blockers[0]!);
    expect(target.running()).toBe(false);
    ac.abort('not needed');
    expect(target.cancelled()).toBe(true);
    const error = await target.exception().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).cause).toBe('not needed');
    await Promise.all(blockers);
    expect(executor.stats()).toMatchObject({ cancelled: 1, completed: 3 });
  });

  it('aborting a running task rejects it with an AbortError now; the executor still works', async () => {
    const executor = create({ maxWorkers: 1 });
    const ac = new AbortController();
    const f = submitWith(executor, { signal: ac.signal }, kind.sleep(1000));
    await untilRunning(f);
    const reason = new Error('user pressed stop');
    const started = performance.now();
    ac.abort(reason);
    const error = (await f.exception(5000)) as Error & { code?: string };
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORT_ERR');
    expect(error.cause).toBe(reason);
    expect(f.cancelled()).toBe(false);
    expect(await submit(executor, kind.gcd(14, 21))).toBe(7);
    expect(executor.stats()).toMatchObject({ failed: 1, completed: 1 });
  });

  it('an already-aborted signal cancels the task before it is queued', async () => {
    const executor = create({ maxWorkers: 1 });
    const f = submitWith(executor, { signal: AbortSignal.abort('too late') }, kind.sleep(500));
    expect(f.state).toBe('CANCELLED_AND_NOTIFIED');
    await expect(f.result()).rejects.toMatchObject({ name: 'CancelledError', cause: 'too late' });
    expect(executor.stats()).toMatchObject({ cancelled: 1, running: 0, queued: 0 });
  });

  it('aborting after the task finished changes nothing', async () => {
    const executor = create({ maxWorkers: 1 });
    const ac = new AbortController();
    const f = submitWith(executor, { signal: ac.signal }, kind.gcd(10, 4));
    expect(await f).toBe(2);
    ac.abort();
    expect(f.state).toBe('FINISHED');
    expect(await f).toBe(2);
  });

  it('one signal for many tasks: the running ones abort, the pending ones cancel', async () => {
    const executor = create({ maxWorkers: 2 });
    const ac = new AbortController();
    const futures = Array.from({ length: 6 }, () => submitWith(executor, { signal: ac.signal }, kind.sleep(400)));
    await untilRunning(futures[0]!);
    ac.abort('stop all');
    const settled = await Promise.allSettled(futures);
    const reasons = settled.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'fulfilled'));
    expect(reasons.filter((n) => n === 'CancelledError').length).toBeGreaterThanOrEqual(3);
    expect(reasons.every((n) => n === 'CancelledError' || n === 'AbortError')).toBe(true);
    expect(await submit(executor, kind.gcd(3, 5))).toBe(1);
  });

  it('a signal shared by 50 tasks carries one listener (no MaxListenersExceededWarning), none after', async () => {
    const executor = create({ maxWorkers: 2 });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    try {
      const ac = new AbortController();
      const futures = Array.from({ length: 50 }, (_, i) => submitWith(executor, { signal: ac.signal }, kind.gcd(i, 6)));
      expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(1);
      await Promise.all(futures);
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('racing aborts against starts always ends in one clean outcome (repeated)', async () => {
    const executor = create({ maxWorkers: 2 });
    const outcomes = new Set<string>();
    for (let round = 0; round < 40; round++) {
      const ac = new AbortController();
      const f = submitWith(executor, { signal: ac.signal }, kind.sleep(2));
      // Abort at a different point of the task's life each round.
      for (let i = 0; i < round % 4; i++) await new Promise((resolve) => setImmediate(resolve));
      ac.abort(round);
      const error = await f.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      const outcome = error?.name ?? 'result';
      expect(['result', 'CancelledError', 'AbortError']).toContain(outcome);
      if (error) expect(error.cause).toBe(round);
      outcomes.add(outcome);
    }
    expect(outcomes.has('CancelledError')).toBe(true);
    await executor.shutdown();
    const s = executor.stats();
    expect(s.completed + s.failed + s.cancelled).toBe(40);
    expect(accepted(executor)).toBe(40);
  });
});
