// A Rust panic must become a JavaScript error, never an abort. The shipped addon has no way to
// panic on purpose, so this test builds a second copy with the `test-panic` feature (a `panic`
// kernel and `testPanic()`) and drives it in a child process through NOGIL_NATIVE_PATH.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runNode } from '../helpers/node-child.js';

let dir: string;
let addon: string;

beforeAll(() => {
  const targetDir = join(repoRoot, 'target', 'test-panic');
  const build = spawnSync('cargo', ['build', '--features', 'test-panic', '--target-dir', targetDir], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`cargo build --features test-panic failed:\n${build.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'nogil-panic-'));
  addon = join(dir, 'nogil-test-panic.node');
  copyFileSync(join(targetDir, 'debug', 'libnogil.so'), addon);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('panics never cross into Node', () => {
  it('a panic on the JavaScript thread is thrown as an Error with code ERR_NATIVE_PANIC', async () => {
    const result = await runNode(
      `
      import { createRequire } from 'node:module';
      const raw = createRequire(import.meta.url)(process.env.NOGIL_NATIVE_PATH);
      const seen = [];
      for (let i = 0; i < 10; i++) {
        try { raw.testPanic(); seen.push('no throw'); } catch (e) { seen.push(e.constructor.name + ':' + e.code + ':' + e.message); }
      }
      console.log(JSON.stringify({ seen, info: raw.info(), after: raw.gcd(12, 18) }));
      `,
      { env: { NOGIL_NATIVE_PATH: addon } },
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { seen: string[]; info: { testPanic: boolean }; after: number };
    expect(out.info.testPanic).toBe(true);
    expect(out.seen).toHaveLength(10);
    for (const s of out.seen) expect(s).toBe('Error:ERR_NATIVE_PANIC:native code panicked: testPanic() was called');
    expect(out.after).toBe(6);
    // The quiet panic hook: no Rust backtrace noise on stderr.
    expect(result.stderr).toBe('');
  });

  it('a panicking pool task rejects its own promise; the pool and the process keep working', async () => {
    const result = await runNode(
      `
      import { NativePool } from 'nogil/native';
      const pool = new NativePool({ threads: 2 });
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 10 }, (_, i) => pool.submit('panic', i)),
        pool.submit('gcd', 12, 18),
        pool.map('panic', [1, 2, 3]),
        pool.map('gcd', [[4, 6], [9, 6]]),
      ]);
      const after = await pool.submit('bruteGcd', 7134890, 873490);
      await pool.close();
      console.log(JSON.stringify({
        outcomes: outcomes.map((o) => o.status === 'fulfilled' ? o.value : o.reason.code + ':' + o.reason.message),
        after,
      }));
      `,
      { env: { NOGIL_NATIVE_PATH: addon } },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { outcomes: unknown[]; after: number };
    for (let i = 0; i < 10; i++) {
      expect(out.outcomes[i]).toBe(`ERR_NATIVE_PANIC:native code panicked: test panic requested with argument ${i}`);
    }
    expect(out.outcomes[10]).toBe(6);
    expect(out.outcomes[11]).toMatch(/^ERR_NATIVE_PANIC:native code panicked: test panic requested/);
    expect(out.outcomes[12]).toEqual([2, 3]);
    expect(out.after).toBe(10);
  });

  it('close() never settles before a task that failed in the pool’s last burst', async () => {
    const result = await runNode(
      `
      import { NativePool } from 'nogil/native';
      const early = [];
      for (let round = 0; round < 60; round++) {
        const pool = new NativePool({ threads: 1 + (round % 2) });
        const settled = [];
        pool.submit('panic', round).catch(() => settled.push('submit'));
        pool.map('panic', [round]).catch(() => settled.push('map'));
        pool.submit('gcd', 12, 18).then(() => settled.push('gcd'));
        await pool.close();
        if (settled.length !== 3) early.push(round + ':' + settled.join('+'));
      }
      console.log(JSON.stringify(early));
      `,
      { env: { NOGIL_NATIVE_PATH: addon } },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('[]');
  });
});
