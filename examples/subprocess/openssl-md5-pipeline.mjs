// Tutorial, section 1: five openssl children piped into five md5 children (md5sum on Linux).
// The second child's stdin is the first child's stdout pipe itself: the bytes go from child to
// child without passing through JavaScript.
//
//   hash_proc = subprocess.Popen(['md5'], stdin=proc.stdout, stdout=subprocess.PIPE)
//
// Run: npm run build:ts && node examples/subprocess/openssl-md5-pipeline.mjs
import { randomBytes } from 'node:crypto';
import { PIPE, Popen } from 'nogil/subprocess';

/** Starts openssl on `data` (stdin stays open until communicate() closes it). */
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

/** Starts md5sum reading from `inputStdin` (another child's stdout). */
function runMd5(inputStdin) {
  return new Popen(['md5sum'], { stdin: inputStdin, stdout: PIPE });
}

const tic = performance.now();
const inputProcs = [];
for (let i = 0; i < 5; i++) inputProcs.push(runOpenssl(randomBytes(100)));

const hashProcs = [];
for (const proc of inputProcs) hashProcs.push(runMd5(proc.stdout));

for (const proc of inputProcs) {
  await proc.communicate(); // closes openssl's stdin: it encrypts and exits
  console.log('a');
}

for (const proc of hashProcs) {
  const [out] = await proc.communicate();
  // Python prints b'151c4e...\n' from BSD md5; md5sum adds "  -": print the digest alone.
  console.log(out.toString().split(' ')[0]);
}
const toc = performance.now();
console.log(`Time suming ${(toc - tic) / 1000} s`);
