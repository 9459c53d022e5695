// Tutorial, section 1: run(), a poll loop, and a timeout that terminates a child.
//
//   subprocess.run(["ls", "-l"])
//   proc = subprocess.Popen(['sleep', '0.3'])
//   while proc.poll() is None:
//       print('Working...')
//       time.sleep(0.2)
//   print('Exit status', proc.poll())
//
//   proc_timeout = subprocess.Popen(['sleep', '10'])
//   try:
//       proc_timeout.communicate(timeout=0.1)
//   except subprocess.TimeoutExpired:
//       proc_timeout.terminate()
//       proc_timeout.wait()
//   print('Exit when timeout', proc_timeout.poll())
//
// Run: npm run build:ts && node examples/subprocess/poll-and-timeout.mjs
import { setTimeout as sleep } from 'node:timers/promises';
import { Popen, run, TimeoutExpired } from 'nogil/subprocess';

// run() example: the listing goes straight to our stdout (nothing is captured).
await run(['ls', '-l']);

// Popen example: poll() never blocks; awaiting the sleep lets the exit be noticed.
const proc = new Popen(['sleep', '0.3']);
while (proc.poll() === null) {
  console.log('Working...');
  // Time consuming work goes here.
  await sleep(200);
}
console.log('Exit status', proc.poll());

// Timeout example: 100 ms (nogil timeouts are milliseconds; Python's 0.1 is seconds).
const procTimeout = new Popen(['sleep', '10']);
try {
  await procTimeout.communicate(null, 100);
} catch (error) {
  if (!(error instanceof TimeoutExpired)) throw error;
  procTimeout.terminate();
  await procTimeout.wait();
}
console.log('Exit when timeout', procTimeout.poll());
