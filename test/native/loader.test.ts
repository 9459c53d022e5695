// The loader's order (src/native/binding.ts): NOGIL_NATIVE_PATH, then a local build newer than
// every packaged copy, then the platform package, then prebuilds/ (node-gyp-build), then an
// older local build. Each case lays out a scratch copy of the package with the copies it names
// and their modification times, and asks a fresh process where the addon came from.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node-child.js';

const addon = join(repoRoot, 'build', 'nogil.linux-x64-gnu.node');
let scratch: string;

type Copy = 'local' | 'platform' | 'prebuild';

/** A package copy with the given addon copies, each with an mtime (seconds since the epoch). */
function layout(copies: Partial<Record<Copy, number>>): string {
  const pkg = mkdtempSync(join(scratch, 'pkg-'));
  cpSync(join(repoRoot, 'dist'), join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'nogil-copy', type: 'module' }));
  mkdirSync(join(pkg, 'node_modules'));
  symlinkSync(join(repoRoot, 'node_modules', 'node-gyp-build'), join(pkg, 'node_modules', 'node-gyp-build'));
  const place = (file: string, mtime: number): void => {
    mkdirSync(join(file, '..'), { recursive: true });
    copyFileSync(addon, file);
    utimesSync(file, mtime, mtime);
  };
  if (copies.local !== undefined) place(join(pkg, 'build', 'nogil.linux-x64-gnu.node'), copies.local);
  if (copies.prebuild !== undefined)
    place(join(pkg, 'prebuilds', 'linux-x64', 'node.napi.glibc.node'), copies.prebuild);
  if (copies.platform !== undefined) {
    const dir = join(pkg, 'node_modules', 'nogil-linux-x64-gnu');
    place(join(dir, 'nogil.linux-x64-gnu.node'), copies.platform);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'nogil-linux-x64-gnu', main: 'nogil.linux-x64-gnu.node' }),
    );
  }
  return pkg;
}

function loadedFrom(pkg: string, env: NodeJS.ProcessEnv = {}): { from: string | null; path: string | null } {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(pkg, 'dist', 'native', 'binding.js'))});
       const { from, path } = m.nativeLoadInfo();
       console.log(JSON.stringify({ from, path, gcd: m.nativeAvailable() ? m.binding().gcd(12, 18) : null }));`,
    ],
    { encoding: 'utf8', env: { ...process.env, NOGIL_NATIVE_PATH: '', ...env } },
  );
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { from: string | null; path: string | null; gcd: number | null };
  if (out.from) expect(out.gcd).toBe(6);
  return out;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nogil-loader-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('where the native addon is loaded from', () => {
  const old = 1_700_000_000;
  const fresh = 1_800_000_000;

  it('a local build newer than every packaged copy wins (a contributor rebuild beats a stale package)', () => {
    const pkg = layout({ local: fresh, platform: old, prebuild: old });
    expect(loadedFrom(pkg)).toMatchObject({
      from: 'local build',
      path: join(pkg, 'build', 'nogil.linux-x64-gnu.node'),
    });
  });

  it('the platform package wins over an older local build and over prebuilds', () => {
    expect(loadedFrom(layout({ local: old, platform: fresh, prebuild: fresh })).from).toBe('nogil-linux-x64-gnu');
  });

  it('prebuilds/ is the channel when the platform package is missing', () => {
    const pkg = layout({ prebuild: fresh });
    expect(loadedFrom(pkg)).toMatchObject({
      from: 'prebuilds',
      path: join(pkg, 'prebuilds', 'linux-x64', 'node.napi.glibc.node'),
    });
  });

  it('an older local build is still used when nothing packaged is there', () => {
    expect(loadedFrom(layout({ local: old })).from).toBe('local build');
  });

  it('NOGIL_NATIVE_PATH comes first, and a failing one is final', () => {
    const pkg = layout({ local: fresh, platform: fresh });
    const explicit = join(pkg, 'build', 'nogil.linux-x64-gnu.node');
    expect(loadedFrom(pkg, { NOGIL_NATIVE_PATH: explicit }).from).toBe(`NOGIL_NATIVE_PATH=${explicit}`);
    expect(loadedFrom(pkg, { NOGIL_NATIVE_PATH: join(scratch, 'missing.node') }).from).toBeNull();
  });

  it('with no copy at all, the error lists what was tried', () => {
    const pkg = layout({});
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(pkg, 'dist', 'native', 'binding.js'))}); console.log(m.nativeLoadError().message);`,
      ],
      { encoding: 'utf8', env: { ...process.env, NOGIL_NATIVE_PATH: '' } },
    );
    expect(r.stdout).toContain('nogil-linux-x64-gnu: not installed');
    expect(r.stdout).toContain('prebuilds: not installed');
    expect(r.stdout).toContain('local build');
  });
});
