// `nogil status [--json]`: which native binary was loaded, from where (the file), how fast,
// and the platform; or why it did not load.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { binding, nativeAvailable, nativeLoadError, nativeLoadInfo } from '../native/binding.js';
import { parseOptions } from './usage.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

const HELP = `Usage: nogil status [--json]

Which native binary nogil loaded, from where, and the platform (or why it did not load).

Options:
  --json      print it as JSON
  -h, --help  show this help`;

/** The native addon's status, as data. */
export function status(): Record<string, unknown> {
  const info = nativeLoadInfo();
  const base = {
    nogil: pkg.version,
    node: process.version,
    platform: info.platform,
    cores: availableParallelism(),
    nativeAvailable: nativeAvailable(),
  };
  if (!nativeAvailable() || info.from === null) return { ...base, nativeLoadError: nativeLoadError()?.message };
  const native = binding().info();
  return {
    ...base,
    loadedFrom: info.from,
    loadedPath: info.path,
    loadMs: Math.round(info.loadMs * 100) / 100,
    napiVersion: native.napiVersion,
    addonVersion: native.version,
    debugBuild: native.debug,
  };
}

/** Prints the status for people. */
export function printStatus(): void {
  const s = status();
  if (s.nativeAvailable) {
    console.log(
      `native addon: loaded from ${s.loadedFrom} (${s.loadedPath}) in ${s.loadMs} ms (N-API ${s.napiVersion}, ${s.platform}, ${s.cores} cores)${s.debugBuild ? ', a debug build' : ''}`,
    );
  } else {
    console.log(`native addon: NOT available\n${s.nativeLoadError}`);
  }
}

/** `nogil status`. */
export function statusCommand(argv: string[]): number {
  const v = parseOptions('status', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (v.help) console.log(HELP);
  else if (v.json) console.log(JSON.stringify(status(), null, 2));
  else printStatus();
  return 0;
}
