// The tutorial's queue examples, replayed by examples/queue/*.mjs.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const example = (name: string): string => fileURLToPath(new URL(`../../examples/queue/${name}`, import.meta.url));

describe('tutorial section 4: queues', () => {
  test("the hand-offs print in the tutorial's order; Queue(1) makes the second put wait", async () => {
    const start = performance.now();
    const { stdout, stderr } = await run(process.execPath, [example('handoff.mjs')], { timeout: 60_000 });
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'Consumer waiting',
        'Producer putting',
        'Consumer done',
        'Producer done',
        '',
        'Producer putting',
        'Producer put 1',
        'Consumer got 1',
        'Producer put 2',
        'Consumer got 2',
        'Producer done',
        '',
      ].join('\n'),
    );
    expect(performance.now() - start).toBeGreaterThanOrEqual(500); // the consumer's 0.5 s nap
  });

  test('the download -> resize -> upload pipeline moves every item through, in order, and stops', async () => {
    const { stdout, stderr } = await run(process.execPath, [example('pipeline.mjs')], { timeout: 60_000 });
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('start');
    expect(lines[1]).toBe('25 items finished');
    expect(lines.slice(2, 27)).toEqual(
      Array.from({ length: 25 }, (_, i) => `uploaded(resized(downloaded(photo-${i})))`),
    );
    expect(lines.slice(27)).toEqual([
      'download worker stopped after 25 items',
      'resize worker stopped after 25 items',
      'upload worker stopped after 25 items',
    ]);
  });
});
