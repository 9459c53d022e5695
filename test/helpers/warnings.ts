// Captures process warnings a test expects, without Node's default handler printing them into
// the test output (the 'warning' event still fires, as a user's listener would see it).

/** Starts capturing; `stop()` restores Node's own warning handlers. */
export function captureWarnings(): { readonly warnings: Error[]; stop(): void } {
  const warnings: Error[] = [];
  const saved = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (w: Error): void => {
    warnings.push(w);
  };
  process.on('warning', onWarning);
  return {
    warnings,
    stop() {
      process.off('warning', onWarning);
      for (const listener of saved) process.on('warning', listener);
    },
  };
}
