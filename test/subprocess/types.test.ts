// Output types: Buffer unless text/encoding is given, then string (checked by `npm run
// typecheck`, which compiles this file; the runtime asserts only make the suite run it).
import { checkOutput, PIPE, Popen, run, runSync, STDOUT } from 'nogil/subprocess';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

describe('output types', () => {
  it('are Buffer for binary options that share no key with text/encoding', async () => {
    const cp = await run(['echo', 'x'], { stdout: PIPE });
    expectTypeOf(cp.stdout).toEqualTypeOf<Buffer | null>();
    expect(Buffer.isBuffer(cp.stdout)).toBe(true);
    const captured = await run(['echo', 'x'], { captureOutput: true });
    expectTypeOf(captured.stderr).toEqualTypeOf<Buffer | null>();
    const sync = runSync(['echo', 'x'], { stdout: PIPE, stderr: STDOUT });
    expectTypeOf(sync.stdout).toEqualTypeOf<Buffer | null>();
    expect(Buffer.isBuffer(sync.stdout)).toBe(true);
    const p = new Popen(['echo', 'x'], { stdout: PIPE });
    const [out, err] = await p.communicate();
    expectTypeOf(out).toEqualTypeOf<Buffer | null>();
    expectTypeOf(err).toEqualTypeOf<Buffer | null>();
    expect(out?.subarray(0, 1).toString('hex')).toBe('78');
    expectTypeOf(await checkOutput(['true'], { stderr: PIPE })).toEqualTypeOf<Buffer>();
    expectTypeOf(await checkOutput(['true'])).toEqualTypeOf<Buffer>();
    expectTypeOf((await run(['true'])).stdout).toEqualTypeOf<Buffer | null>();
    expectTypeOf((await run(['true'], { text: false, stdout: PIPE })).stdout).toEqualTypeOf<Buffer | null>();
  });

  it('are string with text: true or an encoding', async () => {
    const cp = await run(['echo', 'x'], { stdout: PIPE, text: true });
    expectTypeOf(cp.stdout).toEqualTypeOf<string | null>();
    expect(cp.stdout).toBe('x\n');
    expectTypeOf(runSync(['echo'], { stdout: PIPE, encoding: 'latin-1' }).stdout).toEqualTypeOf<string | null>();
    expectTypeOf(await checkOutput(['true'], { text: true })).toEqualTypeOf<string>();
    const [out] = await new Popen(['echo', 'x'], { stdout: PIPE, encoding: 'utf-8' }).communicate();
    expectTypeOf(out).toEqualTypeOf<string | null>();
    expect(out).toBe('x\n');
  });

  it('are Buffer | string when the mode is only known at run time', async () => {
    const text = Math.random() > 2;
    const cp = await run(['true'], { stdout: PIPE, text });
    expectTypeOf(cp.stdout).toEqualTypeOf<Buffer | string | null>();
    expect(cp.stdout).toEqual(Buffer.alloc(0));
  });
});
