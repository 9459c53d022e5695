// Python-style renderings used in messages: `repr()` of strings, bytes and argument lists,
// and `signal.Signals` names, so error messages read exactly like CPython's.
import { constants } from 'node:os';

/** Signal number -> first (canonical) name, e.g. 6 -> SIGABRT (not its alias SIGIOT). */
const signalNames = new Map<number, string>();
for (const [name, num] of Object.entries(constants.signals)) {
  if (!signalNames.has(num)) signalNames.set(num, name);
}

/** The name of signal `num` (`15` -> `'SIGTERM'`), or undefined for an unknown number. */
export function signalName(num: number): string | undefined {
  return signalNames.get(num);
}

/** Python's `repr()` of a str: single quotes unless the text has one and no double quote. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a bytes object (`b'ab\n'`). */
export function pyBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** `repr()` of any value nogil puts in a message: str, bytes, lists of those, numbers. */
export function pyValueRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return pyRepr(value);
  if (value instanceof Uint8Array) return pyBytesRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyValueRepr).join(', ')}]`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** How Python's `'%s' % cmd` shows a command: a str as is, a list as its repr. */
export function formatCmd(cmd: unknown): string {
  return typeof cmd === 'string' ? cmd : pyValueRepr(cmd);
}
