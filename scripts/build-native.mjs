#!/usr/bin/env node
// Builds the native addon into build/nogil.<platform>.node with @napi-rs/cli (which runs
// `cargo build --release` for the host target), and the exec helper into
// build/nogil-exec-helper. Run by `npm install` (prepare) and `npm test`.
//
// Without a Rust toolchain the build is skipped with a warning instead of failing the install:
// everything that is not native keeps working, and nogil/native explains how to fix it
// (nativeLoadError()). NOGIL_REQUIRE_NATIVE=1 turns the skip into an error.
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

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

const cli = require.resolve('@napi-rs/cli/package.json');
const bin = join(dirname(cli), 'dist', 'cli.js');
const result = spawnSync(
  process.execPath,
  [bin, 'build', '--platform', '--release', '--output-dir', 'build', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
if (result.status !== 0) process.exit(result.status ?? 1);

// nogil/subprocess's `dieWithParent` helper (native/exec-helper), next to the addon in build/.
const helper = spawnSync('cargo', ['build', '--release', '-p', 'nogil-exec-helper'], { cwd: root, stdio: 'inherit' });
if (helper.status !== 0) process.exit(helper.status ?? 1);
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
copyFileSync(join(targetDir, 'release', 'nogil-exec-helper'), join(root, 'build', 'nogil-exec-helper'));
