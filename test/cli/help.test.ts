import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node-child.js';

const bin = join(repoRoot, 'dist', 'cli', 'main.js');

function nogil(...args: string[]) {
  return spawnSync(bin, args, { encoding: 'utf8', cwd: repoRoot });
}

describe('the nogil command', () => {
  it('--help prints usage and the native load status', () => {
    const r = nogil('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.stdout).toMatch(/native addon: loaded from .+ in [\d.]+ ms \(N-API 8, linux-x64-gnu/);
    // With no arguments it prints the same help.
    expect(nogil().stdout).toContain('Usage:');
  });

  it('status --json reports the addon', () => {
    const r = nogil('status', '--json');
    expect(r.status).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status).toMatchObject({ nativeAvailable: true, napiVersion: 8, platform: 'linux-x64-gnu' });
    // Which binary, from where: the file itself exists.
    expect(existsSync(status.loadedPath)).toBe(true);
    expect(status.loadedPath).toMatch(/\.node$/);
  });

  it('status explains a missing addon', () => {
    const r = spawnSync(bin, ['status'], {
      encoding: 'utf8',
      env: { ...process.env, NOGIL_NATIVE_PATH: '/nonexistent.node' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('native addon: NOT available');
    expect(r.stdout).toContain('npm run build:native');
  });

  it('--version prints the package version; unknown commands exit 2', () => {
    expect(nogil('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const r = nogil('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
