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
// Once the child has exited, a held pipe is "spilled" (`spillHeldPipe`): what the child left in
// it is read into the stream's own buffer (where read(), 'data', `for await` and communicate()
// find it, nothing lost) and the fd is closed at EOF, without waiting for a consumer. Python
// keeps such a pipe open until the Popen is garbage-collected; a Node stream with an open
// handle is never collected, so without the spill every waited-but-unread Popen kept its fds
// for ever (300 `Popen(PIPE, PIPE)` + `wait()`: 600 fds; EMFILE under `ulimit -n 200`).
// The spill is bounded (SPILL_LIMIT): output beyond it (a grandchild still writing into the
// inherited pipe) stays in the pipe, held as before, and blocks the writer as in Python.
//
// This uses the stream's `_handle` (libuv pipe wrap: `reading`, `readStop()`, `readStart()`,
// `close()`) and `_readableState.highWaterMark`, the same internals Node's child_process uses
// for the hand-off; when they are missing (another Node), holding and spilling are skipped and
// Node's default eager reading applies.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

interface PipeHandle {
  reading?: boolean;
  readStop?: () => number;
  readStart?: () => number;
  close?: () => void;
  fd?: number;
}

/** The most a spill reads into memory per stream (a pipe holds far less once its writer exited). */
export const SPILL_LIMIT = 4 * 2 ** 20;

const kRelease = Symbol('nogil.subprocess.releasePipe');

type Held = Readable & {
  [kRelease]?: () => void;
  _handle?: PipeHandle | null;
  _readableState?: { highWaterMark?: unknown; ended?: unknown };
};

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

/**
 * After the child's exit: reads what is left in a still-held pipe into `stream`'s buffer (up to
 * SPILL_LIMIT) and closes its fd at EOF, keeping the data for whoever reads the stream later.
 * No-op for a stream a consumer already reads (it reaches EOF and closes by itself).
 */
export function spillHeldPipe(stream: Readable): void {
  const held = stream as Held;
  const state = held._readableState;
  const handle = held._handle;
  if (!held[kRelease] || stream.destroyed || !state || typeof state.highWaterMark !== 'number') return;
  if (!handle || typeof handle.close !== 'function') return;
  // Buffer without back-pressure up to the limit; push() returning false past it makes Node
  // stop reading (readStop), which leaves the rest in the pipe exactly as a hold does.
  state.highWaterMark = Math.max(state.highWaterMark, SPILL_LIMIT);
  const push = stream.push;
  stream.push = function spillPush(this: Readable, chunk: unknown, encoding?: BufferEncoding): boolean {
    const more = push.call(this, chunk, encoding);
    if (chunk === null) {
      delete (stream as { push?: unknown }).push; // back to Readable.prototype.push
      closeAtEof(held);
    }
    return more;
  };
  releasePipe(stream);
}

/**
 * EOF was pushed and every byte is in the stream's buffer: close the handle now instead of at
 * 'end' (which only comes once a consumer drained the buffer). With `_handle` null, net.Socket's
 * later destroy() skips the handle and just emits 'close'.
 */
function closeAtEof(stream: Held): void {
  const handle = stream._handle;
  if (!handle || stream.destroyed || stream.readableFlowing === true) return; // a consumer: Node closes it
  stream._handle = null;
  handle.close?.();
}

/**
 * Whether a Popen output was (partly) spilled: some of it is in the stream's buffer, or all of it
 * and the fd is closed. Handing its fd to another child would lose the buffered part, so such a
 * stream is fed to the child through JavaScript instead.
 */
export function isSpilled(stream: Readable): boolean {
  return popenOutputs.has(stream) && (stream.readableLength > 0 || fdOf(stream) === undefined);
}

/** Whether a spilled stream holds all its output (EOF seen: its fd is closed). */
export function isFullySpilled(stream: Readable): boolean {
  return fdOf(stream) === undefined && (stream as Held)._readableState?.ended === true;
}

/** The OS file descriptor under a stream or `{ fd }` object, when it has one. */
export function fdOf(value: object): number | undefined {
  const direct = (value as { fd?: unknown }).fd;
  if (typeof direct === 'number' && direct >= 0) return direct;
  const handle = (value as { _handle?: PipeHandle | null })._handle;
  if (handle && typeof handle.fd === 'number' && handle.fd >= 0) return handle.fd;
  return undefined;
}
