// A minimal executor for tests of the base: it runs each task's function on the main thread
// (one per macrotask, in submission order). It is what an executor author writes with the
// protected backend protocol, and it gives the type tests a function-taking executor with
// ThreadPoolExecutor's `Fn` (functions and `{ module, name }`).
import { Executor, type ModuleTask, type TaskFunction, type WorkItem } from 'nogil/futures';

type Fn = TaskFunction | ModuleTask;
type Task = (...args: unknown[]) => unknown;

export class InlineExecutor extends Executor<Fn, Task> {
  #running = 0;

  protected override _prepare(fn: unknown): Task {
    if (typeof fn !== 'function') throw new TypeError('InlineExecutor runs functions only');
    return fn as Task;
  }

  protected override _dispatch(items: ReadonlyArray<WorkItem<Task>>): void {
    for (const item of items) setImmediate(() => this.#run(item));
  }

  async #run(item: WorkItem<Task>): Promise<void> {
    if (!item.future.setRunningOrNotifyCancel()) return;
    this.#running++;
    try {
      const value = item.chunk
        ? await Promise.all(item.args.map((arg) => item.task(arg)))
        : await item.task(...item.args);
      this._settle(item, true, value);
    } catch (error) {
      this._settle(item, false, error);
    } finally {
      this.#running--;
    }
  }

  protected override async _close(): Promise<void> {}

  protected override _workers(): { workers: number; idle: number } {
    return { workers: 1, idle: this.#running === 0 ? 1 : 0 };
  }
}
