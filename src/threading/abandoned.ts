// Reporting a lock taken over from a thread that died holding it.

/** Emits a process warning (once per kind and thread) that a lock's owner died holding it. */
const warned = new Set<string>();
export function reportAbandoned(kind: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  process.emitWarning(
    `a thread died while holding a ${kind}; the ${kind} was released to the next acquirer ` +
      '(the data it protected may be inconsistent)',
    { type: 'NogilWarning', code: 'NOGIL_ABANDONED_LOCK' },
  );
}
