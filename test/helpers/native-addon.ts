// Where the addon that `nogil/native` loads lives, for tests that load it by path (a second
// copy of the package, or the raw binding).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { platformName } from 'nogil/native';
import { repoRoot } from './node-child.js';

/** The absolute path of the `.node` file, in the loader's order (override, package, build). */
export function addonPath(): string {
  const override = process.env.NOGIL_NATIVE_PATH;
  if (override) return override;
  const require = createRequire(join(repoRoot, 'package.json'));
  try {
    return require.resolve(`nogil-${platformName()}`);
  } catch {
    const local = join(repoRoot, 'build', `nogil.${platformName()}.node`);
    if (!existsSync(local)) throw new Error(`no native addon found (looked for ${local})`);
    return local;
  }
}
