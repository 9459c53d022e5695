// Python's universal newlines for text mode (`\r\n` and a lone `\r` become `\n`), done on the
// bytes before decoding, in place.
//
// A regular expression over the decoded string (`text.replace(/\r\n?/g, '\n')`) took 10 s and
// 2.9 GB for 120 MB of `é\r\n` lines; this is one linear pass over the joined bytes, allocating
// nothing. It is valid for encodings in which the bytes 0x0D and 0x0A only ever mean CR and LF
// (ASCII, Latin-1, UTF-8: no multi-byte UTF-8 sequence contains a byte below 0x80); other
// encodings (UTF-16) are translated after decoding.

const CR = 0x0d;
const LF = 0x0a;

/** Encodings whose bytes 0x0D / 0x0A are always CR / LF. */
const ASCII_COMPATIBLE: ReadonlySet<BufferEncoding> = new Set(['utf8', 'utf-8', 'latin1', 'binary', 'ascii']);

/** Whether newlines of `encoding` can be translated on the bytes. */
export function translatesBytes(encoding: BufferEncoding): boolean {
  return ASCII_COMPATIBLE.has(encoding);
}

/**
 * Turns `\r\n` and `\r` into `\n` in place; returns the new length (the bytes after it are
 * garbage). One pass over the bytes from the first CR on; in place because reading and writing
 * the same cache lines is about twice as fast as copying into a second buffer.
 */
export function translateInPlace(buf: Uint8Array): number {
  const first = buf.indexOf(CR);
  if (first === -1) return buf.length;
  const last = buf.length - 1;
  let w = first;
  let i = first;
  while (i < last) {
    const byte = buf[i++]!;
    if (byte !== CR) {
      buf[w++] = byte;
      continue;
    }
    buf[w++] = LF;
    if (buf[i] === LF) i++;
  }
  if (i === last) buf[w++] = buf[last] === CR ? LF : buf[last]!;
  return w;
}

/**
 * For UTF-8 text whose characters all fit Latin-1 (ASCII plus the accented letters of Western
 * languages: 2-byte sequences led by 0xC2 or 0xC3), turns it in place into Latin-1 bytes with
 * universal newlines; returns the new length, or -1 (buffer then garbage) at the first other
 * byte >= 0x80 or a sequence cut by the end. Decoding Latin-1 is a plain copy, where V8's UTF-8
 * decoder costs several times more; V8 stores such text one byte per character either way.
 */
export function latin1FromUtf8InPlace(buf: Uint8Array): number {
  const n = buf.length;
  let w = 0;
  let i = 0;
  while (i < n) {
    const byte = buf[i++]!;
    if (byte < 0x80) {
      if (byte !== CR) {
        buf[w++] = byte;
        continue;
      }
      buf[w++] = LF;
      if (buf[i] === LF) i++;
      continue;
    }
    if ((byte !== 0xc2 && byte !== 0xc3) || i === n) return -1;
    const next = buf[i++]!;
    if ((next & 0xc0) !== 0x80) return -1;
    buf[w++] = ((byte & 0x03) << 6) | (next & 0x3f);
  }
  return w;
}

/**
 * Where the last complete UTF-8 sequence of `buf` ends: the bytes after it start a character
 * the next chunk completes.
 */
export function utf8CompleteLength(buf: Uint8Array): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const byte = buf[n - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Universal newlines on an already decoded string (for encodings that are not ASCII-compatible). */
export function translateString(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}
