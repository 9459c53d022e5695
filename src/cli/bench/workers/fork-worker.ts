// The child of the `fork` backend: a bare child_process.fork peer that runs one kernel call per
// IPC message and answers with its result. It exits when its parent disconnects (or dies).
import { runKernel } from '../kernels.js';
import type { Args, Kernel } from '../workloads.js';

interface Request {
  id: number;
  kernel: Kernel;
  args: Args;
}

process.on('message', (message: Request) => {
  let reply: { id: number; ok: boolean; value: unknown };
  try {
    reply = { id: message.id, ok: true, value: runKernel(message.kernel, message.args) };
  } catch (error) {
    reply = { id: message.id, ok: false, value: String((error as Error)?.stack ?? error) };
  }
  process.send?.(reply);
});
process.on('disconnect', () => process.exit(0));
