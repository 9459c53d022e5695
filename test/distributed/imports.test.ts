// bullmq and ioredis load only with nogil/distributed: the root import never touches them, and
// without them nogil/distributed (and `nogil worker`) fails with one line saying what to
// install. Their absence is simulated with a module hook (test/fixtures/distributed/hide-peers.mjs).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runNode } from '../helpers/node-child.js';

const hide = ['--import', join(repoRoot, 'test', 'fixtures', 'distributed', 'hide-peers.mjs')];

describe('optional peer dependencies', () => {
  it('the root nogil import (and nogil/futures) never loads bullmq or ioredis', async () => {
    const r = await runNode(
      `const root = await import('nogil');
       await import('nogil/futures');
       console.log(typeof root.Future, 'RedisExecutor' in root);`,
      { args: hide },
    );
    // The hook makes bullmq and ioredis unresolvable: any attempt to load them would fail the imports.
    expect(r.stderr).not.toContain('hide-peers');
    expect(r.stdout.trim()).toBe('function false');
    expect(r.code).toBe(0);
  });

  it('importing nogil/distributed without them fails with one line that says what to install', async () => {
    const caught = await runNode(
      `try { await import('nogil/distributed'); console.log('loaded'); }
       catch (e) { console.log(JSON.stringify({ message: e.message, code: e.code })); }`,
      { args: hide },
    );
    const { message, code } = JSON.parse(caught.stdout) as { message: string; code: string };
    expect(code).toBe('ERR_NOGIL_MISSING_PEER');
    expect(message).toContain('npm install bullmq ioredis');
    expect(message).not.toContain('\n');
    // Uncaught, the report is that line, between Node's own location header and version footer.
    const uncaught = await runNode(`await import('nogil/distributed');`, { args: hide });
    expect(uncaught.code).toBe(1);
    const report = uncaught.stderr
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('hide-peers'))
      .filter((l) => !/^(node:internal\/|\s+triggerUncaughtException\(|\s+\^$|Node\.js v)/.test(l));
    expect(report).toEqual([
      expect.stringMatching(/^\[?Error \[ERR_NOGIL_MISSING_PEER\]: .*npm install bullmq ioredis/),
    ]);
  });

  it('nogil worker without them prints the line and exits 1', () => {
    const r = spawnSync(
      process.execPath,
      [...hide, join(repoRoot, 'dist', 'cli', 'main.js'), 'worker', '--redis', 'redis://127.0.0.1:1', '--queue', 'q'],
      {
        encoding: 'utf8',
        cwd: repoRoot,
      },
    );
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('hide-peers'));
    expect(lines).toEqual([
      expect.stringMatching(/^nogil worker: nogil\/distributed needs .*npm install bullmq ioredis/),
    ]);
  });
});

describe('nogil worker usage', () => {
  const bin = join(repoRoot, 'dist', 'cli', 'main.js');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, 'worker', ...args], {
      encoding: 'utf8',
      cwd: repoRoot,
      env: { ...process.env, NOGIL_REDIS_URL: '' },
    });

  it('--help prints the usage', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: nogil worker --redis URL --queue NAME');
    expect(r.stdout).toContain('--allow-module PATH');
  });

  it('bad usage exits 2 with one line on stderr', () => {
    for (const args of [
      ['--queue', 'q'],
      ['--redis', 'redis://127.0.0.1:1'],
      ['--redis', 'redis://127.0.0.1:1', '--queue', 'q', '--concurrency', 'lots'],
      ['--redis', 'redis://127.0.0.1:1', '--queue', 'a:b'],
      ['--redis', 'redis://127.0.0.1:1', '--queue', 'q', '--backend', 'gpu'],
      ['--redis', 'http://:pw-in-url@127.0.0.1:1', '--queue', 'q'],
      ['--frobnicate'],
    ]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^nogil worker: /);
      expect(r.stderr).not.toContain('pw-in-url');
    }
  });
});
