// Usage: every command's --help lists its options; bad usage exits 2 with one line on stderr.
import { describe, expect, it } from 'vitest';
import { nogil } from './cli-helpers.js';

describe('nogil usage', () => {
  it('nogil --help names every command', () => {
    const r = nogil(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of ['nogil bench', 'nogil tour', 'nogil status', '--version']) expect(r.stdout).toContain(cmd);
  });

  it('nogil bench --help lists every option', () => {
    const r = nogil(['bench', '--help']);
    expect(r.status).toBe(0);
    const options = ['--quick', '--workload', '--backends', '--workers', '--runs', '--scale', '--sizes', '--json'];
    options.push('--svg', '--html', '--markdown', '--compare', '--no-python', '--help');
    for (const o of options) expect(r.stdout).toMatch(new RegExp(`^ {2}(-h, )?${o}\\b`, 'm'));
    for (const w of ['gcd', 'factorize', 'tiny', 'sleep', 'crossover']) expect(r.stdout).toContain(w);
    for (const b of ['serial-js', 'serial-native', 'native', 'threads', 'processes', 'piscina', 'fork', 'python']) {
      expect(r.stdout).toContain(b);
    }
  });

  it('nogil tour --help and nogil status --help list their options', () => {
    const tour = nogil(['tour', '--help']);
    expect(tour.status).toBe(0);
    for (const o of ['--section N', '--no-python', '--help']) expect(tour.stdout).toContain(o);
    const status = nogil(['status', '--help']);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('--json');
  });

  it('skips Python with a note when python3 is absent, or with --no-python', () => {
    const args = ['bench', '--workload', 'tiny', '--backends', 'serial-js,python', '--runs', '1'];
    const absent = nogil(args, { NOGIL_PYTHON: '/nonexistent/python3' });
    expect(absent.status).toBe(0);
    expect(absent.stdout).toContain('note: python: skipped (/nonexistent/python3 is not on PATH)');
    expect(absent.stdout).toMatch(/^ {2}serial-js\s+1\s/m);
    const off = nogil([...args, '--no-python']);
    expect(off.status).toBe(0);
    expect(off.stdout).toContain('note: python: skipped (--no-python)');
    expect(off.stdout).not.toMatch(/^ {2}python-/m);
  });

  it.each([
    [['bench', '--frobnicate'], /^nogil: Unknown option '--frobnicate' \(see nogil bench --help\)$/],
    [['bench', '--runs', '0'], /^nogil: --runs must be between 1 and 1000 \(got 0\)$/],
    [['bench', '--runs', 'five'], /^nogil: --runs must be a positive integer \(got 'five'\)$/],
    [
      ['bench', '--workload', 'gcd,nope'],
      /^nogil: --workload: unknown value 'nope' \(expected gcd, factorize, tiny, sleep, crossover\)$/,
    ],
    [['bench', '--backends', 'gil'], /^nogil: --backends: unknown value 'gil'/],
    [['bench', '--workers', '1,,2'], /^nogil: --workers must be a list like 1,2,4$/],
    [['bench', '--scale=-1'], /^nogil: --scale must be a number > 0 and <= 1000 \(got '-1'\)$/],
    [['bench', '--scale', '-1'], /^nogil: Option '--scale' argument is ambiguous \(see nogil bench --help\)$/],
    [['bench', '--json'], /^nogil: Option '--json <value>' argument missing/],
    [['bench', '--quick=yes'], /^nogil: Option '--quick' does not take an argument/],
    [['bench', 'extra'], /^nogil: Unexpected argument 'extra'/],
    [['bench', '--compare', '/nonexistent/old.json'], /^nogil: --compare: cannot read \/nonexistent\/old.json: /],
    [['tour', '--section', '9'], /^nogil: --section must be one of 1-5 \(got '9'\)$/],
    [['status', '--verbose'], /^nogil: Unknown option '--verbose' \(see nogil status --help\)$/],
    [['frobnicate'], /^nogil: unknown command 'frobnicate' \(see nogil --help\)$/],
    [['--frobnicate'], /^nogil: unknown option '--frobnicate' \(see nogil --help\)$/],
  ])('nogil %j exits 2 with one line on stderr', (args, message) => {
    const r = nogil(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});
