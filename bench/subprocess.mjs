// Benchmark: nogil/subprocess against raw child_process and CPython's subprocess.
//
//   (a) spawn: 200 concurrent `true` children, run() vs raw spawn() vs Python's Popen+wait
//       (timed inside python3). Also with captured output (pipes) vs raw pipes.
//   (b) throughput: communicate() capturing 1 GiB (`head -c 1G /dev/zero`) vs a raw stream
//       read into chunks + one Buffer.concat; Python's run(capture_output=True) for reference.
//
// Reps alternate between contenders so drift (other load on the machine) hits all of them.
// Run: npm run build:ts && npm run bench:subprocess [-- --reps 15 --gib 1]
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { PIPE, Popen, run } from 'nogil/subprocess';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '15' },
    'io-reps': { type: 'string', default: '5' },
    children: { type: 'string', default: '200' },
    gib: { type: 'string', default: '1' },
  },
});
const REPS = Number(values.reps);
const IO_REPS = Number(values['io-reps']);
const N = Number(values.children);
const BYTES = Math.round(Number(values.gib) * 2 ** 30);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Times `fn` once, in milliseconds. */
async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// ---- (a) spawn cost -------------------------------------------------------------------------

const rawTrue = () =>
  new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', resolve);
  });

const rawEcho = () =>
  new Promise((resolve, reject) => {
    const child = spawn('echo', ['hi'], { stdio: ['inherit', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', () => resolve([Buffer.concat(out), Buffer.concat(err)]));
  });

const PY_SPAWN = `
import json, subprocess, sys, time
reps, n = int(sys.argv[1]), int(sys.argv[2])
times = []
for _ in range(reps + 2):
    t = time.perf_counter()
    procs = [subprocess.Popen(['true']) for _ in range(n)]
    for p in procs:
        p.wait()
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps(times[2:]))
`;

const PY_CAPTURE = `
import json, subprocess, sys, time
reps, size = int(sys.argv[1]), sys.argv[2]
times = []
for _ in range(reps):
    t = time.perf_counter()
    out = subprocess.run(['head', '-c', size, '/dev/zero'], capture_output=True).stdout
    assert len(out) == int(size)
    del out
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps(times))
`;

function python(script, ...args) {
  const r = spawnSync('python3', ['-c', script, ...args.map(String)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout);
}

async function benchSpawn() {
  const times = { run: [], raw: [], runCapture: [], rawCapture: [] };
  for (let i = 0; i < REPS + 2; i++) {
    const order = i % 2 ? ['raw', 'run'] : ['run', 'raw'];
    for (const who of order) {
      const ms = await time(() =>
        Promise.all(Array.from({ length: N }, () => (who === 'run' ? run(['true']) : rawTrue()))),
      );
      if (i >= 2) times[who].push(ms); // 2 warm-up reps
    }
    for (const who of i % 2 ? ['rawCapture', 'runCapture'] : ['runCapture', 'rawCapture']) {
      const ms = await time(() =>
        Promise.all(
          Array.from({ length: N }, () =>
            who === 'runCapture' ? run(['echo', 'hi'], { captureOutput: true }) : rawEcho(),
          ),
        ),
      );
      if (i >= 2) times[who].push(ms);
    }
  }
  const py = python(PY_SPAWN, REPS, N);
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  console.log(`\n(a) ${N} concurrent children, median of ${REPS} reps`);
  console.log(
    `  true, no pipes:  nogil run ${fmt(m.run)} | raw spawn ${fmt(m.raw)} | ratio run/raw ${(m.run / m.raw).toFixed(3)}`,
  );
  if (py) {
    const pm = median(py);
    console.log(`                   python Popen+wait ${fmt(pm)} | ratio python/raw ${(pm / m.raw).toFixed(3)}`);
  } else {
    console.log('                   python3 not available');
  }
  console.log(
    `  echo, captured:  nogil run ${fmt(m.runCapture)} | raw spawn+pipes ${fmt(m.rawCapture)} | ratio ${(m.runCapture / m.rawCapture).toFixed(3)}`,
  );
}

// ---- (b) communicate throughput ---------------------------------------------------------------

async function ours() {
  const p = new Popen(['head', '-c', String(BYTES), '/dev/zero'], { stdout: PIPE });
  const [out] = await p.communicate();
  if (out.length !== BYTES) throw new Error(`short read: ${out.length}`);
}

function raw() {
  return new Promise((resolve, reject) => {
    const child = spawn('head', ['-c', String(BYTES), '/dev/zero'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks = [];
    let length = 0;
    child.stdout.on('data', (chunk) => {
      chunks.push(chunk);
      length += chunk.length;
    });
    child.on('error', reject);
    child.on('close', () => {
      const out = Buffer.concat(chunks, length);
      if (out.length !== BYTES) reject(new Error(`short read: ${out.length}`));
      else resolve();
    });
  });
}

async function benchThroughput() {
  const times = { ours: [], raw: [] };
  for (let i = 0; i < IO_REPS + 1; i++) {
    for (const who of i % 2 ? ['raw', 'ours'] : ['ours', 'raw']) {
      const ms = await time(who === 'ours' ? ours : raw);
      if (i >= 1) times[who].push(ms); // 1 warm-up rep
    }
  }
  const mo = median(times.ours);
  const mr = median(times.raw);
  const gib = BYTES / 2 ** 30;
  console.log(`\n(b) capture ${gib} GiB from head -c, median of ${IO_REPS} reps`);
  console.log(
    `  nogil communicate ${fmt(mo)} (${(gib / (mo / 1000)).toFixed(2)} GiB/s) | raw stream ${fmt(mr)} (${(gib / (mr / 1000)).toFixed(2)} GiB/s) | ratio ${(mo / mr).toFixed(3)}`,
  );
  const py = python(PY_CAPTURE, IO_REPS, BYTES);
  if (py) {
    const pm = median(py);
    console.log(`  python run(capture_output=True) ${fmt(pm)} (${(gib / (pm / 1000)).toFixed(2)} GiB/s)`);
  }
}

const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
console.log(
  `nogil/subprocess bench: node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, ${py.stdout?.trim() || 'no python3'}`,
);
await benchSpawn(); // first: a large heap (after (b)) makes every fork() slower
await benchThroughput();
