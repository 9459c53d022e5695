#!/usr/bin/env node
// Builds the Rust workspace in release mode and copies its artifacts into build/:
//   - the addon (the `nogil` cdylib) as build/nogil.<platform>.node,
//   - every binary target of the workspace (e.g. the exec helper) as build/<name>.
// Run by `npm test` (pretest) and `npm run build:native`.
//
// Why cargo directly and not @napi-rs/cli: the addon uses no napi-derive (the binding is our
// own, std only), so the CLI's code generation never runs and it warned on every build; its
// dependencies also require Node 22 (EBADENGINE warnings on install). Building a cdylib and
// naming it is all that is left, which cargo's JSON messages make exact.
//
// Without a Rust toolchain the build is skipped with a warning instead of failing: everything
// that is not native keeps working, and nogil/native explains how to fix it (nativeLoadError()).
// NOGIL_REQUIRE_NATIVE=1 turns the skip into an error; NOGIL_SKIP_NATIVE=1 skips on purpose.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.env.NOGIL_SKIP_NATIVE === '1') {
  console.warn('nogil: NOGIL_SKIP_NATIVE=1, not building the native addon');
  process.exit(0);
}

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.error || cargo.status !== 0) {
  const message =
    'nogil: cargo (Rust) was not found, so the native addon was not built.\n' +
    '  Non-native features work; nogil/native will report the missing addon.\n' +
    '  Install Rust (https://rustup.rs), then run `npm run build:native`.';
  if (process.env.NOGIL_REQUIRE_NATIVE === '1') {
    console.error(message);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

/** The napi-rs platform name (`linux-x64-gnu`, ...), as src/native/binding.ts computes it. */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    let musl;
    try {
      musl = readFileSync('/usr/bin/ldd', 'latin1').includes('musl');
    } catch {
      musl = existsSync('/etc/alpine-release');
    }
    return `linux-${arch}-${musl ? 'musl' : 'gnu'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

const result = spawnSync(
  'cargo',
  ['build', '--release', '--workspace', '--locked', '--message-format=json-render-diagnostics'],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 },
);
if (result.status !== 0) process.exit(result.status ?? 1);

const out = join(root, 'build');
mkdirSync(out, { recursive: true });
// Copy through a temporary name, then rename: a process that has the old addon loaded keeps
// its mapping, and a concurrent loader never sees a half-written file.
function install(from, name) {
  const to = join(out, name);
  const tmp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
  console.log(`nogil: built ${join('build', name)}`);
}

let addon = false;
for (const line of result.stdout.split('\n')) {
  if (!line.startsWith('{')) continue;
  const msg = JSON.parse(line);
  if (msg.reason !== 'compiler-artifact') continue;
  const kinds = msg.target?.kind ?? [];
  if (kinds.includes('cdylib') && msg.target.name === 'nogil') {
    const lib = msg.filenames.find((f) => /\.(so|dylib|dll)$/.test(f));
    if (lib) {
      install(lib, `nogil.${platformName()}.node`);
      addon = true;
    }
  } else if (kinds.includes('bin') && msg.executable) {
    install(msg.executable, msg.target.name);
  }
}
if (!addon) {
  console.error('nogil: cargo built no addon (no cdylib artifact named nogil)');
  process.exit(1);
}
