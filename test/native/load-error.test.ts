import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/node-child.js';

describe('without the native addon', () => {
  it('reports why, names the platform and the fix; native calls throw that error', async () => {
    const result = await runNode(
      `
      import * as native from 'nogil/native';
      const error = native.nativeLoadError();
      let thrown;
      try { native.gcd(1, 2); } catch (e) { thrown = e; }
      let rejected;
      try { new native.NativePool(); } catch (e) { rejected = e; }
      console.log(JSON.stringify({
        available: native.nativeAvailable(),
        code: error.code,
        message: error.message,
        thrownCode: thrown.code,
        poolCode: rejected.code,
        js: native.js.bruteGcd(324435212, 23342412),
      }));
      `,
      { env: { NOGIL_NATIVE_PATH: '/nonexistent/nogil.node' } },
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out.available).toBe(false);
    expect(out.code).toBe('ERR_NOGIL_NATIVE_UNAVAILABLE');
    expect(out.message).toContain('linux-x64-gnu');
    expect(out.message).toContain('npm install nogil-linux-x64-gnu');
    expect(out.message).toContain('npm run build:native');
    expect(out.thrownCode).toBe('ERR_NOGIL_NATIVE_UNAVAILABLE');
    expect(out.poolCode).toBe('ERR_NOGIL_NATIVE_UNAVAILABLE');
    expect(out.js).toBe(4);
  });

  it('every non-native module still imports and works', async () => {
    const result = await runNode(
      `
      const root = await import('nogil');
      console.log(typeof root.NativePool, root.nativeAvailable(), new root.ValueError('x') instanceof Error);
      `,
      { env: { NOGIL_NATIVE_PATH: '/nonexistent/nogil.node' } },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function false true');
  });
});
