#!/usr/bin/env node
// Type-checks the README's ```ts examples as a consumer would paste them: in an empty project
// whose node_modules/nogil is this checkout (so the package's own `exports` and built .d.ts
// files are what resolves), under `strict`, once with `module: nodenext` and once with
// `moduleResolution: bundler`. Run by `npm run typecheck` (part of `npm test`), after the build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
if (blocks.length === 0) {
  console.error('check-readme-types: README.md has no ```ts blocks');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'nogil-readme-types-'));
try {
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'nogil'), 'dir');
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  blocks.forEach((code, i) => {
    writeFileSync(join(dir, `readme-${i + 1}.mts`), `export {};\n${code}`);
  });
  const common = {
    strict: true,
    target: 'es2022',
    lib: ['es2023', 'esnext.disposable'],
    noEmit: true,
    types: ['node'],
  };
  const configs = {
    nodenext: { ...common, module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { ...common, module: 'esnext', moduleResolution: 'bundler' },
  };
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let failed = false;
  for (const [name, compilerOptions] of Object.entries(configs)) {
    const file = join(dir, `tsconfig.${name}.json`);
    writeFileSync(file, JSON.stringify({ compilerOptions, include: ['readme-*.mts'] }));
    const r = spawnSync(process.execPath, [tsc, '-p', file], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) {
      failed = true;
      console.error(`README examples do not type-check with ${name} resolution:\n${(r.stdout + r.stderr).trim()}`);
    }
  }
  if (failed) process.exit(1);
  console.log(`README: ${blocks.length} TypeScript examples type-check (strict; nodenext and bundler)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
