// `Popen.lines()`: Python's `for line in p.stdout`, as an async iterator of decoded lines.
//
// For ASCII-compatible encodings (UTF-8, Latin-1, ASCII) lines are cut on the bytes (a CR or
// LF byte is never part of a multi-byte character) and each line is decoded on its own; so
// when the loop is left early, the bytes already read but not yet yielded go back into the
// stream (`unshift`) for whoever reads next, as Python's buffered reader keeps them.
import type { Readable } from 'node:stream';
import { translatesBytes } from './newlines.js';
import { OutputDecoder } from './text.js';

const CR = 0x0d;
const LF = 0x0a;

/**
 * The lines of `stream` decoded with `encoding` (universal newlines: `\n`, `\r\n` and `\r` end a
 * line; the ending is not included), up to EOF; a last line without a newline is yielded too.
 * Leaving the loop early leaves the stream open, with what was read but not yielded put back.
 */
export function linesOf(stream: Readable, encoding: BufferEncoding): AsyncGenerator<string, void, undefined> {
  return translatesBytes(encoding) ? byteLines(stream, encoding) : decodedLines(stream, encoding);
}

/** A chunk as bytes (a user may have called setEncoding on the stream). */
function bytesOf(chunk: Buffer | string, stream: Readable): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, stream.readableEncoding ?? 'utf8') : chunk;
}

/** Lines cut on the bytes, each decoded on its own. */
async function* byteLines(stream: Readable, encoding: BufferEncoding): AsyncGenerator<string, void, undefined> {
  // The bytes after the last line end, in pieces (joined only when their line ends: one long
  // line stays linear).
  let partial: Buffer[] = [];
  let chunk: Buffer = Buffer.alloc(0);
  let pos = 0;
  // The last line ended with a CR that was the chunk's last byte: a LF next belongs to it.
  let skipLf = false;
  let finished = false;
  try {
    for await (const data of stream.iterator({ destroyOnReturn: false })) {
      chunk = bytesOf(data as Buffer | string, stream);
      pos = skipLf && chunk[0] === LF ? 1 : 0;
      if (chunk.length > 0) skipLf = false;
      let nextCr = chunk.indexOf(CR, pos);
      for (;;) {
        if (nextCr !== -1 && nextCr < pos) nextCr = chunk.indexOf(CR, pos);
        const lf = chunk.indexOf(LF, pos);
        const end = nextCr === -1 ? lf : lf === -1 ? nextCr : Math.min(lf, nextCr);
        if (end === -1) break;
        const tail = chunk.subarray(pos, end);
        const line = partial.length === 0 ? tail : Buffer.concat([...partial, tail]);
        partial = [];
        pos = end + 1;
        if (chunk[end] === CR) {
          if (pos === chunk.length) skipLf = true;
          else if (chunk[pos] === LF) pos++;
        }
        yield line.toString(encoding);
      }
      if (pos < chunk.length) partial.push(chunk.subarray(pos));
      pos = chunk.length;
    }
    finished = true;
    if (partial.length > 0) yield Buffer.concat(partial).toString(encoding);
  } finally {
    // Left early (break, return, throw in the loop body): give back what was read, not yielded.
    if (!finished && !stream.destroyed) {
      const leftover = Buffer.concat([...partial, chunk.subarray(pos)]);
      if (leftover.length > 0) stream.unshift(leftover);
    }
  }
}

/** Lines of text decoded chunk by chunk (UTF-16 and the like); an early exit drops the rest of the chunk. */
async function* decodedLines(stream: Readable, encoding: BufferEncoding): AsyncGenerator<string, void, undefined> {
  const decoder = new OutputDecoder(encoding);
  const partial: string[] = [];
  function* split(text: string): Generator<string, void, undefined> {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      partial.push(text.slice(start, nl));
      start = nl + 1;
      const line = partial.join('');
      partial.length = 0;
      yield line;
    }
    if (start < text.length) partial.push(text.slice(start));
  }
  for await (const data of stream.iterator({ destroyOnReturn: false })) {
    decoder.write(bytesOf(data as Buffer | string, stream));
    yield* split(decoder.take());
  }
  yield* split(decoder.end());
  if (partial.length > 0) yield partial.join('');
}
