// The engine of `Popen.communicate`: feeds stdin and drains stdout and stderr at the same time
// (the event loop multiplexes them, as Python's selector loop does), so a child that writes a
// lot to both while reading a lot never deadlocks on a full pipe.
//
//   input ──write──▶ child.stdin        child.stdout ──'data'──▶ Collector (chunks) ─┐
//                                       child.stderr ──'data'──▶ Collector (chunks) ─┴▶ one Buffer.concat
//
// In text mode each Collector also decodes every chunk as it arrives (OutputDecoder), while the
// event loop would otherwise wait for the next read; the raw chunks stay for TimeoutExpired,
// whose output is bytes as in Python.
//
// With `maxBuffer`, a collector that goes over the limit reports it once (the Popen then kills
// the child and rejects with MaxBufferError) and from then on reads on but keeps nothing, so the
// dying child never blocks on a full pipe and memory stays bounded.
//
// The collectors live as long as the Popen: after a TimeoutExpired the streams are paused (the
// child is left running, its pipe fills as in Python) and the next `communicate()` resumes them,
// so the final result holds everything read across all calls.
import { finished, type Readable, type Writable } from 'node:stream';
import type { Output } from './errors.js';
import { releasePipe } from './pipes.js';
import { decodeOutput, OutputDecoder } from './text.js';

/** Accumulates one output stream's chunks; concatenates once, at the end. */
class Collector {
  readonly done: Promise<void>;
  readonly #stream: Readable;
  #chunks: Buffer[] = [];
  #length = 0;
  #decoder: OutputDecoder | null;
  readonly #limit: number | null;
  #over = false;

  constructor(stream: Readable, encoding: BufferEncoding | null, limit: number | null, onOverflow: () => void) {
    this.#stream = stream;
    this.#decoder = encoding ? new OutputDecoder(encoding) : null;
    this.#limit = limit;
    this.done = new Promise<void>((resolve) => {
      if (stream.destroyed || stream.readableEnded) {
        resolve();
        return;
      }
      const onData = (chunk: Buffer | string): void => {
        // A user may have called setEncoding(): keep bytes, decode once at the end.
        if (this.#over) return; // past maxBuffer: drained, not kept
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, stream.readableEncoding ?? 'utf8') : chunk;
        this.#chunks.push(bytes);
        this.#length += bytes.length;
        if (this.#limit !== null && this.#length > this.#limit) {
          this.#over = true;
          this.#decoder = null;
          onOverflow();
          return;
        }
        this.#decoder?.write(bytes);
      };
      // A read error ends this stream's output, as EOF would; the exit status still comes.
      const onEnd = (): void => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('close', onEnd);
        stream.off('error', onEnd);
        resolve();
      };
      stream.on('data', onData);
      stream.on('end', onEnd);
      stream.on('close', onEnd);
      stream.on('error', onEnd);
    });
    releasePipe(stream);
    this.resume();
  }

  /** Stops reading (the data stays in the pipe, the child may block on it). */
  pause(): void {
    if (!this.#stream.destroyed) this.#stream.pause();
  }

  /** Reads on (also undoes a pause() a user made before communicate()). */
  resume(): void {
    if (!this.#stream.destroyed) this.#stream.resume();
  }

  /** Everything read so far as one Buffer (collapsed, so repeated calls stay linear). */
  bytes(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)];
    return this.#chunks[0]!;
  }

  /** Everything read, decoded (text mode only; call once): the collector lets go of it all. */
  text(): string {
    const text = this.#decoder?.end() ?? '';
    this.#decoder = null;
    this.clear();
    return text;
  }

  /** Drops the collected bytes (once the caller keeps the final result). */
  clear(): void {
    this.#chunks = [];
    this.#length = 0;
  }

  /** What was captured, cut at the limit (decoded in text mode), for MaxBufferError. */
  capped(encoding: BufferEncoding | null): Output | null {
    if (this.#length === 0) return encoding ? '' : Buffer.alloc(0);
    const bytes = this.bytes().subarray(0, this.#limit ?? this.#length);
    return encoding ? decodeOutput(Buffer.from(bytes), encoding) : Buffer.from(bytes);
  }

  /** Python's partial output in TimeoutExpired: the bytes so far, or null when none. */
  partial(): Buffer | null {
    return this.#length === 0 ? null : this.bytes();
  }
}

/** Writes `input` (if any) and closes stdin; resolves when done or when the pipe broke. */
function feed(stdin: Writable, input: Buffer | null): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stdin.destroyed || stdin.writableFinished) {
      resolve();
      return;
    }
    // Python ignores BrokenPipeError in communicate(): a child that exits without reading all
    // its input is not an error, so every outcome (finish, EPIPE, close) just resolves.
    finished(stdin, { readable: false }, () => resolve());
    if (!stdin.writableEnded) {
      if (input && input.length > 0) stdin.end(input);
      else stdin.end();
    }
  });
}

/** One Popen's communication: started by the first `communicate()`, reused by later ones. */
export class Communication {
  /** Settles when stdin is written and closed and both outputs reached EOF. */
  readonly done: Promise<void>;
  readonly #out: Collector | null;
  readonly #err: Collector | null;
  readonly #encoding: BufferEncoding | null;
  /** Resolves with the stream that first went over `maxBuffer` (never, without a limit). */
  readonly overflow: Promise<'stdout' | 'stderr'>;

  /**
   * Starts talking: `encoding` is the text-mode encoding, or null for bytes; `maxBuffer` the
   * most bytes kept per stream, or null.
   */
  constructor(
    stdin: Writable | null,
    stdout: Readable | null,
    stderr: Readable | null,
    input: Buffer | null,
    encoding: BufferEncoding | null,
    maxBuffer: number | null,
  ) {
    this.#encoding = encoding;
    let reportOverflow!: (stream: 'stdout' | 'stderr') => void;
    this.overflow = new Promise((resolve) => {
      reportOverflow = resolve;
    });
    this.#out = stdout ? new Collector(stdout, encoding, maxBuffer, () => reportOverflow('stdout')) : null;
    this.#err = stderr ? new Collector(stderr, encoding, maxBuffer, () => reportOverflow('stderr')) : null;
    const work: Promise<void>[] = [];
    if (stdin) work.push(feed(stdin, input));
    if (this.#out) work.push(this.#out.done);
    if (this.#err) work.push(this.#err.done);
    this.done = Promise.all(work).then(() => undefined);
  }

  /** Pauses reading after a timeout. */
  pause(): void {
    this.#out?.pause();
    this.#err?.pause();
  }

  /** Resumes reading for a later call. */
  resume(): void {
    this.#out?.resume();
    this.#err?.resume();
  }

  /** The `[stdout, stderr]` captured, each cut at maxBuffer, for MaxBufferError (null: not a pipe). */
  capped(): [Output | null, Output | null] {
    return [this.#out?.capped(this.#encoding) ?? null, this.#err?.capped(this.#encoding) ?? null];
  }

  /** The `[stdout, stderr]` read so far, for TimeoutExpired (bytes, or null when none). */
  partial(): [Buffer | null, Buffer | null] {
    return [this.#out?.partial() ?? null, this.#err?.partial() ?? null];
  }

  /**
   * The final `[stdout, stderr]`: null for a stream that was not a pipe, decoded in text mode.
   * Call once: the collectors let go of their bytes (the Popen keeps the result).
   */
  result(): [Output | null, Output | null] {
    const finish = (collector: Collector | null): Output | null => {
      if (!collector) return null;
      if (this.#encoding) return collector.text();
      const data = collector.bytes();
      collector.clear();
      return data;
    };
    return [finish(this.#out), finish(this.#err)];
  }
}
