// Text mode: Python's `text` / `encoding` mapped to Node encodings, input encoding, and output
// decoding with universal newlines.
import { StringDecoder } from 'node:string_decoder';
import { withCode } from '../internal/errors.js';
import { invalidArgType } from '../internal/validate.js';
import {
  latin1FromUtf8InPlace,
  translateInPlace,
  translateString,
  translatesBytes,
  utf8CompleteLength,
} from './newlines.js';

/** Encodes `input` for the child's stdin (strings with the text encoding, else UTF-8). */
export function inputBytes(input: string | Uint8Array | null, encoding: BufferEncoding | null): Buffer | null {
  if (input === null) return null;
  if (typeof input === 'string') return Buffer.from(input, encoding ?? 'utf8');
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/** Python codec names that Node spells differently. */
const encodingAliases: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  u8: 'utf8',
  'latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
  l1: 'latin1',
  'us-ascii': 'ascii',
  'utf-16-le': 'utf16le',
  'utf-16le': 'utf16le',
};

/** The text-mode encoding selected by `text` / `encoding`, or null for bytes. */
export function textEncoding(text: unknown, encoding: unknown): BufferEncoding | null {
  if (text !== undefined && text !== null && typeof text !== 'boolean') {
    throw invalidArgType('options.text', 'of type boolean', text);
  }
  const isText = text === true;
  if (encoding === undefined || encoding === null) return isText ? 'utf8' : null;
  if (typeof encoding !== 'string') throw invalidArgType('options.encoding', 'of type string', encoding);
  const key = encoding.toLowerCase().replaceAll('_', '-');
  const mapped = encodingAliases[key] ?? (Buffer.isEncoding(key) ? key : undefined);
  if (!mapped) throw withCode(new TypeError(`Unknown encoding: ${encoding}`), 'ERR_UNKNOWN_ENCODING');
  return mapped;
}

/**
 * Decodes one whole output in text mode, with Python's universal newlines (\r\n, \r -> \n).
 * `data` is the caller's to give away: its bytes are translated in place.
 */
export function decodeOutput(data: Buffer, encoding: BufferEncoding): string {
  if (!translatesBytes(encoding)) return translateString(data.toString(encoding));
  return data.toString(encoding, 0, translateInPlace(data));
}

/**
 * Decodes an output chunk by chunk as it arrives (the event loop is idle between reads, so the
 * decoding mostly costs no wall time), with universal newlines also across chunk boundaries.
 * The chunks are not modified: a user's own 'data' listener may hold the same Buffers.
 *
 * ASCII-compatible encodings are translated on the bytes (newlines.ts); a UTF-8 character cut
 * by a chunk boundary waits for the next chunk (`#carry`). UTF-16 and the like go through
 * StringDecoder and are translated on the text.
 */
export class OutputDecoder {
  readonly #encoding: BufferEncoding;
  readonly #decoder: StringDecoder | null;
  #scratch = Buffer.alloc(0);
  #carry: Buffer | null = null;
  #afterCr = false;
  #pieces: string[] = [];

  constructor(encoding: BufferEncoding) {
    this.#encoding = encoding;
    this.#decoder = translatesBytes(encoding) ? null : new StringDecoder(encoding);
  }

  /** Decodes one more chunk. */
  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#decoder) {
      this.#pushText(this.#decoder.write(chunk));
      return;
    }
    // A \r\n split across two chunks: the \r already became \n at the end of the previous one.
    const start = this.#afterCr && chunk[0] === LF ? 1 : 0;
    this.#afterCr = chunk[chunk.length - 1] === CR;
    const carried = this.#carry;
    let bytes = this.#gather(carried, chunk, start);
    this.#carry = null;
    if (this.#encoding !== 'utf8' && this.#encoding !== 'utf-8') {
      this.#pieces.push(bytes.toString(this.#encoding, 0, translateInPlace(bytes)));
      return;
    }
    const complete = utf8CompleteLength(bytes);
    if (complete < bytes.length) this.#carry = Buffer.from(bytes.subarray(complete));
    bytes = bytes.subarray(0, complete);
    const latin1 = latin1FromUtf8InPlace(bytes);
    if (latin1 >= 0) {
      this.#pieces.push(bytes.toString('latin1', 0, latin1));
      return;
    }
    // Not Latin-1 text: the attempt overwrote the scratch, so gather the bytes again.
    bytes = this.#gather(carried, chunk, start).subarray(0, complete);
    this.#pieces.push(bytes.toString('utf8', 0, translateInPlace(bytes)));
  }

  /** `carried` then `chunk` from `start`, in the scratch buffer (ours to translate in place). */
  #gather(carried: Buffer | null, chunk: Buffer, start: number): Buffer {
    const carry = carried?.length ?? 0;
    const size = carry + chunk.length - start;
    if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafe(Math.max(size, 65536));
    carried?.copy(this.#scratch, 0);
    chunk.copy(this.#scratch, carry, start);
    return this.#scratch.subarray(0, size);
  }

  /** The text decoded so far and not yet taken (for streaming: lines()). */
  take(): string {
    const pieces = this.#pieces;
    this.#pieces = [];
    return pieces.length === 1 ? pieces[0]! : pieces.join('');
  }

  /** The whole text (call once): an incomplete last character becomes U+FFFD. */
  end(): string {
    if (this.#decoder) this.#pushText(this.#decoder.end());
    else if (this.#carry) this.#pieces.push(this.#carry.toString(this.#encoding));
    const pieces = this.#pieces;
    this.#pieces = [];
    this.#scratch = Buffer.alloc(0);
    this.#carry = null;
    return pieces.length === 1 ? pieces[0]! : pieces.join('');
  }

  /** Adds text from StringDecoder, translating its newlines on the text. */
  #pushText(text: string): void {
    if (text === '') return;
    const start = this.#afterCr && text.startsWith('\n') ? 1 : 0;
    this.#afterCr = text.endsWith('\r');
    this.#pieces.push(translateString(start === 0 ? text : text.slice(start)));
  }
}

const CR = 0x0d;
const LF = 0x0a;
