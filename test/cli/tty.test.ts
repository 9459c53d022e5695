// On a terminal (a pseudo-terminal from util-linux `script`): colour on stdout, a progress
// bar on stderr; NO_COLOR turns the colour off. (Pipes get neither: see bench.test.ts.)
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node-child.js';
import { bin } from './cli-helpers.js';

/** Runs `nogil ...args` on a pseudo-terminal; returns what the terminal showed. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): string {
  const { NO_COLOR: _, FORCE_COLOR: __, ...rest } = process.env;
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...rest, TERM: 'xterm-256color', ...env },
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const ESC = String.fromCharCode(0x1b);
const args = ['bench', '--workload', 'tiny', '--backends', 'serial-js,serial-native', '--runs', '3'];

describe('nogil bench on a terminal', () => {
  it('colours the table and draws a progress bar', () => {
    const screen = onTerminal(args, {});
    expect(screen).toContain('\u001b[1mnogil bench ');
    expect(screen).toContain('\u001b[1mbackend\u001b[22m');
    expect(screen).toMatch(/100% \| 8\/8 runs \| /);
    expect(screen).toContain('\u001b[36m'); // the bar's colour
  });

  it('honours NO_COLOR (the bar is still drawn, in plain text)', () => {
    const screen = onTerminal(args, { NO_COLOR: '1' });
    expect(screen).toMatch(/100% \| 8\/8 runs \| /);
    // No SGR (colour or weight) codes at all; the bar's cursor movements remain.
    expect(screen).not.toMatch(new RegExp(`${ESC}\\[[0-9;]*m`));
    expect(screen).toMatch(/^ {2}backend\s+workers\s+median ms/m);
  });
});
