// The only file that loads the `.node` addon. Everything else imports the typed binding (or
// the load error) from here.
//
// Where the addon comes from, in order:
//   1. NOGIL_NATIVE_PATH, an explicit file (tests, custom builds); final if it fails;
//   2. the local build `build/nogil.<platform>.node` (`npm run build:native` in a checkout),
//      when it is newer than every packaged copy: a contributor's rebuild always wins over the
//      workspace symlink's stale platform package;
//   3. the platform package `nogil-<platform>` (what `npm install nogil` brings, prebuilt);
//   4. `prebuilds/<platform>-<arch>/` inside this package, found by node-gyp-build: the second
//      channel when optional dependencies were omitted or a lockfile from another platform
//      skipped the platform package;
//   5. the local build, even if older (nothing else was found).
// If none loads, every non-native feature still works and native calls throw an error that
// names the platform, what was tried, and the fix.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { withCode } from '../internal/errors.js';

/** A completion handler: `scalars` is `[id, value, id, value, ...]`, `rest` the others. */
export type CompletionHandler = (scalars: Float64Array, rest: Array<[id: number, tag: number, value: unknown]>) => void;

/** The raw functions of the addon (see native/binding/src/exports). */
export interface RawBinding {
  kernels(): Array<[name: string, id: number, arity: number, returnsList: boolean]>;
  bruteGcd(...args: unknown[]): number;
  gcd(...args: unknown[]): number;
  factorize(...args: unknown[]): number[];
  sleep(...args: unknown[]): undefined;
  /** Registers one copy of the package (its handler); returns its client number. */
  registerClient(handler: CompletionHandler): number;
  /** A new block of task status words for `client` (see native/core/src/control.rs). */
  controlBlock(client: number): Int32Array;
  poolCreate(threads: number, client: number): number;
  /** `tasks`: `[id, kernelField, arg0, arg1]` records (see `kernelField` in pool.ts). */
  poolSubmit(pool: number, tasks: Float64Array): void;
  poolMap(pool: number, id: number, kernelField: number, inputs: ArrayBufferView): void;
  poolClose(pool: number): Promise<void>;
  poolRelease(pool: number): void;
  counterRace(threads: number, increments: number, locked: boolean): Promise<number>;
  info(): { version: string; napiVersion: number; availableParallelism: number; debug: boolean; testPanic: boolean };
  testPanic?(): never;
}

const require = createRequire(import.meta.url);

function isMusl(): boolean {
  // Cheap and synchronous: glibc's ldd script never mentions musl, musl's always does.
  try {
    return readFileSync('/usr/bin/ldd', 'latin1').includes('musl');
  } catch {
    return existsSync('/etc/alpine-release');
  }
}

/** The napi-rs platform name of this machine (`linux-x64-gnu`, `darwin-arm64`, ...). */
export function platformName(): string {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

interface Loaded {
  readonly binding: RawBinding | null;
  readonly error: Error | null;
  readonly from: string | null;
  readonly path: string | null;
  readonly loadMs: number;
}

/** The file a package specifier or path resolves to, or undefined. */
function resolveFile(spec: string): string | undefined {
  try {
    return require.resolve(spec);
  } catch {
    return undefined;
  }
}

function mtimeOf(file: string | undefined): number {
  if (!file) return Number.NEGATIVE_INFINITY;
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/** The prebuilt copy node-gyp-build finds in this package's `prebuilds/`, or undefined. */
function prebuildFile(): string | undefined {
  try {
    const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
    return nodeGypBuild.path(fileURLToPath(new URL('../..', import.meta.url)));
  } catch {
    return undefined;
  }
}

function load(): Loaded {
  const started = performance.now();
  const platform = platformName();
  const tried: string[] = [];
  const candidates: Array<[label: string, file: string | undefined]> = [];
  const override = process.env.NOGIL_NATIVE_PATH;
  const local = fileURLToPath(new URL(`../../build/nogil.${platform}.node`, import.meta.url));
  const localFile = existsSync(local) ? local : undefined;
  const packaged = resolveFile(`nogil-${platform}`);
  const prebuilt = prebuildFile();
  if (override) candidates.push([`NOGIL_NATIVE_PATH=${override}`, override]);
  else {
    // A local build newer than every packaged copy goes first (a contributor's rebuild wins).
    const localFirst = localFile !== undefined && mtimeOf(localFile) >= Math.max(mtimeOf(packaged), mtimeOf(prebuilt));
    if (localFirst) candidates.push(['local build', localFile]);
    candidates.push([`nogil-${platform}`, packaged]);
    candidates.push(['prebuilds', prebuilt]);
    if (localFile && !localFirst) candidates.push(['local build', localFile]);
  }
  for (const [label, file] of candidates) {
    if (!file) {
      tried.push(`  - ${label}: not installed`);
      continue;
    }
    try {
      const binding = require(file) as RawBinding;
      return { binding, error: null, from: label, path: file, loadMs: performance.now() - started };
    } catch (error) {
      tried.push(`  - ${label} (${file}): ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (!override && !localFile) tried.push(`  - local build (${local}): not built`);
  const error = withCode(
    new Error(
      `nogil's native addon is not available for ${platform} (Node ${process.version}).\n` +
        `Tried:\n${tried.join('\n')}\n` +
        `Fix: install the prebuilt package (npm install nogil-${platform}; npm installs it ` +
        'automatically as an optional dependency unless optional dependencies are omitted), ' +
        'or build from source with Rust: npm run build:native in a nogil checkout.',
    ),
    'ERR_NOGIL_NATIVE_UNAVAILABLE',
  );
  return { binding: null, error, from: null, path: null, loadMs: performance.now() - started };
}

const loaded = load();

/** Whether the addon loaded. */
export function nativeAvailable(): boolean {
  return loaded.binding !== null;
}

/** Why the addon did not load (`null` when it did). */
export function nativeLoadError(): Error | null {
  return loaded.error;
}

/**
 * Where the addon was loaded from (`from`: 'NOGIL_NATIVE_PATH=...', 'local build',
 * 'nogil-<platform>' or 'prebuilds'; `path`: the file) and how long loading took.
 */
export function nativeLoadInfo(): { from: string | null; path: string | null; loadMs: number; platform: string } {
  return { from: loaded.from, path: loaded.path, loadMs: loaded.loadMs, platform: platformName() };
}

/** The binding, or throws the load error (a fresh copy, with a stack from the caller). */
export function binding(): RawBinding {
  if (loaded.binding) return loaded.binding;
  const error = loaded.error as Error & { code?: string };
  throw withCode(new Error(error.message, { cause: error }), error.code ?? 'ERR_NOGIL_NATIVE_UNAVAILABLE');
}
