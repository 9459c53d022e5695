// --html: one self-contained page (no scripts, no external resources): the answer, a table per
// workload, the charts inline, the machine and the command. Written as polyglot markup (it is
// also well-formed XML), so tests can parse it strictly.
import { machineLine } from '../machine.js';
import { BACKENDS } from '../options.js';
import { beatsSerial, type CellResult } from '../results.js';
import { formatUs } from '../workloads.js';
import { chartsOf } from './charts.js';
import { byKey, fmtMs, fmtPct, fmtX, ordered } from './format.js';
import type { BenchReport } from './report.js';
import { chartSvg, escapeXml as esc } from './svg.js';

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.meta { color: #555; font-size: 0.95rem; }
code { background: #f3f3f3; padding: 0.1rem 0.3rem; border-radius: 3px; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.92rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.25rem 0.7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f7f7f7; }
td.win { color: #137333; font-weight: 600; }
td.lose { color: #a50e0e; }
.answer p { background: #f6f9ff; border-left: 4px solid #4a7bd0; margin: 0.5rem 0; padding: 0.5rem 0.8rem; }
.note { color: #8a5a00; }
figure { margin: 1rem 0; }
svg { max-width: 100%; height: auto; }
`;

function cellTable(cells: readonly CellResult[], all: readonly CellResult[]): string {
  const head = ['backend', 'workers', 'median ms', 'min … max ms', 'speedup', 'efficiency', 'bound ms', 'runs'];
  const rows = ordered(cells, BACKENDS).map((r) => {
    const cls = r.serial ? '' : beatsSerial(r, all) ? ' class="win"' : ' class="lose"';
    const speed = r.runs > 1 && !r.serial ? `${fmtX(r.speedup)} ± ${r.speedupError.toFixed(2)}` : fmtX(r.speedup);
    return `<tr><td>${esc(r.backend)}</td><td>${r.workers}</td><td>${fmtMs(r.medianMs)}</td><td>${fmtMs(r.minMs)} … ${fmtMs(r.maxMs)}</td><td${cls}>${speed}</td><td>${fmtPct(r.efficiency)}</td><td>${fmtMs(r.boundMs)}</td><td>${r.runs}</td></tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function crossoverTable(report: BenchReport): string {
  const cells = report.results.filter((r) => r.workload === 'crossover');
  const sizes = [...new Set(cells.map((r) => r.taskUs ?? 0))].sort((a, b) => a - b);
  const rows = report.crossover.map((p) => {
    const tds = sizes.map((s) => {
      const c = cells.find((r) => r.backend === p.backend && r.taskUs === s);
      if (!c) return '<td>-</td>';
      return `<td${beatsSerial(c, report.results) ? ' class="win"' : ''}>${fmtX(c.speedup)}</td>`;
    });
    const from =
      p.paysOffFromUs === null
        ? '<td class="lose">never</td>'
        : `<td class="win">${esc(formatUs(p.paysOffFromUs))}</td>`;
    return `<tr><td>${esc(p.backend)}</td>${tds.join('')}${from}</tr>`;
  });
  const head = ['backend', ...sizes.map(formatUs), 'pays off from'];
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The page. */
export function reportHtml(report: BenchReport, answer: readonly string[]): string {
  const charts = chartsOf(report);
  const chartFor = (title: string) => charts.find((c) => c.title.startsWith(title));
  const sections: string[] = [];
  for (const [key, cells] of byKey(report.results)) {
    if (key.startsWith('crossover@')) continue;
    const first = cells[0] as CellResult;
    const chart = chartFor(`${first.workload}: `);
    sections.push(
      `<section><h2>${esc(first.workload)}: ${esc(first.title)}</h2>\n${cellTable(cells, report.results)}\n` +
        (chart ? `<figure>${chartSvg(chart)}</figure>` : '') +
        '</section>',
    );
  }
  if (report.crossover.length > 0) {
    const chart = chartFor('crossover');
    sections.push(
      `<section><h2>crossover: from which task size does each backend pay off?</h2>\n${crossoverTable(report)}\n` +
        (chart ? `<figure>${chartSvg(chart)}</figure>` : '') +
        '</section>',
    );
  }
  return `<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>nogil bench: ${esc(machineLine(report.machine))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>nogil bench</h1>
<p class="meta">${esc(machineLine(report.machine))}; ${esc(report.machine.os)}, ${report.machine.memoryGiB} GiB; load average ${report.machine.loadAverage} at the start; ${esc(report.startedAt)}, ${report.durationS.toFixed(0)} s.<br />Command: <code>${esc(report.command)}</code></p>
<div class="answer">
${answer.map((a) => `<p>${esc(a)}</p>`).join('\n')}
</div>
${report.notes.map((n) => `<p class="note">Note: ${esc(n)}</p>`).join('\n')}
${sections.join('\n')}
<p class="meta">speedup: serial median / median, over the serial run of the same kernel language (serial-js for threads, processes, piscina, fork; serial-native for native; python-serial for Python). efficiency: makespan bound / median, the bound being the fastest any schedule of these tasks on that many workers could be. Every cell is the median of its runs after a warm-up, contenders alternating round by round.</p>
</body>
</html>
`;
}
