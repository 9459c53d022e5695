// --markdown: the tables, paste-ready for BENCHMARKS.md (as hyperfine's --export-markdown),
// with the machine, the command and the answer.
import { machineLine } from '../machine.js';
import { BACKENDS } from '../options.js';
import type { CellResult } from '../results.js';
import { formatUs } from '../workloads.js';
import { byKey, fmtMs, fmtPct, fmtX, ordered } from './format.js';
import type { BenchReport } from './report.js';

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
/** The separator row: the first column left-aligned, the figures right-aligned. */
const rule = (n: number) => `|:---|${'---:|'.repeat(n - 1)}`;

/** The Markdown text. */
export function reportMarkdown(report: BenchReport, answer: readonly string[]): string {
  const out: string[] = [];
  out.push(
    `Machine: ${machineLine(report.machine)} (load average ${report.machine.loadAverage} at the start). ` +
      `Command: \`${report.command}\`.`,
    '',
  );
  for (const [key, cells] of byKey(report.results)) {
    if (key.startsWith('crossover@')) continue;
    const first = cells[0] as CellResult;
    out.push(`**${first.workload}**: ${first.title}`, '');
    out.push(row(['backend', 'workers', 'median ms', 'min ms', 'max ms', 'speedup', 'efficiency', 'bound ms', 'runs']));
    out.push(rule(9));
    for (const r of ordered(cells, BACKENDS)) {
      out.push(
        row([
          `\`${r.backend}\``,
          String(r.workers),
          fmtMs(r.medianMs),
          fmtMs(r.minMs),
          fmtMs(r.maxMs),
          r.runs > 1 && !r.serial ? `${fmtX(r.speedup)} ± ${r.speedupError.toFixed(2)}` : fmtX(r.speedup),
          fmtPct(r.efficiency),
          fmtMs(r.boundMs),
          String(r.runs),
        ]),
      );
    }
    out.push('');
  }
  if (report.crossover.length > 0) {
    const cells = report.results.filter((r) => r.workload === 'crossover');
    const sizes = [...new Set(cells.map((r) => r.taskUs ?? 0))].sort((a, b) => a - b);
    out.push(
      `**crossover**: speedup over serial by serial work per task (${report.crossover[0]?.workers} workers)`,
      '',
    );
    out.push(row(['backend', ...sizes.map(formatUs), 'pays off from']));
    out.push(rule(sizes.length + 2));
    for (const p of report.crossover) {
      const speedups = sizes.map((s) => {
        const c = cells.find((r) => r.backend === p.backend && r.taskUs === s);
        return c ? fmtX(c.speedup) : '-';
      });
      out.push(row([`\`${p.backend}\``, ...speedups, p.paysOffFromUs === null ? 'never' : formatUs(p.paysOffFromUs)]));
    }
    out.push('');
  }
  for (const line of answer) out.push(line, '');
  for (const note of report.notes) out.push(`Note: ${note}`, '');
  return `${out.join('\n').trimEnd()}\n`;
}
