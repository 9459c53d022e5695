#!/usr/bin/env node
// The `nogil` command. This version prints help, the version, and the native addon's status;
// `nogil bench` and `nogil tour` are listed as coming commands until they land.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { binding, nativeAvailable, nativeLoadError, nativeLoadInfo } from '../native/binding.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const HELP = `nogil ${pkg.version}: Python's concurrency toolkit for Node.js, with real parallelism

Usage:
  nogil --help, -h        show this help and the native addon's status
  nogil --version, -v     print the version
  nogil status            print the native addon's status (as JSON with --json)

Coming with later releases:
  nogil bench [--quick]   benchmark native threads vs worker_threads vs processes (and Python)
  nogil tour              replay the classic Python-concurrency tutorial examples

Modules: nogil/subprocess, nogil/threading, nogil/queue, nogil/native (see the README).`;

/** The native addon's status, as data. */
function status(): Record<string, unknown> {
  const info = nativeLoadInfo();
  const base = {
    nogil: pkg.version,
    node: process.version,
    platform: info.platform,
    cores: availableParallelism(),
    nativeAvailable: nativeAvailable(),
  };
  if (!nativeAvailable()) return { ...base, nativeLoadError: nativeLoadError()?.message };
  const native = binding().info();
  return {
    ...base,
    loadedFrom: info.from,
    loadedPath: info.path,
    loadMs: Math.round(info.loadMs * 100) / 100,
    napiVersion: native.napiVersion,
    addonVersion: native.version,
  };
}

function printStatus(): void {
  const s = status();
  if (s.nativeAvailable) {
    console.log(
      `native addon: loaded from ${s.loadedFrom} (${s.loadedPath}) in ${s.loadMs} ms (N-API ${s.napiVersion}, ${s.platform}, ${s.cores} cores)`,
    );
  } else {
    console.log(`native addon: NOT available\n${s.nativeLoadError}`);
  }
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    console.log();
    printStatus();
    return 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(pkg.version);
    return 0;
  }
  if (command === 'status') {
    if (rest.includes('--json')) console.log(JSON.stringify(status(), null, 2));
    else printStatus();
    return 0;
  }
  if (command === 'bench' || command === 'tour') {
    console.error(`nogil: '${command}' is not available in this version yet (see nogil --help)`);
    return 2;
  }
  console.error(`nogil: unknown command '${command}'\n\n${HELP}`);
  return 2;
}

const argv = process.argv.slice(2);
if (argv[0] === 'worker') {
  // nogil/distributed (BullMQ, ioredis) loads only for this command.
  const { runWorkerCommand } = await import('../distributed/worker-cli.js');
  process.exitCode = await runWorkerCommand(argv.slice(1));
} else {
  process.exitCode = main(argv);
}
