// Keeping a child's output in the OS pipe until someone reads it, as Python does.
//
// Node starts reading a child's stdout/stderr into JS memory as soon as it spawns the child,
// and when the child exits it resumes every stream nobody listens to, which throws that output
// away. Python never reads before being asked, so two Python idioms break on plain Node:
//
//   p = Popen(cmd, stdout=PIPE); p.wait(); p.stdout.read()       # output lost at exit
//   p1 = Popen(a, stdout=PIPE); ...; Popen(b, stdin=p1.stdout)  # what Node had already read
//                                                               # never reaches b
//
// So right after spawning, Popen stops the pipe's reads ("holds" it) and leaves the stream's
// `reading` flag set: Node's own resume-at-exit then finds a read already "in progress" and does
// nothing, and the bytes stay in the kernel pipe (where a full pipe blocks the child, as in
// Python). The first consumer releases the hold and normal Node streaming takes over: one that
// attaches a 'data' or 'readable' listener (`communicate`, `on('data')`, `pipe()`, `for await`)
// or calls `resume()` (Node's way to discard output). Node's resume-at-exit must not count as a
// consumer, so Popen hides held streams from it (`hideFromExitFlush`). Handing a held stream to
// another child passes the fd with nothing lost.
//
// This uses the stream's `_handle` (libuv pipe wrap: `reading`, `readStop()`, `readStart()`),
// the same fields Node's child_process uses for the hand-off; when they are missing (another
// Node), holding is skipped and Node's default eager reading applies.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

interface PipeHandle {
  reading?: boolean;
  readStop?: () => number;
  readStart?: () => number;
  fd?: number;
}

const kRelease = Symbol('nogil.subprocess.releasePipe');

type Held = Readable & { [kRelease]?: () => void; _handle?: PipeHandle | null };

/** Output streams created by a Popen: handing one to another child closes the parent's copy. */
export const popenOutputs = new WeakSet<Readable>();

/**
 * Stops `stream`'s reads until a consumer attaches or resumes it (see the file comment).
 * Returns whether the stream is now held (false where the handle's fields are missing).
 */
export function holdPipe(stream: Readable): boolean {
  const held = stream as Held;
  const handle = held._handle;
  if (!handle || typeof handle.readStop !== 'function' || typeof handle.readStart !== 'function') return false;
  if (handle.reading) {
    handle.reading = false;
    handle.readStop();
  }
  const onNewListener = (event: string | symbol): void => {
    if (event === 'data' || event === 'readable') releasePipe(stream);
  };
  // `resume()` with no listener means "flow and discard": the child must not block on a full pipe.
  const onResume = (): void => releasePipe(stream);
  held[kRelease] = () => {
    held[kRelease] = undefined;
    stream.off('newListener', onNewListener);
    stream.off('resume', onResume);
    const h = held._handle;
    if (h && !h.reading && !stream.destroyed && typeof h.readStart === 'function') {
      h.reading = true;
      h.readStart();
    }
  };
  stream.on('newListener', onNewListener);
  stream.on('resume', onResume);
  return true;
}

/**
 * Keeps Node from resuming `streams` when `child` exits. Node's flushStdio() resumes every
 * output stream of `child.stdio` that nobody reads, to drain it; for a held stream that resume
 * would release the hold and throw away what the child left in the pipe. flushStdio is the
 * only reader of `child.stdio`, and Popen never hands `child` out.
 */
export function hideFromExitFlush(child: ChildProcess, streams: readonly Readable[]): void {
  const owner = child as unknown as { stdio?: unknown };
  if (!Array.isArray(owner.stdio) || streams.length === 0) return;
  owner.stdio = owner.stdio.map((entry: unknown) => (streams.includes(entry as Readable) ? null : entry));
}

/** Lets a held stream read again (no-op for a stream that is not held). */
export function releasePipe(stream: Readable): void {
  (stream as Held)[kRelease]?.();
}

/** The OS file descriptor under a stream or `{ fd }` object, when it has one. */
export function fdOf(value: object): number | undefined {
  const direct = (value as { fd?: unknown }).fd;
  if (typeof direct === 'number' && direct >= 0) return direct;
  const handle = (value as { _handle?: PipeHandle | null })._handle;
  if (handle && typeof handle.fd === 'number' && handle.fd >= 0) return handle.fd;
  return undefined;
}
