// Text mode: Python's `text` / `encoding` mapped to Node encodings, input encoding, and output
// decoding with universal newlines.
import { withCode } from '../internal/errors.js';
import { invalidArgType } from '../internal/validate.js';

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

/** Decodes a child's output in text mode, with Python's universal newlines (\r\n, \r -> \n). */
export function decodeOutput(data: Buffer, encoding: BufferEncoding): string {
  const text = data.toString(encoding);
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}
