// Number formatting and text-table layout shared by the stdout table, Markdown and HTML.
import type { CellResult } from '../results.js';

/** Milliseconds with sensible precision: 0.042, 4.21, 131.5, 4,061. */
export function fmtMs(ms: number): string {
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 1000) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

/** A speedup: 1.67x. */
export const fmtX = (x: number) => `${x.toFixed(2)}x`;

/** An efficiency as a percentage: 98%. */
export const fmtPct = (x: number) => `${Math.round(x * 100)}%`;

/** "2 workers". */
export const workersText = (n: number) => `${n} worker${n === 1 ? '' : 's'}`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC of colour codes is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/** Length as the terminal shows it (colour codes take no room). */
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** Lays rows out in aligned columns: `align` per column ('l' or 'r'); two spaces between. */
export function layout(header: string[], rows: string[][], align: ReadonlyArray<'l' | 'r'>, indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const pad = (s: string, i: number) => {
    const room = (widths[i] ?? 0) - visibleLength(s);
    return align[i] === 'r' ? ' '.repeat(room) + s : s + ' '.repeat(room);
  };
  const line = (cells: string[]) => indent + cells.map(pad).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Cells in display order: by backend (as --backends lists them), then workers. */
export function ordered(cells: readonly CellResult[], order: readonly string[]): CellResult[] {
  const rank = (c: CellResult) => {
    const i = order.indexOf(c.family);
    const sub = c.backend === 'python-serial' ? 0 : c.backend === 'python-threads' ? 1 : 2;
    return (i < 0 ? order.length : i) * 10 + (c.family === 'python' ? sub : 0);
  };
  return [...cells].sort((a, b) => rank(a) - rank(b) || a.workers - b.workers);
}

/** The workload instances of `results`, in run order, with their cells. */
export function byKey(results: readonly CellResult[]): Array<[key: string, cells: CellResult[]]> {
  const map = new Map<string, CellResult[]>();
  for (const r of results) {
    const list = map.get(r.key);
    if (list) list.push(r);
    else map.set(r.key, [r]);
  }
  return [...map];
}

/** Wraps `text` at `width` columns, each line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/ +/)) {
    if (line === '') line = (lines.length === 0 ? lead : indent) + word;
    else if (visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = indent + word;
    } else line = `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
