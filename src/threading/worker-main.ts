// The entry point of a `Thread`'s worker (see thread.ts for the message flow). Compiled next to
// thread.js, so `new URL('./worker-main.js', import.meta.url)` finds it in dist/.
import { parentPort, workerData } from 'node:worker_threads';
import { explainScopeError } from '../internal/scope-error.js';
import { decodeSharedAsync } from '../internal/shareable-kinds.js';
import { installSourceShims, resolveTaskRef } from '../internal/task-ref.js';
import { BOOT_KEY, reportOf, type ThreadBoot, type ThreadReport } from './boot.js';
import { adoptThreadInfo, getNativeId } from './identity.js';
import { markSelfFinished } from './state.js';

const maybeBoot = (workerData as Record<string, ThreadBoot> | null)?.[BOOT_KEY];
if (!maybeBoot || !parentPort) throw new Error('nogil/threading worker-main.js is only started by Thread.start()');
const boot: ThreadBoot = maybeBoot;
const port = parentPort;

adoptThreadInfo({ name: boot.name, daemon: boot.daemon });
Atomics.store(new Int32Array(boot.nativeCell), 0, getNativeId());
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

async function main(): Promise<void> {
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

await main();
