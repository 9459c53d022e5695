// A small SVG line-chart writer (no dependency: the charting libraries that render SVG in Node
// without a browser or canvas, such as Vega, bring dozens of packages for two line charts).
// Output is deterministic, well-formed XML, one <g class="series" data-series="NAME"> per series.

/** One line of points. */
export interface Series {
  readonly name: string;
  readonly colour: string;
  readonly points: ReadonlyArray<readonly [x: number, y: number]>;
}

/** A chart to draw. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Logarithmic x axis (task sizes). */
  readonly xLog?: boolean;
  /** Where the x ticks go (also the x domain's ends). */
  readonly xTicks: readonly number[];
  readonly xTickLabel?: (x: number) => string;
  readonly series: readonly Series[];
  /** Horizontal reference lines, e.g. y = 1 "serial". */
  readonly refLines?: ReadonlyArray<{ readonly y: number; readonly label: string }>;
  /** A dashed reference curve, e.g. the ideal speedup the makespan bound allows. */
  readonly refCurve?: { readonly label: string; readonly points: ReadonlyArray<readonly [x: number, y: number]> };
  readonly width?: number;
  readonly height?: number;
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const num = (x: number) => (Math.round(x * 10) / 10).toString();

/** About `count` round tick values covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step);
  if ((ticks[ticks.length - 1] as number) < max) ticks.push((ticks[ticks.length - 1] as number) + step);
  return ticks;
}

/** Draws one chart as an <svg> element (with its xmlns), `x`/`y` placing it inside another. */
export function chartSvg(spec: ChartSpec, place?: { x: number; y: number }): string {
  const W = spec.width ?? 720;
  const H = spec.height ?? 380;
  const m = { left: 60, right: 170, top: 40, bottom: 50 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xs = spec.xTicks.length > 0 ? spec.xTicks : [0, 1];
  const tx = (x: number) => (spec.xLog ? Math.log10(x) : x);
  const x0 = tx(Math.min(...xs));
  const x1 = tx(Math.max(...xs));
  // 4% padding on both sides, so that points on the first and last tick clear the axes.
  const sx = (x: number) => m.left + (x1 === x0 ? pw / 2 : pw * (0.04 + (0.92 * (tx(x) - x0)) / (x1 - x0)));
  const ys = [
    ...spec.series.flatMap((s) => s.points.map((p) => p[1])),
    ...(spec.refLines ?? []).map((r) => r.y),
    ...(spec.refCurve?.points ?? []).map((p) => p[1]),
  ];
  const yTicks = niceTicks(Math.max(1, ...ys.filter(Number.isFinite)) * 1.05);
  const yMax = yTicks[yTicks.length - 1] as number;
  const sy = (y: number) => m.top + ph - (Math.max(0, Math.min(y, yMax)) / yMax) * ph;
  const label = spec.xTickLabel ?? ((x: number) => String(x));
  const parts: string[] = [];
  const pos = place ? ` x="${place.x}" y="${place.y}"` : '';
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg"${pos} width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(spec.title)}">`,
  );
  parts.push(`<title>${escapeXml(spec.title)}</title>`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(
    `<text x="${m.left}" y="24" font-family="sans-serif" font-size="15" font-weight="bold" fill="#222">${escapeXml(spec.title)}</text>`,
  );
  // Grid and axes.
  parts.push('<g class="axes" font-family="sans-serif" font-size="11" fill="#444">');
  for (const t of yTicks) {
    const y = num(sy(t));
    parts.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    parts.push(
      `<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(String(t))}</text>`,
    );
  }
  for (const t of xs) {
    const x = num(sx(t));
    parts.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${escapeXml(label(t))}</text>`);
  }
  parts.push(
    `<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#888"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#888"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle" font-size="12">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(spec.yLabel)}</text>`,
    '</g>',
  );
  for (const r of spec.refLines ?? []) {
    const y = num(sy(r.y));
    parts.push(
      `<g class="ref"><line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#333" stroke-dasharray="5 4"/>` +
        `<text x="${m.left + pw - 4}" y="${num(sy(r.y) - 5)}" text-anchor="end" font-family="sans-serif" font-size="11" fill="#333">${escapeXml(r.label)}</text></g>`,
    );
  }
  if (spec.refCurve && spec.refCurve.points.length > 1) {
    const pts = [...spec.refCurve.points].sort((a, b) => a[0] - b[0]);
    const last = pts[pts.length - 1] as readonly [number, number];
    parts.push(
      `<g class="ref"><polyline points="${pts.map(([x, y]) => `${num(sx(x))},${num(sy(y))}`).join(' ')}" fill="none" stroke="#999" stroke-width="1.5" stroke-dasharray="2 3"/>` +
        `<text x="${num(sx(last[0]) - 4)}" y="${num(sy(last[1]) - 6)}" text-anchor="end" font-family="sans-serif" font-size="11" fill="#666">${escapeXml(spec.refCurve.label)}</text></g>`,
    );
  }
  spec.series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    const coords = pts.map(([x, y]) => `${num(sx(x))},${num(sy(y))}`);
    parts.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    if (coords.length > 1) {
      parts.push(`<polyline points="${coords.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
    }
    for (const [x, y] of pts) {
      parts.push(
        `<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="3.5" fill="${s.colour}"><title>${escapeXml(`${s.name}: ${label(x)}, ${y.toFixed(2)}`)}</title></circle>`,
      );
    }
    const ly = m.top + 8 + i * 18;
    parts.push(
      `<line x1="${m.left + pw + 16}" y1="${ly}" x2="${m.left + pw + 36}" y2="${ly}" stroke="${s.colour}" stroke-width="3"/>`,
      `<text x="${m.left + pw + 42}" y="${ly}" dominant-baseline="middle" font-family="sans-serif" font-size="12" fill="#222">${escapeXml(s.name)}</text>`,
    );
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Several charts stacked in one SVG document. */
export function svgDocument(charts: readonly ChartSpec[]): string {
  const W = Math.max(720, ...charts.map((c) => c.width ?? 720));
  let y = 0;
  const inner = charts.map((c) => {
    const s = chartSvg(c, { x: 0, y });
    y += c.height ?? 380;
    return s;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Math.max(y, 1)}" viewBox="0 0 ${W} ${Math.max(y, 1)}">\n${inner.join('\n')}\n</svg>\n`;
}
