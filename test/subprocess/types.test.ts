// Output types: Buffer unless text/encoding is given, then string; `null` exactly where the
// stream was not captured (issue 10.2). Checked by `npm run typecheck`, which compiles this file
// (each `@ts-expect-error` proves a misuse does not compile); the runtime asserts make the
// suite run it and show the types tell the truth.
import { checkOutput, DEVNULL, PIPE, Popen, type RunOptions, run, runSync, STDOUT } from 'nogil/subprocess';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { assertNoChildren } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

describe('output types', () => {
  it('are Buffer for a captured stream in binary mode, null for one not captured', async () => {
    const cp = await run(['echo', 'x'], { stdout: PIPE });
    expectTypeOf(cp.stdout).toEqualTypeOf<Buffer>();
    expectTypeOf(cp.stderr).toEqualTypeOf<null>();
    expect(Buffer.isBuffer(cp.stdout)).toBe(true);
    expect(cp.stderr).toBeNull();
    const captured = await run(['echo', 'x'], { captureOutput: true });
    expectTypeOf(captured.stdout).toEqualTypeOf<Buffer>();
    expectTypeOf(captured.stderr).toEqualTypeOf<Buffer>();
    expect(Buffer.isBuffer(captured.stderr)).toBe(true);
    const sync = runSync(['echo', 'x'], { stdout: PIPE, stderr: STDOUT });
    expectTypeOf(sync.stdout).toEqualTypeOf<Buffer>();
    expectTypeOf(sync.stderr).toEqualTypeOf<null>();
    expect(sync.stderr).toBeNull();
    expectTypeOf(await checkOutput(['true'], { stderr: PIPE })).toEqualTypeOf<Buffer>();
    expectTypeOf(await checkOutput(['true'])).toEqualTypeOf<Buffer>();
    const plain = await run(['true']);
    expectTypeOf(plain.stdout).toEqualTypeOf<null>();
    expect(plain.stdout).toBeNull();
    expectTypeOf((await run(['true'], { text: false, stdout: PIPE })).stdout).toEqualTypeOf<Buffer>();
    expectTypeOf((await run(['true'], { stdout: DEVNULL, stderr: 2 })).stderr).toEqualTypeOf<null>();
  });

  it('are string with text: true or an encoding', async () => {
    const cp = await run(['echo', 'x'], { captureOutput: true, text: true });
    expectTypeOf(cp.stdout).toEqualTypeOf<string>();
    expectTypeOf(cp.stderr).toEqualTypeOf<string>();
    expect(cp.stdout.toUpperCase()).toBe('X\n'); // no `!` or `?.` needed
    expectTypeOf(runSync(['echo'], { stdout: PIPE, encoding: 'latin-1' }).stdout).toEqualTypeOf<string>();
    expectTypeOf(await checkOutput(['true'], { text: true })).toEqualTypeOf<string>();
  });

  it('are exact for communicate(): the output type where piped, null where not', async () => {
    const p = new Popen(['echo', 'x'], { stdout: PIPE });
    const [out, err] = await p.communicate();
    expectTypeOf(out).toEqualTypeOf<Buffer>();
    expectTypeOf(err).toEqualTypeOf<null>();
    expect(out.subarray(0, 1).toString('hex')).toBe('78');
    expect(err).toBeNull();
    const [text, merged] = await new Popen(['echo', 'x'], {
      stdout: PIPE,
      stderr: STDOUT,
      encoding: 'utf-8',
    }).communicate();
    expectTypeOf(text).toEqualTypeOf<string>();
    expectTypeOf(merged).toEqualTypeOf<null>();
    expect(text).toBe('x\n');
    // Without options nothing is known: the plain `Popen` type, which every Popen fits.
    const bare = new Popen(['true']);
    expectTypeOf(bare).toEqualTypeOf<Popen>();
    expectTypeOf((await bare.communicate())[0]).toEqualTypeOf<Buffer | string | null>();
    const anyPopen = (q: Popen): number | undefined => q.pid;
    expect(anyPopen(p)).toBe(p.pid);
    const texty = new Popen(['true'], { stdout: PIPE, text: true });
    expect(anyPopen(texty)).toBeGreaterThan(0);
    await texty.communicate();
    await bare.wait();
  });

  it('are a union only where the options are known only at run time', async () => {
    const text = Math.random() > 2;
    const cp = await run(['true'], { stdout: PIPE, text });
    expectTypeOf(cp.stdout).toEqualTypeOf<Buffer | string>();
    expect(cp.stdout).toEqual(Buffer.alloc(0));
    const fd: number = Math.random() > 2 ? PIPE : 1;
    expectTypeOf((await run(['true'], { stdout: fd })).stdout).toEqualTypeOf<Buffer | null>();
    const options: RunOptions = { captureOutput: true };
    expectTypeOf((await run(['true'], options)).stdout).toEqualTypeOf<Buffer | string | null>();
  });

  it('make misuse a compile error', async () => {
    const cp = await run(['echo', 'x'], { captureOutput: true, text: true });
    // @ts-expect-error stdout is a string in text mode, not a Buffer
    expect(() => cp.stdout.subarray(0)).toThrow(TypeError);
    const bytes = await run(['echo', 'x'], { stdout: PIPE });
    // @ts-expect-error stdout is a Buffer in binary mode, not a string
    expect(() => bytes.stdout.toUpperCase()).toThrow(TypeError);
    // @ts-expect-error stderr was not captured: it is null
    expect(() => bytes.stderr.length).toThrow(TypeError);
    const [, err] = await new Popen(['true'], { stdout: PIPE }).communicate();
    // @ts-expect-error stderr was not piped: it is null
    expect(() => err.length).toThrow(TypeError);
  });
});
