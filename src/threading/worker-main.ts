// The entry point of a `Thread`'s worker (see thread.ts for the message flow). Compiled next to
// thread.js, so `new URL('./worker-main.js', import.meta.url)` finds it in dist/. Started either
// with its boot data in `workerData` (cold), or idle from the warm pool (start-worker.ts), when
// the boot data comes as the first message.
import { parentPort, workerData } from 'node:worker_threads';
import { explainScopeError } from '../internal/scope-error.js';
import { decodeSharedAsync } from '../internal/shareable-kinds.js';
import { installSourceShims, resolveTaskRef } from '../internal/task-ref.js';
import { BOOT_KEY, reportOf, type ThreadBoot, type ThreadReport, WARM_KEY } from './boot.js';
import { adoptThreadInfo, getNativeId } from './identity.js';
import { markSelfFinished } from './state.js';

const data = workerData as Record<string, unknown> | null;
if (!parentPort || !(data?.[BOOT_KEY] || data?.[WARM_KEY])) {
  throw new Error('nogil/threading worker-main.js is only started by Thread.start()');
}
const port = parentPort;
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
  // Warm: the first message is the boot data; the listener keeps this worker's loop alive until
  // then (the parent unref'd it, so an idle worker never holds the process).
  port.once('message', (msg: Record<string, unknown>) => {
    void run(msg[BOOT_KEY] as ThreadBoot);
  });
}
