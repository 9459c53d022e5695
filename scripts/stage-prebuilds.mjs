#!/usr/bin/env node
// Stages the built native artifacts for packing (`npm pack` / `npm publish` run it as prepack):
//   - prebuilds/<platform>-<arch>/node.napi.<libc>.node inside the main package: the second
//     channel, found by node-gyp-build when the platform package is missing (optional
//     dependencies omitted, or a lockfile made on another platform skipped it);
//   - npm/<platform>/<addon>: the platform package's file, for publishing that package;
//   - the exec helper (build/nogil-exec-helper, for `dieWithParent`) into both places.
// Fails when the addon was not built: a package without its binary must never be published.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const platformPkgDir = join(root, 'npm', 'linux-x64-gnu');
const { main: addonName } = JSON.parse(readFileSync(join(platformPkgDir, 'package.json'), 'utf8'));
const built = join(root, 'build', addonName);
if (!existsSync(built)) {
  console.error(`stage-prebuilds: ${built} is missing: run npm run build:native first`);
  process.exit(1);
}
// node-gyp-build's folder names carry no libc; the file name's tags do (glibc is the most
// specific match on a glibc system, so it wins over a generic copy).
const prebuilds = join(root, 'prebuilds');
rmSync(prebuilds, { recursive: true, force: true });
const dir = join(prebuilds, 'linux-x64');
mkdirSync(dir, { recursive: true });
copyFileSync(built, join(dir, 'node.napi.glibc.node'));
copyFileSync(built, join(platformPkgDir, addonName));
// nogil/subprocess's `dieWithParent` helper travels the same two ways (executable bit kept).
const helper = join(root, 'build', 'nogil-exec-helper');
if (!existsSync(helper)) {
  console.error(`stage-prebuilds: ${helper} is missing: run npm run build:native first`);
  process.exit(1);
}
copyFileSync(helper, join(dir, 'nogil-exec-helper'));
copyFileSync(helper, join(platformPkgDir, 'nogil-exec-helper'));
console.log(
  `stage-prebuilds: ${addonName} and nogil-exec-helper -> prebuilds/linux-x64/ (addon as node.napi.glibc.node) and npm/linux-x64-gnu/`,
);
