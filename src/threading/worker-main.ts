// The entry point of a `Thread`'s worker (see thread.ts for the message flow). Compiled next to
// thread.js, so `new URL('./worker-main.js', import.meta.url)` finds it in dist/. Started either
// with its boot data in `workerData` (cold), or idle from the warm pool (start-worker.ts), when
// the boot data comes as the first message.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { explainScopeError } from '../internal/scope-error.js';
import { decodeSharedAsync } from '../internal/shareable-kinds.js';
import type { TaskRef } from '../internal/task-ref.js';
import { installSourceShims, resolveTaskRef } from '../internal/task-resolve.js';
import { BOOT_KEY, reportOf, type ThreadBoot, type ThreadReport, WARM_KEY } from './boot.js';
import { adoptThreadInfo, getNativeId } from './identity.js';
import { markSelfFinished } from './state.js';

const data = workerData as Record<string, unknown> | null;
if (!parentPort || !(data?.[BOOT_KEY] || data?.[WARM_KEY])) {
  throw new Error('nogil/threading worker-main.js is only started by Thread.start()');
}
const port = parentPort;
const WARM_UP: TaskRef = { kind: 'source', source: '() => {}', wrap: 'expr', name: 'warm-up' };
installSourceShims();

function post(report: ThreadReport): void {
  try {
    port.postMessage(report);
  } catch (error) {
    // The result could not be cloned: report that instead.
    const wrapped = new TypeError(`the target's result could not be sent to the parent thread: ${String(error)}`, {
      cause: error,
    });
    port.postMessage(reportOf({ ok: false, error: wrapped }));
  }
}

async function run(boot: ThreadBoot): Promise<void> {
  adoptThreadInfo({ name: boot.name, daemon: boot.daemon });
  Atomics.store(new Int32Array(boot.nativeCell), 0, getNativeId());
  let report: ThreadReport;
  try {
    // Only the modules of the primitives present are loaded, and in parallel with the target's.
    const [args, fn] = await Promise.all([
      decodeSharedAsync(boot.args),
      boot.target ? resolveTaskRef(boot.target) : undefined,
    ]);
    const value = fn ? await fn(...args) : undefined;
    report = reportOf({ ok: true, value });
  } catch (error) {
    report = reportOf({
      ok: false,
      error: explainScopeError(error, boot.target, 'Thread target', 'pass {name} in args (or use { module, name })'),
    });
  }
  post(report);
  // The thread is over once its target settled (as in Python, when run() returns): whatever it
  // left behind (a setInterval, a pending promise) must not keep this worker, and through it the
  // process, alive. Recorded as finished first, so the locks it holds stay held (not a death).
  // process.exit() in a worker delivers the report and flushes stdout/stderr; terminate() would not.
  markSelfFinished();
  process.exit(0);
}

if (data[BOOT_KEY]) {
  await run(data[BOOT_KEY] as ThreadBoot);
} else {
  // Warm: sleep on the pool's cell (as piscina's idle workers do: waking from Atomics.wait takes
  // microseconds, a message wake-up through the event loop far longer) until start() has posted
  // the boot data and set the cell, then take the message synchronously. The parent unref'd this
  // worker, so an idle one never holds the process; terminate() interrupts the wait.
  const cell = new Int32Array(data[WARM_KEY] as SharedArrayBuffer);
  // Compile the start path once while idle (V8 compiles a function on its first call), so the
  // real start does not pay for it.
  await Promise.all([decodeSharedAsync([]), resolveTaskRef(WARM_UP)]);
  let msg = receiveMessageOnPort(port);
  while (msg === undefined) {
    Atomics.wait(cell, 0, 0);
    msg = receiveMessageOnPort(port);
  }
  await run((msg.message as Record<string, unknown>)[BOOT_KEY] as ThreadBoot);
}
