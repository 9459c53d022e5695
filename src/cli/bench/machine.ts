// The machine a run was measured on (API.md item 24: cpu, cores, node, rust?, python?).
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

/** The machine block of the JSON. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly rust?: string;
  readonly python?: string;
  readonly os: string;
  readonly memoryGiB: number;
  /** The 1-minute load average when the run started: above `cores`, others competed for the CPUs. */
  readonly loadAverage: number;
}

/** `rustc --version` when a Rust toolchain is on PATH (it built the addon in a checkout). */
function rustVersion(): string | undefined {
  const r = spawnSync('rustc', ['--version'], { encoding: 'utf8', timeout: 3000 });
  return r.status === 0 ? r.stdout.trim().split(' ')[1] : undefined;
}

/** Describes this machine; `python` is the version the python backend reported. */
export function describeMachine(python: string | undefined, load = loadavg()[0] ?? 0): Machine {
  const rust = rustVersion();
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown cpu',
    cores: availableParallelism(),
    node: process.version,
    ...(rust ? { rust } : {}),
    ...(python ? { python } : {}),
    os: `${platform()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: Math.round(load * 100) / 100,
  };
}

/** One line: "AMD EPYC 7B13, 2 cores, Node v20.20.2, Python 3.11.7". */
export function machineLine(m: Machine): string {
  return [
    m.cpu,
    `${m.cores} core${m.cores === 1 ? '' : 's'}`,
    `Node ${m.node}`,
    ...(m.rust ? [`Rust ${m.rust}`] : []),
    ...(m.python ? [`Python ${m.python}`] : []),
  ].join(', ');
}
