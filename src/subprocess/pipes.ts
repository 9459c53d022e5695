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
// Python). The first consumer that attaches a 'data' or 'readable' listener (`communicate`,
// `on('data')`, `pipe()`, `for await`) releases the hold and normal Node streaming takes over.
// Handing a held stream to another child passes the fd with nothing lost.
//
// This uses the stream's `_handle` (libuv pipe wrap: `reading`, `readStop()`, `readStart()`),
// the same fields Node's child_process uses for the hand-off; when they are missing (another
// Node), holding is skipped and Node's default eager reading applies.
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

/** Stops `stream`'s reads until a consumer attaches (see the file comment). */
export function holdPipe(stream: Readable): void {
  const held = stream as Held;
  const handle = held._handle;
  if (!handle || typeof handle.readStop !== 'function' || typeof handle.readStart !== 'function') return;
  if (handle.reading) {
    handle.reading = false;
    handle.readStop();
  }
  const onNewListener = (event: string | symbol): void => {
    if (event === 'data' || event === 'readable') releasePipe(stream);
  };
  held[kRelease] = () => {
    held[kRelease] = undefined;
    stream.off('newListener', onNewListener);
    const h = held._handle;
    if (h && !h.reading && !stream.destroyed && typeof h.readStart === 'function') {
      h.reading = true;
      h.readStart();
    }
  };
  stream.on('newListener', onNewListener);
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
