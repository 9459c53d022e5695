// The completion path itself (native/binding/src/napi/delivery.rs), driven through the raw
// binding: whatever one completion of a burst does, every other one still settles.
import { describe, expect, it } from 'vitest';
import { addonPath } from '../helpers/native-addon.js';
import { runNode } from '../helpers/node-child.js';

describe('completion delivery', () => {
  it('a throwing completion handler surfaces as an uncaught exception and strands nothing', async () => {
    const result = await runNode(
      `
      import { createRequire } from 'node:module';
      const raw = createRequire(import.meta.url)(process.env.NOGIL_NATIVE_PATH);
      const gcd = raw.kernels().find(([name]) => name === 'gcd')[1];
      const uncaught = [];
      process.on('uncaughtException', (e) => uncaught.push(e.message));
      const hung = setTimeout(() => { console.log(JSON.stringify({ hung: true, uncaught })); process.exit(3); }, 5000);
      const seen = [];
      const client = raw.registerClient((scalars) => {
        seen.push(...scalars);
        throw new Error('handler boom');
      });
      const pool = raw.poolCreate(1, client);
      raw.poolSubmit(pool, new Float64Array([7, gcd, 12, 18]));
      const race = raw.counterRace(1, 10, true);
      const closing = raw.poolClose(pool);
      // Block this thread until all three are done, so they reach JavaScript in one burst.
      raw.sleep(300);
      const out = await Promise.all([race, closing]);
      clearTimeout(hung);
      console.log(JSON.stringify({ out, seen, uncaught }));
      `,
      { env: { NOGIL_NATIVE_PATH: addonPath() }, timeoutMs: 20_000 },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ out: [10, null], seen: [7, 6], uncaught: ['handler boom'] });
    expect(result.stderr).toBe('');
  });
});
