// Running the built `nogil` command in tests, and checking files it writes.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { repoRoot } from '../helpers/node-child.js';

/** The built command. */
export const bin = join(repoRoot, 'dist', 'cli', 'main.js');

/** Runs `nogil ...args` to completion (synchronously: these runs are short). */
export function nogil(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000,
  });
}

/** Runs `nogil ...args` without blocking the test's event loop. */
export function nogilAsync(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Whether `text` is well-formed XML (the SVG, and the HTML page, which is written as polyglot markup). */
export function wellFormed(text: string): true | string {
  const result = XMLValidator.validate(text.replace(/^<!DOCTYPE html>/, ''));
  return result === true ? true : JSON.stringify(result.err);
}

/** The values of `data-series` of each chart in an SVG/HTML text, chart by chart. */
export function seriesPerChart(text: string): string[][] {
  // Each chart is an <svg role="img">; the document that stacks them has no role.
  const charts = text.split(/ role="img" /).slice(1);
  return charts.map((chart) =>
    [...chart.matchAll(/<g class="series" data-series="([^"]+)">/g)].map((m) => m[1] as string),
  );
}

/** The executor backends whose class this build of nogil/futures exports (all of them once merged). */
export async function executorBackends(): Promise<string[]> {
  const futures = (await import('nogil/futures')) as Record<string, unknown>;
  const classes: Array<[string, string]> = [
    ['native', 'NativePoolExecutor'],
    ['threads', 'ThreadPoolExecutor'],
    ['processes', 'ProcessPoolExecutor'],
  ];
  return classes.filter(([, cls]) => typeof futures[cls] === 'function').map(([name]) => name);
}
