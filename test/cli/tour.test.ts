// `nogil tour`: each example's heading, source, live output and the line on what it showed.
import { describe, expect, it } from 'vitest';
import { pythonSummary } from '../../dist/cli/tour/summaries.js';
import { nogilAsync } from './cli-helpers.js';

describe('nogil tour', () => {
  it('--section 3: the counter race loses updates without the lock, is exact with it', async () => {
    const r = await nogilAsync(['tour', '--section', '3']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('3. locks: a counter race, and the Lock that fixes it');
    expect(r.stdout).not.toContain('\n1. subprocess');
    for (const file of ['examples/threading/counter-race.mjs', 'examples/native/counter-race.mjs']) {
      expect(r.stdout).toContain(`▸ ${file}`);
    }
    // The source being run, without its header comment.
    expect(r.stdout).toContain("    import { Barrier, Thread, Value } from 'nogil/threading';");
    expect(r.stdout).not.toContain('// Tutorial section 3');
    // Live output: the two counts, as digits.
    expect(r.stdout).toMatch(/│ \d+\n {4}│ 500000\n/);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('  → '));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(
        /(updates were lost|happened to lose no update) on .+; with it the count is exactly 500000\.$/,
      );
    }
    // The lost count is the measured one: 500000 minus the printed count.
    const racy = Number(/│ (\d+)\n {4}│ 500000\n/.exec(r.stdout)?.[1]);
    if (racy < 500000) expect(r.stdout).toContain(`without the lock ${500000 - racy} of 500000 updates were lost`);
    expect(r.stdout).toMatch(/Tour done in [\d.]+ s\./);
  });

  it('--section 1: subprocess results as the tutorial prints them', async () => {
    const r = await nogilAsync(['tour', '--section', '1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('│ Hello from the child!');
    expect(r.stdout).toMatch(/│ \[0, 0, 0, 0, 0, 0, 0, 0, 0, 0\]/);
    expect(r.stdout).toContain('│ Exit when timeout -15');
    expect(r.stdout).toMatch(/→ 10 children sleeping 0\.5 s each finished together in \d+\.\d{3} s/);
    expect(r.stdout).toMatch(/→ 126 openssl children encrypted their stdin in parallel: 126 ciphertexts in/);
    expect(r.stdout).toMatch(/terminated: exit status -15 \(SIGTERM\)\./);
    expect(r.stdout).toMatch(/→ 5 md5sum children read 5 openssl children's output/);
    // openssl's warning, repeated by 131 children, is shown once.
    expect(r.stdout.match(/deprecated key derivation used/g)?.length).toBe(2);
    expect(r.stdout).toMatch(/\(stderr: \d+ repeated lines not shown\)/);
  });

  it('--section 5: the gcd pairs on native threads (Python skipped on request)', async () => {
    const r = await nogilAsync(['tour', '--section', '5', '--no-python']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/│ 1, 4, 1, 10, 1, 4, 1, 10, 1, 4, 1, 10\n/);
    expect(r.stdout).toMatch(
      /→ NativePool\(\d+\) ran the 12 pairs \d+\.\d\d times (faster|slower) than the serial loop/,
    );
    expect(r.stdout).toMatch(/→ the 12 pairs one after the other on the main thread: \d+\.\d{3} s/);
    for (const pool of ['ThreadPoolExecutor', 'ProcessPoolExecutor', 'NativePoolExecutor']) {
      expect(r.stdout).toMatch(
        new RegExp(
          `→ ${pool}\\(\\d+\\) ran the 12 pairs \\d+\\.\\d\\d times (faster|slower) than the serial loop above`,
        ),
      );
    }
    expect(r.stdout).toContain("▸ the tutorial's own Python (python3), for comparison\n    skipped (--no-python)");
  });

  it("words the tutorial's Python from its measured times", () => {
    const ran = (threads: string, processes: string) => ({
      lines: [
        'Python serial: took 4.000 seconds',
        `Python ThreadPoolExecutor(max_workers=2): took ${threads} seconds`,
        `Python ProcessPoolExecutor(max_workers=2): took ${processes} seconds`,
        '1, 4, 1, 10, 1, 4, 1, 10, 1, 4, 1, 10',
      ],
      errLines: [],
      ms: 10_000,
      code: 0,
    });
    expect(pythonSummary(ran('4.100', '2.500'))).toBe(
      "Python's ThreadPoolExecutor(2) did not speed it up (0.98x: the GIL runs one thread at a time); " +
        'its ProcessPoolExecutor(2) ran 1.60x faster than serial (4.000 s -> 2.500 s).',
    );
    expect(pythonSummary(ran('2.000', '2.000'))).toContain("Python's ThreadPoolExecutor(2) sped it up 2.00x;");
  });
});
