// Tutorial, section 1: 126 `openssl enc -des3` children encrypt random data in parallel.
//
//   env = os.environ.copy(); env['password'] = b'asdf'
//   proc = subprocess.Popen(['openssl', 'enc', '-des3', '-pass', 'env:password'],
//                           env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
//   proc.stdin.write(data); proc.stdin.flush()
//   ...
//   out, _ = proc.communicate(); print(out)
//
// Run: npm run build:ts && node examples/subprocess/openssl-parallel.mjs
// (openssl 3 warns about the old key derivation on stderr, as it does for the tutorial.)
import { randomBytes } from 'node:crypto';
import { PIPE, Popen } from 'nogil/subprocess';

/** Starts openssl on `data`: stdin stays open until communicate() closes it. */
function runOpenssl(data) {
  const env = { ...process.env, password: 'asdf' };
  const proc = new Popen(['openssl', 'enc', '-des3', '-pass', 'env:password'], {
    env,
    stdin: PIPE,
    stdout: PIPE,
  });
  proc.stdin.write(data);
  return proc;
}

const tic = performance.now();
const procs = [];
for (let i = 0; i < 126; i++) procs.push(runOpenssl(randomBytes(100)));

for (const proc of procs) {
  const [out] = await proc.communicate();
  // Python prints the bytes repr (b'Salted__I\xb0...'); a Node user reads the ASCII magic and
  // the binary rest (8-byte salt, then the ciphertext) as hex.
  console.log(out.subarray(0, 8).toString('latin1'), out.subarray(8).toString('hex'));
}
const toc = performance.now();
// The tutorial's own wording.
console.log(`Time suming ${(toc - tic) / 1000} s`);
