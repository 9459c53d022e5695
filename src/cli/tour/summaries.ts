// The one line after each example: what its live output shows, computed from that output
// (and, where a comparison needs it, from a serial run measured here). Never canned figures.
import { availableParallelism } from 'node:os';
import * as js from '../../native/js.js';

/** What an example printed, and how long it took. */
export interface Ran {
  /** stdout, line by line. */
  readonly lines: readonly string[];
  readonly errLines: readonly string[];
  readonly ms: number;
  readonly code: number | null;
}

const num = (s: string | undefined) => (s === undefined ? Number.NaN : Number(s));
const find = (lines: readonly string[], re: RegExp) => {
  for (const line of lines) {
    const m = re.exec(line);
    if (m) return m;
  }
  return null;
};
const secs = (s: number) => `${s.toFixed(3)} s`;

function counterRace(r: Ran, where: string): string {
  const counts = r.lines.filter((l) => /^\d+$/.test(l.trim())).map(Number);
  const [racy, locked] = counts;
  if (racy === undefined || locked === undefined) return 'expected two counts';
  const expected = 5 * 100_000;
  const lost = expected - racy;
  const first =
    lost > 0
      ? `without the lock ${lost} of ${expected} updates were lost on ${where} (count ${racy})`
      : `without the lock this run happened to lose no update on ${where} (the race is timing luck)`;
  const second =
    locked === expected
      ? `with it the count is exactly ${locked}`
      : `with it the count was ${locked} (expected ${expected})`;
  return `${first}; ${second}.`;
}

/** Earlier examples' runs, by path. */
type Before = ReadonlyMap<string, Ran>;
type Summary = (r: Ran, before: Before) => string;

/** The seconds an example's `Time was X s` line reports. */
const timeWas = (r: Ran | undefined) => num(r && find(r.lines, /^Time was ([\d.]+) s/)?.[1]);

/** "1.62 times faster than the serial run above (0.494 s -> 0.305 s)", from two runs' times. */
function versusSerial(seconds: number, before: Before): string {
  const serial = timeWas(before.get('examples/futures/gcd-serial.mjs'));
  if (!Number.isFinite(serial) || !Number.isFinite(seconds)) return `in ${secs(seconds)}`;
  const x = serial / seconds;
  const how = x >= 1 ? `${x.toFixed(2)} times faster than` : `${(1 / x).toFixed(2)} times slower than`;
  return `${how} the serial loop above (${secs(serial)} -> ${secs(seconds)})`;
}

/** The pool size of a futures example: its constructor's maxWorkers, else one per core. */
function gcdPool(name: string, workers: string, cores: string): Summary {
  return (r, before) =>
    `${name}(${workers || cores}) ran the 12 pairs ${versusSerial(timeWas(r), before)}, its start-up included (the notebook times it so); results ${find(r.lines, /^\[(.*)\]$/)?.[1]}.`;
}

/** The summaries by example path. */
export const SUMMARIES: Readonly<Record<string, Summary>> = {
  'examples/subprocess/echo-child.mjs': (r) =>
    `the child's stdout came back through a pipe: "${r.lines.find((l) => l.trim() !== '') ?? ''}".`,
  'examples/subprocess/parallel-sleep.mjs': (r) => {
    const done = num(find(r.lines, /^Done ([\d.]+)/)?.[1]);
    const statuses = find(r.lines, /^\[(.*)\]$/)?.[1]?.split(', ') ?? [];
    return `${statuses.length} children sleeping 0.5 s each finished together in ${secs(done)} (one after another: ${statuses.length * 0.5} s); exit statuses ${[...new Set(statuses)].join(', ')}.`;
  },
  'examples/subprocess/openssl-parallel.mjs': (r) => {
    const n = r.lines.filter((l) => l.startsWith('Salted__')).length;
    const t = num(find(r.lines, /^Time suming ([\d.]+)/)?.[1]);
    return `${n} openssl children encrypted their stdin in parallel: ${n} ciphertexts in ${secs(t)}.`;
  },
  'examples/subprocess/poll-and-timeout.mjs': (r) => {
    const working = r.lines.filter((l) => l === 'Working...').length;
    const status = find(r.lines, /^Exit status (-?\d+)/)?.[1];
    const timeout = find(r.lines, /^Exit when timeout (-?\d+)/)?.[1];
    return `poll() found the child running ${working} times before it exited with status ${status}; the \`sleep 10\` cut off after 100 ms was terminated: exit status ${timeout} (SIGTERM).`;
  },
  'examples/subprocess/openssl-md5-pipeline.mjs': (r) => {
    const digests = r.lines.filter((l) => /^[0-9a-f]{32}$/.test(l)).length;
    const t = num(find(r.lines, /^Time suming ([\d.]+)/)?.[1]);
    return `${digests} md5sum children read ${digests} openssl children's output straight from their pipes (no JavaScript in between): ${digests} digests in ${secs(t)}.`;
  },
  'examples/threading/factorize.mjs': (r) => {
    const t = num(find(r.lines, /^Time consuming([\d.]+)/)?.[1]);
    const numbers = [12342, 1235456, 7832487, 33244, 132412, 2341, 213412, 124];
    const start = performance.now();
    for (const n of numbers) js.factorize(n);
    const serial = (performance.now() - start) / 1000;
    const threads = r.lines.filter((l) => l.startsWith('Factors:')).length;
    const verdict =
      t < serial
        ? `${(serial / t).toFixed(2)} times faster than the same loop serially here (${secs(serial)})`
        : `slower than the same loop serially here (${secs(serial)}): for work this small, starting ${threads} worker threads costs more than it saves`;
    return `${threads} numbers factorized on ${threads} worker threads in ${secs(t)}, ${verdict}.`;
  },
  'examples/futures/factorize-thread-pool.mjs': (r, before) => {
    const t = num(find(r.lines, /^Time consuming([\d.]+)/)?.[1]);
    const threads = num(
      find(before.get('examples/threading/factorize.mjs')?.lines ?? [], /^Time consuming([\d.]+)/)?.[1],
    );
    const same = Number.isFinite(threads) ? `; with one Thread per number above it took ${secs(threads)}` : '';
    return `the same 8 numbers on a ThreadPoolExecutor(8): factors in input order, in ${secs(t)}${same}.`;
  },
  'examples/futures/gcd-serial.mjs': (r) =>
    `the 12 pairs one after the other on the main thread: ${secs(timeWas(r))} (the baseline of the pools below).`,
  'examples/futures/gcd-thread-pool.mjs': gcdPool('ThreadPoolExecutor', '2', ''),
  'examples/futures/gcd-process-pool.mjs': gcdPool('ProcessPoolExecutor', '', String(availableParallelism())),
  'examples/futures/gcd-native-pool.mjs': gcdPool('NativePoolExecutor', '', String(availableParallelism())),
  'examples/threading/blocking-io.mjs': (r) => {
    const t = num(find(r.lines, /^Time consuming([\d.]+)/)?.[1]);
    return t < 0.4
      ? `5 threads each blocked 0.1 s in a system call and finished together in ${secs(t)}, not the 0.5 s of one after another.`
      : `5 threads each blocked 0.1 s, and took ${secs(t)} in all: starting the worker threads cost more than the waits on this machine.`;
  },
  'examples/threading/counter-race.mjs': (r) => counterRace(r, 'worker threads'),
  'examples/native/counter-race.mjs': (r) => counterRace(r, 'native OS threads'),
  'examples/queue/handoff.mjs': (r) => {
    const order = r.lines.filter((l) => l !== '');
    const waitedFirst = order.indexOf('Consumer waiting') < order.indexOf('Consumer done');
    const backPressure = order.indexOf('Consumer got 1') < order.indexOf('Producer put 2');
    return `get() ${waitedFirst ? 'waited until the item arrived' : 'did not wait'}; with Queue(1) the second put() ${backPressure ? 'waited until the consumer had taken the first item' : 'did not wait'}.`;
  },
  'examples/queue/pipeline.mjs': (r) => {
    const finished = num(find(r.lines, /^(\d+) items finished/)?.[1]);
    const stopped = r.lines.filter((l) => /worker stopped after/.test(l));
    const counts = stopped.map((l) => /after (\d+)/.exec(l)?.[1]);
    return `${finished} items went download -> resize -> upload; closing each queue stopped its worker after ${[...new Set(counts)].join(', ')} items (${stopped.length} workers).`;
  },
  'examples/native/gcd-pool.mjs': (r) => {
    const serial = num(find(r.lines, /^Serial time was ([\d.]+)/)?.[1]);
    const m = find(r.lines, /^NativePool\((\d+)\) time was ([\d.]+)/);
    const pool = num(m?.[2]);
    const x = serial / pool;
    const how = x >= 1 ? `${x.toFixed(2)} times faster than` : `${(1 / x).toFixed(2)} times slower than`;
    return `NativePool(${m?.[1]}) ran the 12 pairs ${how} the serial loop (${secs(serial)} -> ${secs(pool)}), on OS threads of this process.`;
  },
};

/** The tutorial's Python (section 5): its serial, thread-pool and process-pool times, against nogil's pools above. */
export function pythonSummary(r: Ran, before: Before = new Map()): string {
  const serial = num(find(r.lines, /^Python serial: took ([\d.]+)/)?.[1]);
  const threads = find(r.lines, /^Python ThreadPoolExecutor\(max_workers=(\d+)\): took ([\d.]+)/);
  const processes = find(r.lines, /^Python ProcessPoolExecutor\(max_workers=(\d+)\): took ([\d.]+)/);
  const t = num(threads?.[2]);
  const p = num(processes?.[2]);
  const gain = (x: number) => serial / x;
  const threadWords =
    gain(t) < 1.1
      ? `did not speed it up (${gain(t).toFixed(2)}x: the GIL runs one thread at a time)`
      : `sped it up ${gain(t).toFixed(2)}x`;
  let text = `Python's ThreadPoolExecutor(${threads?.[1]}) ${threadWords}; its ProcessPoolExecutor(${processes?.[1]}) ran ${gain(p).toFixed(2)}x faster than serial (${secs(serial)} -> ${secs(p)}).`;
  const jsSerial = timeWas(before.get('examples/futures/gcd-serial.mjs'));
  const nogil = (
    [
      ['ThreadPoolExecutor', 'examples/futures/gcd-thread-pool.mjs'],
      ['NativePoolExecutor', 'examples/futures/gcd-native-pool.mjs'],
    ] as const
  )
    .map(([name, file]) => [name, jsSerial / timeWas(before.get(file))] as const)
    .filter(([, x]) => Number.isFinite(x));
  if (nogil.length > 0) {
    text += ` nogil's ${nogil.map(([name, x]) => `${name} ${x.toFixed(2)}x`).join(' and ')} (over the JS serial loop above).`;
  }
  return text;
}

/** A summary for an example without its own (a new futures example): how it ended. */
export function genericSummary(r: Ran): string {
  return `ran in ${secs(r.ms / 1000)}${r.code === 0 ? '' : `, exit status ${r.code}`}.`;
}
