// A parent started with flags that a Worker refuses when given them explicitly (V8 options such
// as --expose-gc, --max-old-space-size) still starts thread-pool workers and Threads: nogil
// passes workers only the flags they accept (regression: ERR_WORKER_INVALID_EXEC_ARGV crashed
// the process from a microtask).
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';

describe('workers under a parent with V8 flags', () => {
  it('ThreadPoolExecutor and Thread work under node --expose-gc --max-old-space-size=512', async () => {
    const child = await runNode(
      `
      import { ThreadPoolExecutor } from 'nogil/futures';
      import { Thread } from 'nogil/threading';
      const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
      const sum = await executor.submit((a, b) => a + b, 20, 22);
      await executor.shutdown();
      const t = new Thread({ target: (x) => x * 2, args: [21] });
      t.start();
      await t.join();
      console.log(sum, t.result, typeof gc);
    `,
      { args: ['--expose-gc', '--max-old-space-size=512'] },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('42 42 function\n');
    expect(child.code).toBe(0);
  });
});
