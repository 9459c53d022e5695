// The only file that loads the `.node` addon. Everything else imports the typed binding (or
// the load error) from here.
//
// Where the addon comes from, in order:
//   1. NOGIL_NATIVE_PATH, an explicit file (tests, custom builds);
//   2. the platform package `nogil-<platform>` (what `npm install nogil` brings, prebuilt);
//   3. the local build `build/nogil.<platform>.node` (`npm run build:native` in a checkout).
// If none loads, every non-native feature still works and native calls throw an error that
// names the platform and the fix.
import { existsSync, readFileSync } from 'node:fs';
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
  readonly loadMs: number;
}

function load(): Loaded {
  const started = performance.now();
  const platform = platformName();
  const tried: string[] = [];
  const candidates: Array<[label: string, spec: string]> = [];
  const override = process.env.NOGIL_NATIVE_PATH;
  if (override) candidates.push([`NOGIL_NATIVE_PATH=${override}`, override]);
  candidates.push([`nogil-${platform}`, `nogil-${platform}`]);
  candidates.push(['local build', fileURLToPath(new URL(`../../build/nogil.${platform}.node`, import.meta.url))]);
  for (const [label, spec] of candidates) {
    try {
      const binding = require(spec) as RawBinding;
      return { binding, error: null, from: label, loadMs: performance.now() - started };
    } catch (error) {
      tried.push(`  - ${label}: ${(error as Error).message.split('\n')[0]}`);
      // An explicit override that fails is final: do not silently use another build.
      if (override && spec === override) break;
    }
  }
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
  return { binding: null, error, from: null, loadMs: performance.now() - started };
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

/** Where the addon was loaded from and how long it took (for `nogil --help` and benchmarks). */
export function nativeLoadInfo(): { from: string | null; loadMs: number; platform: string } {
  return { from: loaded.from, loadMs: loaded.loadMs, platform: platformName() };
}

/** The binding, or throws the load error (a fresh copy, with a stack from the caller). */
export function binding(): RawBinding {
  if (loaded.binding) return loaded.binding;
  const error = loaded.error as Error & { code?: string };
  throw withCode(new Error(error.message, { cause: error }), error.code ?? 'ERR_NOGIL_NATIVE_UNAVAILABLE');
}
