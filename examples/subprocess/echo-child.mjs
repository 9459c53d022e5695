// Tutorial, section 1: start a child and read what it prints.
//
//   proc = subprocess.Popen(['echo', 'Hello from the child!'], stdout=subprocess.PIPE)
//   out, err = proc.communicate()
//   print(out.decode('utf-8'))
//
// Run: npm run build:ts && node examples/subprocess/echo-child.mjs
import { PIPE, Popen } from 'nogil/subprocess';

const proc = new Popen(['echo', 'Hello from the child!'], { stdout: PIPE });
const [out] = await proc.communicate();
// Like Python's print(out.decode('utf-8')): the child's own newline, then print's.
console.log(out.toString('utf8'));
