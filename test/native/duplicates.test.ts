// Two copies of nogil in one process (two versions, or a bundler duplicate) that load the same
// hoisted addon share one addon instance per environment. Each copy must get its own results.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonPath } from '../helpers/native-addon.js';
import { repoRoot, runNode } from '../helpers/node-child.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nogil-dup-'));
  for (const copy of ['a', 'b']) cpSync(join(repoRoot, 'dist'), join(dir, copy, 'dist'), { recursive: true });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('two copies of nogil in one process', () => {
  it('share the addon without stealing each other’s completions', async () => {
    const copy = (name: string) => pathToFileURL(join(dir, name, 'dist', 'native', 'index.js')).href;
    const result = await runNode(
      `
      const A = await import(${JSON.stringify(copy('a'))});
      const B = await import(${JSON.stringify(copy('b'))});
      if (A.NativePool === B.NativePool) throw new Error('the copies are one module');
      const hung = setTimeout(() => { console.log('HUNG'); process.exit(3); }, 15000);
      const pa = new A.NativePool({ threads: 2 });
      const pb = new B.NativePool({ threads: 2 });
      const bad = [];
      for (let round = 0; round < 20; round++) {
        const work = [];
        for (let i = 0; i < 500; i++) {
          work.push(pa.submit('gcd', i * 6, 12).then((v) => [A.gcd(i * 6, 12), v]));
          work.push(pb.submit('gcd', i * 10, 4).then((v) => [B.gcd(i * 10, 4), v]));
        }
        work.push(pa.map('gcd', [[12, 18], [0, 5]]).then((v) => [[6, 5], v]));
        work.push(pb.submit('factorize', 12).then((v) => [[1, 2, 3, 4, 6, 12], v]));
        work.push(pb.map('factorize', [6]).then((v) => [[[1, 2, 3, 6]], v]));
        for (const [want, got] of await Promise.all(work)) {
          if (JSON.stringify(want) !== JSON.stringify(got)) bad.push([want, got]);
        }
      }
      await Promise.all([pa.close(), pb.close()]);
      clearTimeout(hung);
      console.log(JSON.stringify({ bad: bad.slice(0, 5), count: bad.length }));
      `,
      { env: { NOGIL_NATIVE_PATH: addonPath() }, timeoutMs: 30_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(JSON.stringify({ bad: [], count: 0 }));
    expect(result.code).toBe(0);
  });
});
