// The backends by `--backends` name.
import type { BackendName } from '../options.js';
import { nativeBackend, processesBackend, threadsBackend } from './executors.js';
import { forkBackend } from './fork.js';
import { piscinaBackend } from './piscina.js';
import { pythonBackend } from './python.js';
import { serialJsBackend, serialNativeBackend } from './serial.js';
import type { Backend } from './types.js';

/** A new (unopened) backend. */
export function createBackend(name: BackendName): Backend {
  switch (name) {
    case 'serial-js':
      return serialJsBackend();
    case 'serial-native':
      return serialNativeBackend();
    case 'native':
      return nativeBackend();
    case 'threads':
      return threadsBackend();
    case 'processes':
      return processesBackend();
    case 'piscina':
      return piscinaBackend();
    case 'fork':
      return forkBackend();
    case 'python':
      return pythonBackend();
  }
}

/** The serial baseline a backend's speedup is measured against (always measured with it). */
export function baselineOf(name: BackendName): BackendName | undefined {
  if (name === 'native') return 'serial-native';
  if (name === 'threads' || name === 'processes' || name === 'piscina' || name === 'fork') return 'serial-js';
  return undefined; // the baselines themselves, and python (its serial run is one of its cells)
}
