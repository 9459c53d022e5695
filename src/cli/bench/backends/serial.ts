// The serial baselines: every task in a loop on the main thread, in plain JavaScript
// (`serial-js`) or through the native kernels (`serial-native`).
import { checksumOf, runKernel } from '../kernels.js';
import type { Args, Kernel, Workload } from '../workloads.js';
import type { Backend, Cell, CellSettings, Language } from './types.js';
import { perTaskTimes } from './types.js';

type Call = (kernel: Kernel, args: Args) => unknown;

function serialCell(
  name: 'serial-js' | 'serial-native',
  language: Language,
  call: Call,
  workload: Workload,
  settings: CellSettings,
): Cell {
  const { kernel, args } = workload;
  return {
    backend: name,
    family: name,
    language,
    workers: 1,
    serial: true,
    workload,
    runs: settings.runs,
    warmup: settings.warmup,
    async run() {
      const out = new Array<unknown>(args.length);
      const t = performance.now();
      for (let i = 0; i < args.length; i++) out[i] = call(kernel, args[i] as Args);
      const ms = performance.now() - t;
      return { ms, checksum: checksumOf(out) };
    },
    async perTaskMs() {
      return perTaskTimes(args.length, (i) => call(kernel, args[i] as Args));
    },
  };
}

/** `serial-js`: the plain-JS kernels in a loop. */
export function serialJsBackend(): Backend {
  return {
    name: 'serial-js',
    async open() {
      return null;
    },
    cells: (workload, _workers, settings) => [serialCell('serial-js', 'js', runKernel, workload, settings)],
    async close() {},
    kill() {},
  };
}

/** `serial-native`: the native kernels in a loop (on the calling thread). */
export function serialNativeBackend(): Backend {
  let call: Call | undefined;
  return {
    name: 'serial-native',
    async open() {
      const native = await import('../../../native/index.js');
      if (!native.nativeAvailable()) return `the native addon did not load (${firstLine(native.nativeLoadError())})`;
      const kernels: Record<Kernel, (...a: number[]) => unknown> = {
        bruteGcd: native.bruteGcd,
        gcd: native.gcd,
        factorize: native.factorize,
        sleep: native.sleep,
      };
      call = (kernel, args) => kernels[kernel](...args);
      return null;
    },
    cells: (workload, _workers, settings) => {
      if (!call) throw new Error('serial-native: open() first');
      return [serialCell('serial-native', 'native', call, workload, settings)];
    },
    async close() {},
    kill() {},
  };
}

/** The first line of an error's message. */
export function firstLine(error: unknown): string {
  return String((error as Error | null)?.message ?? error).split('\n')[0] ?? '';
}
