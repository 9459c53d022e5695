// One ProcessPoolExecutor child as the parent sees it: the forked process, the tasks handed to it
// (in the order it runs them), whether it keeps the parent's event loop alive, and how it ended.
// It knows nothing of scheduling (process-pool.ts decides who gets what).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fromWire, type WireError } from '../internal/errors.js';
import type { TaskRef } from '../internal/task-ref.js';
import { childExecArgv } from '../internal/task-ref.js';
import { Msg, type ToChild, type ToParent, type WireTask } from './process-protocol.js';

const CHILD_MAIN = fileURLToPath(new URL('./process-child.js', import.meta.url));

/**
 * Where a child is in its life. `starting`: forked, initializer not done; `ready`: takes tasks;
 * `retiring`: reached maxTasksPerChild, exits once its tasks are done; `stopping`: being ended on
 * purpose (shutdown, an abort, a broken pool, terminateWorkers); `dead`: exited and its channel
 * is closed (every message it sent has been delivered).
 */
export type ChildState = 'starting' | 'ready' | 'retiring' | 'stopping' | 'dead';

/** A task handed to a child and not answered yet. */
export interface Handed<Item> {
  readonly id: number;
  readonly item: Item;
}

/** What a child reports to its pool. */
export interface ChildEvents<Item> {
  ready(child: ChildHandle<Item>): void;
  initFailed(child: ChildHandle<Item>, error: Error): void;
  result(child: ChildHandle<Item>, handed: Handed<Item>, ok: boolean, value: unknown, ms: number): void;
  closed(child: ChildHandle<Item>, code: number | null, signal: NodeJS.Signals | null, error?: Error): void;
}

/** The parent's handle on one forked child. */
export class ChildHandle<Item> {
  readonly #proc: ChildProcess;
  readonly #events: ChildEvents<Item>;
  readonly #knownRefs = new Set<number>();
  #refd = true;
  #spawnError: Error | undefined;
  /** The child's state (see {@link ChildState}). */
  state: ChildState = 'starting';
  /** Tasks handed over and not answered, in the order the child runs them. */
  readonly inflight: Array<Handed<Item>> = [];
  /** How many tasks were ever handed to this child (for maxTasksPerChild). */
  handed = 0;
  /** An uncaught error the child reported just before it died. */
  fatal: Error | undefined;
  /** Resolves once the child is dead. */
  readonly closed: Promise<void>;

  constructor(events: ChildEvents<Item>, init: { initializer: TaskRef | undefined; initargs: readonly unknown[] }) {
    this.#events = events;
    this.#proc = fork(CHILD_MAIN, [], {
      serialization: 'advanced',
      // A parent started with `node -e` / `--input-type` must not pass those to the child.
      execArgv: childExecArgv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // Dead = exited and its channel closed. Node's 'close' is not emitted for a child whose
    // channel the parent disconnected, so both are watched here; 'disconnect' comes after every
    // message read from the channel, so no result is lost.
    let exited: [number | null, NodeJS.Signals | null] | undefined;
    let disconnected = false;
    this.closed = new Promise((resolve) => {
      const finish = (): void => {
        if (this.state === 'dead' || !exited || !disconnected) return;
        this.state = 'dead';
        this.#refd = false;
        resolve();
        this.#events.closed(this, exited[0], exited[1], this.#spawnError);
      };
      this.#proc.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        exited = [code, signal];
        finish();
      });
      this.#proc.once('disconnect', () => {
        disconnected = true;
        finish();
      });
      this.#proc.on('error', (error) => {
        // A failed spawn has no pid and no channel. A send on a channel that closed meanwhile
        // is followed by 'disconnect' and 'exit': handled there.
        if (this.#proc.pid !== undefined) return;
        this.#spawnError = error;
        exited ??= [null, null];
        disconnected = true;
        finish();
      });
    });
    this.#proc.on('message', (message: ToParent) => this.#onMessage(message));
    this.#send([Msg.INIT, init.initializer, init.initargs]);
  }

  /** The child's process id (undefined if it could not be started). */
  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** Whether the child can be handed work now. */
  get usable(): boolean {
    return this.state === 'ready' && this.#proc.connected;
  }

  /** Whether the child was told about task reference `refId` already. */
  knows(refId: number): boolean {
    return this.#knownRefs.has(refId);
  }

  /**
   * Hands `tasks` (already recorded in `inflight`) over in one message. Throws synchronously if
   * something in them cannot be serialized (nothing is sent then).
   */
  run(tasks: WireTask[]): void {
    this.#send([Msg.RUN, tasks]);
    for (const task of tasks) if (task[2]) this.#knownRefs.add(task[1]);
  }

  /**
   * Keeps the parent's event loop alive (ref) or not (unref): a child with nothing to do must
   * not keep a script from exiting. Both the process handle and its IPC channel count.
   */
  setRef(ref: boolean): void {
    if (ref === this.#refd || this.state === 'dead') return;
    this.#refd = ref;
    if (ref) {
      this.#proc.ref();
      this.#proc.channel?.ref();
    } else {
      this.#proc.unref();
      this.#proc.channel?.unref();
    }
  }

  /** Asks the child to exit once idle (closes its channel: it exits when it sees that). */
  disconnect(): void {
    if (this.#proc.connected) this.#proc.disconnect();
  }

  /** Sends `signal` to the child (no-op once it is dead). */
  kill(signal: NodeJS.Signals): void {
    if (this.state === 'dead') return;
    try {
      this.#proc.kill(signal);
    } catch {
      // already gone: 'close' follows
    }
  }

  #send(message: ToChild): void {
    this.#proc.send(message);
  }

  #onMessage(message: ToParent): void {
    switch (message[0]) {
      case Msg.READY:
        if (this.state === 'starting') this.state = 'ready';
        this.#events.ready(this);
        return;
      case Msg.INIT_FAILED:
        this.#events.initFailed(this, fromWire(message[1]));
        return;
      case Msg.RESULT: {
        const handed = this.inflight.shift();
        if (!handed) return;
        if (handed.id !== message[1])
          throw new Error(`nogil: child answered task ${message[1]}, expected ${handed.id}`);
        this.#events.result(
          this,
          handed,
          message[2],
          message[2] ? message[3] : fromWire(message[3] as WireError),
          message[4],
        );
        return;
      }
      case Msg.FATAL:
        this.fatal = fromWire(message[1]);
        return;
    }
  }
}
