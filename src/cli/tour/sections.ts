// The tour: the tutorial's five sections (its README lists them) and the examples/ that replay
// each, in the notebook's order. (examples/futures/gcd.mjs is the shared module of the gcd
// examples, not an example: it prints nothing.)

/** One section of the tutorial. */
export interface Section {
  readonly n: number;
  readonly title: string;
  /** What the notebook shows, in a line. */
  readonly intro: string;
  /** Example files, relative to the package root. */
  readonly examples: readonly string[];
  /** Whether the tutorial's own Python runs at the end of the section. */
  readonly python?: boolean;
}

/** The sections, in order. */
export const SECTIONS: readonly Section[] = [
  {
    n: 1,
    title: 'subprocess: children, pipes, polling, timeouts',
    intro: 'Child processes run in parallel with us and with each other; their output comes back through pipes.',
    examples: [
      'examples/subprocess/echo-child.mjs',
      'examples/subprocess/parallel-sleep.mjs',
      'examples/subprocess/openssl-parallel.mjs',
      'examples/subprocess/poll-and-timeout.mjs',
      'examples/subprocess/openssl-md5-pipeline.mjs',
    ],
  },
  {
    n: 2,
    title: 'threads for blocking I/O (and, in nogil, for CPU work)',
    intro:
      "In Python the GIL lets threads overlap only blocking calls; nogil's threads are worker_threads on real cores.",
    examples: [
      'examples/threading/factorize.mjs',
      'examples/futures/factorize-thread-pool.mjs',
      'examples/threading/blocking-io.mjs',
    ],
  },
  {
    n: 3,
    title: 'locks: a counter race, and the Lock that fixes it',
    intro:
      '5 threads x 100000 increments of one counter, started together by a Barrier: without a lock updates are lost.',
    examples: ['examples/threading/counter-race.mjs', 'examples/native/counter-race.mjs'],
  },
  {
    n: 4,
    title: 'queues: hand-off, back-pressure, a closable pipeline',
    intro: 'Queues hand items between threads; a bounded one makes the producer wait; closing one stops its worker.',
    examples: ['examples/queue/handoff.mjs', 'examples/queue/pipeline.mjs'],
  },
  {
    n: 5,
    title: 'concurrent.futures: the brute-force gcd of 12 pairs',
    intro: 'Serial, then on a thread pool (no gain in Python: the GIL), then on a process pool.',
    examples: [
      'examples/futures/gcd-serial.mjs',
      'examples/futures/gcd-thread-pool.mjs',
      'examples/futures/gcd-process-pool.mjs',
      'examples/futures/gcd-native-pool.mjs',
      'examples/native/gcd-pool.mjs',
    ],
    python: true,
  },
];
