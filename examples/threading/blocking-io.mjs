// Tutorial section 2 (In [15]): threads for blocking I/O. Five threads each block for 0.1 s in
// a system call (`select([], [], [], 0.1)` in Python; here `Atomics.wait` on a private buffer,
// which blocks the OS thread the same way) and finish together in about 0.1 s, not 0.5 s.
//
//   node examples/threading/blocking-io.mjs
import { Thread } from 'nogil/threading';

function slowSystemcall() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
}

const start = performance.now();
const threads = [];
for (let i = 0; i < 5; i++) {
  const thread = new Thread({ target: slowSystemcall });
  thread.start();
  threads.push(thread);
}
for (const thread of threads) await thread.join();
console.log(`Time consuming${((performance.now() - start) / 1000).toFixed(3)}`);
