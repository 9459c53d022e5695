// --compare OLD.json: per-cell changes, exit 1 only when a backend got slower beyond the noise
// of both runs. The runs here are short serial ones; OLD files are a real run's JSON with its
// times scaled, so the verdicts are known in advance.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nogil } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nogil-compare-test-'));
// Serial runs of ~4 ms: steady enough that x5 is far outside the noise.
const args = ['bench', '--workload', 'gcd', '--scale', '0.05', '--backends', 'serial-js,serial-native', '--runs', '5'];
let base: { results: Array<Record<string, number>> };

beforeAll(() => {
  const r = nogil([...args, '--json', join(dir, 'base.json')]);
  expect(r.status).toBe(0);
  base = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The base run with every time multiplied by `factor`, written to a file. */
function scaled(factor: number): string {
  const file = join(dir, `x${factor}.json`);
  const results = base.results.map((c) => ({
    ...c,
    medianMs: (c.medianMs as number) * factor,
    minMs: (c.minMs as number) * factor,
    maxMs: (c.maxMs as number) * factor,
  }));
  writeFileSync(file, JSON.stringify({ ...base, results }));
  return file;
}

describe('nogil bench --compare', () => {
  it('exits 1 and names the backend when the new run is slower beyond both runs’ noise', () => {
    // Factors far beyond any noise, even on a loaded machine (load spikes of 3-5x occur).
    const old = scaled(0.02); // the old run was 50 times faster
    const r = nogil([...args, '--compare', old]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`Compared with ${old}`);
    expect(r.stdout).toMatch(/^ {2}gcd\s+serial-js\s+1\s+[\d.]+\s+[\d.]+\s+\+\d+\.\d%\s+slower$/m);
    expect(r.stdout).toMatch(/Slower beyond the noise of both runs: serial-js, serial-native/);
  });

  it('exits 0 when the new run is faster, or within the noise', () => {
    const faster = nogil([...args, '--compare', scaled(50)]);
    expect(faster.status).toBe(0);
    expect(faster.stdout).toMatch(/serial-js\s+1\s+[\d.,]+\s+[\d.,]+\s+-\d+\.\d%\s+faster$/m);
    expect(faster.stdout).toContain('No backend got slower beyond the noise of both runs.');
    // A range that covers anything the new run can do: no verdict but "within noise".
    const file = join(dir, 'wide.json');
    const results = base.results.map((c) => ({ ...c, minMs: 0, maxMs: 1e9 }));
    writeFileSync(file, JSON.stringify({ ...base, results }));
    const same = nogil([...args, '--compare', file]);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/serial-native\s+1\s+[\d.,]+\s+[\d.,]+\s+[-+]\d+\.\d%\s+within noise$/m);
  });

  it('refuses a file that is not a bench --json file with exit 2, before running', () => {
    const file = join(dir, 'junk.json');
    writeFileSync(file, JSON.stringify({ results: [{ backend: 'x' }] }));
    const r = nogil([...args, '--compare', file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `nogil: --compare: ${file} is not a nogil bench --json file (no valid "results" array)`,
    );
  });
});
