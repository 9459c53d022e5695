// Proves the install paths users get from npm: the main package (with its prebuilds/ copy)
// and the prebuilt platform package, packed as for publishing, installed offline into empty
// projects with no Rust toolchain on PATH, load the addon and run a native map.
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
let tgz: string;

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
  tgz = join(work, 'tgz');
  mkdirSync(tgz);
  // The offline installs below take nogil's runtime dependencies from the npm cache. Installing
  // this checkout from its lockfile caches their tarballs but not always their registry
  // documents (a cache seeded some other way may lack them), so add the runtime closure of the
  // lockfile to the cache first: from the registry only where the cache lacks it.
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; link?: boolean }>;
  };
  const runtime = Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.link && p.version)
    .map(([path, p]) => `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${p.version}`);
  const cached = npm(['cache', 'add', '--prefer-offline', ...runtime], work, process.env.PATH ?? '');
  if (cached.status !== 0) throw new Error(`npm cache add failed:\n${cached.out}`);
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('prebuilt-binary install (no Rust needed)', () => {
  it('keeps the platform package version in step with the main package', () => {
    expect(platformPkg.name).toBe('nogil-linux-x64-gnu');
    expect(platformPkg.version).toBe(rootPkg.version);
    expect(rootPkg.optionalDependencies[platformPkg.name]).toBe(rootPkg.version);
  });

  it('packs both packages with a clean consumer manifest and the prebuilds copy', () => {
    const built = join(repoRoot, 'build', platformPkg.main);
    expect(existsSync(built), `${built} (run npm run build:native)`).toBe(true);
    // The release flow copies the build into the platform package; do it in a scratch copy.
    const stage = join(work, 'platform');
    mkdirSync(stage);
    for (const f of ['package.json', 'README.md']) copyFileSync(join(platformDir, f), join(stage, f));
    copyFileSync(built, join(stage, platformPkg.main));
    copyFileSync(join(repoRoot, 'build', 'nogil-exec-helper'), join(stage, 'nogil-exec-helper'));
    const systemPath = process.env.PATH ?? '';
    let r = npm(['pack', '--pack-destination', tgz], stage, systemPath);
    expect(r.status, r.out).toBe(0);
    // prepack stages prebuilds/ and strips the manifest (clean-package); postpack restores it.
    const before = readFileSync(join(repoRoot, 'package.json'), 'utf8');
    r = npm(['pack', '--pack-destination', tgz], repoRoot, systemPath);
    expect(r.status, r.out).toBe(0);
    expect(readFileSync(join(repoRoot, 'package.json'), 'utf8')).toBe(before);
    const tarballs = readdirSync(tgz);
    expect(tarballs.sort()).toEqual([`nogil-${rootPkg.version}.tgz`, `${platformPkg.name}-${platformPkg.version}.tgz`]);

    const list = spawnSync('tar', ['-tzf', join(tgz, `nogil-${rootPkg.version}.tgz`)], { encoding: 'utf8' });
    expect(list.stdout).toContain('package/prebuilds/linux-x64/node.napi.glibc.node');
    expect(list.stdout).toContain('package/prebuilds/linux-x64/nogil-exec-helper');
    const manifest = JSON.parse(
      spawnSync('tar', ['-xzOf', join(tgz, `nogil-${rootPkg.version}.tgz`), 'package/package.json'], {
        encoding: 'utf8',
      }).stdout,
    ) as Record<string, unknown>;
    // A consumer's manifest: no install (or any) scripts, no dev-only fields; links for the registry page.
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.workspaces).toBeUndefined();
    expect(manifest).toHaveProperty('repository');
    expect(manifest).toHaveProperty('homepage');
    expect(manifest).toHaveProperty('bugs');
    expect(manifest.keywords).toEqual(expect.arrayContaining(['concurrency', 'python']));
  });

  // Offline, from the npm cache that installing this checkout filled (nogil's own runtime
  // dependencies come from there; nothing is fetched).
  // Three ways users end up installed: with the platform package (the normal case), with
  // optional dependencies omitted, and with the platform package skipped (as a lockfile made on
  // another platform does: offline here, npm cannot fetch it and skips the optional dependency).
  it.each([
    { mode: 'with the platform package', extra: [] as string[], withPlatform: true, from: 'nogil-linux-x64-gnu' },
    { mode: 'with --omit=optional', extra: ['--omit=optional'], withPlatform: false, from: 'prebuilds' },
    { mode: 'with the platform package skipped', extra: [] as string[], withPlatform: false, from: 'prebuilds' },
  ])(
    'installs offline without cargo $mode and runs a native map (addon from $from)',
    ({ extra, withPlatform, from }) => {
      const app = mkdtempSync(join(work, 'app-'));
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
      const cargo = spawnSync('cargo', ['--version'], { env: { PATH: bin } });
      expect((cargo.error as NodeJS.ErrnoException | undefined)?.code).toBe('ENOENT');
      const tarballs = [join(tgz, `nogil-${rootPkg.version}.tgz`)];
      if (withPlatform) tarballs.unshift(join(tgz, `${platformPkg.name}-${platformPkg.version}.tgz`));
      const r = npm(['install', '--offline', '--no-audit', ...extra, ...tarballs], app, bin);
      expect(r.status, r.out).toBe(0);
      expect(r.out).not.toMatch(/EBADENGINE|install script/i);
      expect(existsSync(join(app, 'node_modules', 'nogil', 'dist', 'index.js'))).toBe(true);
      expect(existsSync(join(app, 'node_modules', platformPkg.name))).toBe(withPlatform);
      // The main tarball ships no local build: the addon comes from a packaged copy.
      expect(existsSync(join(app, 'node_modules', 'nogil', 'build'))).toBe(false);

      const run = spawnSync(
        join(bin, 'node'),
        [
          '--input-type=module',
          '-e',
          `import { NativePool, nativeLoadInfo, ThreadPoolExecutor, run } from 'nogil';
         const pool = new NativePool({ threads: 2 });
         const out = await pool.map('bruteGcd', [[543456, 43523465], [324435212, 23342412], [1232412324, 890789], [7134890, 873490]]);
         await pool.close();
         const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
         const thread = await executor.submit((a, b) => a * b, 6, 7);
         await executor.shutdown();
         const child = await run([process.execPath, '-e', 'process.stdout.write("child")'], { captureOutput: true, text: true, dieWithParent: true });
         console.log(JSON.stringify({ out, from: nativeLoadInfo().from, thread, child: child.stdout }));`,
        ],
        { cwd: app, encoding: 'utf8', env: { PATH: bin, HOME: work } },
      );
      expect(run.status, run.stderr).toBe(0);
      // The native map, a worker-thread task (piscina installed as a dependency), and a child
      // that dies with its parent (the exec helper found in the platform package or prebuilds/).
      expect(JSON.parse(run.stdout)).toEqual({ out: [1, 4, 1, 10], from, thread: 42, child: 'child' });

      // The installed `nogil` command works too and reports where the addon came from.
      const status = spawnSync(join(app, 'node_modules', '.bin', 'nogil'), ['status'], {
        cwd: app,
        encoding: 'utf8',
        env: { PATH: bin, HOME: work },
      });
      expect(status.status, status.stderr).toBe(0);
      expect(status.stdout).toContain(`native addon: loaded from ${from}`);
    },
  );
});
