// vitest globalSetup: the tests run real programs; a missing one fails the run at once with a
// message naming it (and how to install it), instead of as dozens of puzzling ENOENTs.
import { spawnSync } from 'node:child_process';

/** Programs the suite runs, with the Debian package that provides each. */
const PROGRAMS: ReadonlyArray<[program: string, pkg: string]> = [
  ['sh', 'dash'],
  ['cat', 'coreutils'],
  ['sleep', 'coreutils'],
  ['md5sum', 'coreutils'],
  ['openssl', 'openssl'],
  ['python3', 'python3'],
  ['redis-server', 'redis-server'],
];

export default function setup(): void {
  const missing = PROGRAMS.filter(([program]) => {
    const r = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
    return r.error !== undefined || r.status !== 0;
  });
  if (missing.length > 0) {
    const names = missing.map(([p]) => p).join(', ');
    const pkgs = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
    throw new Error(`the tests need ${names} on PATH: install them (Debian: apt-get install -y ${pkgs})`);
  }
}
