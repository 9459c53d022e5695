// Benchmark: nogil/subprocess against raw child_process and CPython's subprocess.
//
//   (a) spawn: 200 concurrent `true` children, run() vs raw spawn() vs Python's Popen+wait
//       (timed inside python3). Also with captured output (pipes) vs raw pipes.
//   (b) throughput: communicate() capturing 1 GiB (`head -c 1G /dev/zero`) vs a raw stream
//       read into chunks + one Buffer.concat; Python's run(capture_output=True) for reference.
//   (c) text mode on CRLF output: 120 MB of `é\r\n` lines captured with `text: true` (universal
//       newlines + UTF-8 decoding) vs Python's run(stdout=PIPE, text=True); each rep in a fresh
//       process, reporting time and the process's peak RSS (target: <= 2x Python's time, peak
//       <= 3x the output size).
//
// Reps alternate between contenders so drift (other load on the machine) hits all of them.
// Run: npm run build:ts && npm run bench:subprocess [-- --reps 15 --gib 1 --text-mb 120 --only a,b,c]
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
    'text-mb': { type: 'string', default: '120' },
    'text-reps': { type: 'string', default: '5' },
    only: { type: 'string', default: 'a,b,c' },
  },
});
const ONLY = new Set(values.only.split(','));
const TEXT_BYTES = Math.round(Number(values['text-mb']) * 1e6);
const TEXT_REPS = Number(values['text-reps']);
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
// ---- (c) text mode on CRLF output ------------------------------------------------------------

// `é\r\n` is 4 bytes: UTF-8 to decode on every line, and a CRLF to translate.
const CRLF_CMD = ['sh', '-c', `yes "$(printf '\\303\\251\\r')" | head -c ${TEXT_BYTES}`];

const NODE_TEXT = `
import { PIPE, run } from 'nogil/subprocess';
const t = performance.now();
const { stdout } = await run(${JSON.stringify(CRLF_CMD)}, { stdout: PIPE, text: true });
const ms = performance.now() - t;
if (stdout.length !== ${(TEXT_BYTES / 4) * 2} || !stdout.startsWith('é\\né\\n')) throw new Error('wrong output');
console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024 }));
`;

const PY_TEXT = `
import json, resource, subprocess, sys, time
t = time.perf_counter()
out = subprocess.run(${JSON.stringify(CRLF_CMD)}, stdout=subprocess.PIPE, text=True).stdout
ms = (time.perf_counter() - t) * 1000
assert len(out) == ${(TEXT_BYTES / 4) * 2} and out.startswith('é\\né\\n')
print(json.dumps({'ms': ms, 'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
`;

/** One rep of (c) in a fresh process (so its peak RSS is this workload's). */
function textRep(who) {
  const [cmd, args] =
    who === 'nogil' ? [process.execPath, ['--input-type=module', '-e', NODE_TEXT]] : ['python3', ['-c', PY_TEXT]];
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: new URL('..', import.meta.url) });
  if (r.status !== 0) throw new Error(`${who} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function benchText() {
  const reps = { nogil: [], python: [] };
  for (let i = 0; i < TEXT_REPS; i++) {
    for (const who of i % 2 ? ['python', 'nogil'] : ['nogil', 'python']) reps[who].push(textRep(who));
  }
  const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
  const ms = (who) => median(reps[who].map((r) => r.ms));
  const rss = (who) => Math.max(...reps[who].map((r) => r.rss));
  console.log(`\n(c) text mode, ${mb(TEXT_BYTES)} of 'é\\r\\n' lines, median time of ${TEXT_REPS} reps, max peak RSS`);
  console.log(
    `  nogil run(text) ${fmt(ms('nogil'))}, peak ${mb(rss('nogil'))} (${(rss('nogil') / TEXT_BYTES).toFixed(2)}x output) | python run(text=True) ${fmt(ms('python'))}, peak ${mb(rss('python'))} | time ratio ${(ms('nogil') / ms('python')).toFixed(2)}`,
  );
}

if (ONLY.has('a')) await benchSpawn(); // first: a large heap (after (b)) makes every fork() slower
if (ONLY.has('b')) await benchThroughput();
if (ONLY.has('c')) benchText();
