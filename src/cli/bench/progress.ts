// The progress bar on stderr (cli-progress), only when stderr is a terminal: pipes and files
// get nothing, so logs stay clean.
import type { Progress } from './runner.js';

/** A progress reporter for `stream`, or undefined when it is not a TTY. */
export async function progressBar(
  stream: NodeJS.WriteStream,
  colour: boolean,
): Promise<(Progress & { stop(): void }) | undefined> {
  if (!stream.isTTY) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${colour ? '\u001b[36m{bar}\u001b[0m' : '{bar}'} {percentage}% | {value}/{total} runs | {label}`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let total = 0;
  return {
    start(runs) {
      total += runs;
      if (!started) {
        bar.start(total, 0, { label: '' });
        started = true;
      } else bar.setTotal(total);
    },
    tick(label) {
      bar.increment(1, { label });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
