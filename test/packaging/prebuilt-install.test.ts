// Proves the install path users get from npm: the main package plus the prebuilt platform
// package, installed offline into an empty project with no Rust toolchain on PATH, load the
// addon from the platform package and run a native map.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node-child.js';

const platformDir = join(repoRoot, 'npm', 'linux-x64-gnu');
const platformPkg = JSON.parse(readFileSync(join(platformDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
};
const rootPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies: Record<string, string>;
};

/** npm's own CLI script, run with this node (so PATH needs nothing but node and sh). */
function npmCli(): string {
  const candidates = [
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`npm-cli.js not found near ${process.execPath}`);
  return found;
}

let work: string;
let bin: string;

function npm(args: string[], cwd: string, path: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [npmCli(), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: path, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nogil-prebuilt-'));
  // A PATH with node and sh only: no cargo, rustc or compilers can be found from it.
  bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('prebuilt-binary install (no Rust needed)', () => {
  it('keeps the platform package version in step with the main package', () => {
    expect(platformPkg.name).toBe('nogil-linux-x64-gnu');
    expect(platformPkg.version).toBe(rootPkg.version);
    expect(rootPkg.optionalDependencies[platformPkg.name]).toBe(rootPkg.version);
  });

  it('packs both packages, installs them offline without cargo, and runs a native map', () => {
    const built = join(repoRoot, 'build', platformPkg.main);
    expect(existsSync(built), `${built} (run npm run build:native)`).toBe(true);
    const tgz = join(work, 'tgz');
    mkdirSync(tgz);

    // The release flow copies the build into the platform package; do it in a scratch copy.
    const stage = join(work, 'platform');
    mkdirSync(stage);
    for (const f of ['package.json', 'README.md']) copyFileSync(join(platformDir, f), join(stage, f));
    copyFileSync(built, join(stage, platformPkg.main));
    const systemPath = process.env.PATH ?? '';
    let r = npm(['pack', '--pack-destination', tgz], stage, systemPath);
    expect(r.status, r.out).toBe(0);
    // --ignore-scripts: packing must not rebuild; dist/ is already built by `npm test`.
    r = npm(['pack', '--ignore-scripts', '--pack-destination', tgz], repoRoot, systemPath);
    expect(r.status, r.out).toBe(0);
    // The runtime dependencies (piscina) come from this checkout's node_modules: offline, as the rest.
    const deps = Object.keys(rootPkg.dependencies ?? {});
    for (const dep of deps) {
      r = npm(['pack', '--ignore-scripts', '--pack-destination', tgz], join(repoRoot, 'node_modules', dep), systemPath);
      expect(r.status, r.out).toBe(0);
    }
    const tarballs = readdirSync(tgz).map((f) => join(tgz, f));
    expect(tarballs).toHaveLength(2 + deps.length);

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const cargo = spawnSync('cargo', ['--version'], { env: { PATH: bin } });
    expect((cargo.error as NodeJS.ErrnoException | undefined)?.code).toBe('ENOENT');
    r = npm(['install', '--offline', '--no-audit', '--cache', join(work, 'npm-cache'), ...tarballs], app, bin);
    expect(r.status, r.out).toBe(0);
    expect(existsSync(join(app, 'node_modules', 'nogil', 'dist', 'index.js'))).toBe(true);
    // The main tarball ships no addon of its own: it must come from the platform package.
    expect(existsSync(join(app, 'node_modules', 'nogil', 'build'))).toBe(false);

    const run = spawnSync(
      join(bin, 'node'),
      [
        '--input-type=module',
        '-e',
        `import { NativePool, nativeLoadInfo } from 'nogil';
         const pool = new NativePool({ threads: 2 });
         const out = await pool.map('bruteGcd', [[543456, 43523465], [324435212, 23342412], [1232412324, 890789], [7134890, 873490]]);
         await pool.close();
         const { ThreadPoolExecutor } = await import('nogil/futures');
         const threads = await new ThreadPoolExecutor({ maxWorkers: 1 }).submit((a, b) => a + b, 2, 3);
         console.log(JSON.stringify({ out, from: nativeLoadInfo().from, threads }));`,
      ],
      { cwd: app, encoding: 'utf8', env: { PATH: bin, HOME: work } },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ out: [1, 4, 1, 10], from: 'nogil-linux-x64-gnu', threads: 5 });

    // The installed `nogil` command works too and reports where the addon came from.
    const help = spawnSync(join(app, 'node_modules', '.bin', 'nogil'), ['--help'], {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: bin, HOME: work },
    });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('native addon: loaded from nogil-linux-x64-gnu');
  });
});
