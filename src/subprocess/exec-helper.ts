// Where `dieWithParent` finds nogil's exec helper (native/exec-helper: sets PR_SET_PDEATHSIG,
// then execs the real program in place), in the addon loader's order:
//   1. NOGIL_EXEC_HELPER_PATH, an explicit file;
//   2. the platform package `nogil-linux-<arch>-<libc>` (what `npm install nogil` brings);
//   3. `prebuilds/linux-<arch>/` inside this package (optional dependencies omitted);
//   4. the local build `build/nogil-exec-helper` (`npm run build:native` in a checkout).
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withCode } from '../internal/errors.js';

const HELPER = 'nogil-exec-helper';

const require = createRequire(import.meta.url);

/** Whether `path` is an executable regular file. */
function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The platform package's name on this Linux (glibc or musl, as napi-rs tells them apart). */
function platformPackage(): string {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return `nogil-linux-${process.arch}-${header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

let found: string | Error | undefined;

/** The candidates, labelled, in the order they are tried. */
function candidates(): Array<[label: string, path: string | null]> {
  const override = process.env.NOGIL_EXEC_HELPER_PATH;
  if (override) return [[`NOGIL_EXEC_HELPER_PATH=${override}`, override]]; // final: no silent fallback
  let packaged: string | null = null;
  const name = platformPackage();
  try {
    packaged = join(dirname(require.resolve(`${name}/package.json`)), HELPER);
  } catch {
    // not installed (a checkout, or optional dependencies omitted)
  }
  return [
    [name, packaged],
    ['prebuilds', fileURLToPath(new URL(`../../prebuilds/linux-${process.arch}/${HELPER}`, import.meta.url))],
    ['local build', fileURLToPath(new URL(`../../build/${HELPER}`, import.meta.url))],
  ];
}

/**
 * The exec helper's path, or an Error (code ERR_SUBPROCESS_EXEC_HELPER) saying where it was
 * looked for and how to get it. Looked up once per process.
 */
export function execHelper(): string | Error {
  if (found !== undefined) return found;
  if (process.platform !== 'linux') {
    found = withCode(
      new Error(`dieWithParent needs Linux (PR_SET_PDEATHSIG); this is ${process.platform}`),
      'ERR_SUBPROCESS_EXEC_HELPER',
    );
    return found;
  }
  const tried: string[] = [];
  for (const [label, path] of candidates()) {
    if (path && isExecutable(path)) {
      found = path;
      return found;
    }
    tried.push(`  - ${label}: ${path ?? 'not installed'}`);
  }
  found = withCode(
    new Error(
      `dieWithParent needs nogil's exec helper (${HELPER}), which was not found:\n${tried.join('\n')}\n` +
        'Install nogil with its optional dependencies, or build it with `npm run build:native` (needs Rust).',
    ),
    'ERR_SUBPROCESS_EXEC_HELPER',
  );
  return found;
}
