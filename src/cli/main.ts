#!/usr/bin/env node
// The `nogil` command: dispatches to `bench`, `tour`, `worker` and `status`, each loaded only
// when run (`worker` alone loads nogil/distributed, and with it BullMQ and ioredis).
// Bad usage prints one line on stderr and exits 2.
import { readFileSync } from 'node:fs';
import { USAGE_EXIT, UsageError } from './usage.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const HELP = `nogil ${pkg.version}: Python's concurrency toolkit for Node.js, with real parallelism

Usage:
  nogil bench [options]   which parallelism pays off on this machine, from which task size?
                          (native threads, worker threads, processes, piscina, fork, Python)
  nogil tour [options]    replay the Python-concurrency tutorial's examples, live
  nogil worker [options]  serve a RedisExecutor: run its tasks on this machine (nogil/distributed)
  nogil status [--json]   which native binary was loaded from where, and the platform
  nogil <command> --help  the options of a command
  nogil --help, -h        this help (and the native addon's status)
  nogil --version, -v     print the version

Start with: npx nogil bench --quick

Modules: nogil/subprocess, nogil/threading, nogil/queue, nogil/futures, nogil/native, nogil/distributed
(see the README).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const { printStatus } = await import('./status.js');
    console.log(HELP);
    console.log();
    printStatus();
    return 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(pkg.version);
    return 0;
  }
  if (command === 'status') return (await import('./status.js')).statusCommand(rest);
  if (command === 'bench') return (await import('./bench/command.js')).benchCommand(rest, pkg.version);
  if (command === 'tour') return (await import('./tour/command.js')).tourCommand(rest);
  // nogil/distributed (BullMQ, ioredis) loads only for this command.
  if (command === 'worker') return (await import('../distributed/worker-cli.js')).runWorkerCommand(rest);
  throw new UsageError(
    command.startsWith('-')
      ? `unknown option '${command}' (see nogil --help)`
      : `unknown command '${command}' (see nogil --help)`,
  );
}

// `nogil bench | head`: a reader that went away is not an error (the signal handlers and the
// children's own exit-on-EOF still stop everything a run started).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`nogil: ${error.message}`);
    process.exitCode = USAGE_EXIT;
  } else {
    console.error(`nogil: ${(error as Error)?.stack ?? error}`);
    process.exitCode = 1;
  }
}
