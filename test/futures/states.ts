// Futures in each of CPython's five states, made through the public executor-author API (as
// CPython's test util.create_future does by poking `_state`).
import { Future } from 'nogil/futures';

/** A fresh future in `state`; FINISHED ones hold 42 or an `OSError`-like RangeError. */
export function futureIn(
  state: 'PENDING' | 'RUNNING' | 'CANCELLED' | 'CANCELLED_AND_NOTIFIED' | 'EXCEPTION' | 'SUCCESSFUL',
): Future<number> {
  const f = new Future<number>();
  switch (state) {
    case 'PENDING':
      break;
    case 'RUNNING':
      f.setRunningOrNotifyCancel();
      break;
    case 'CANCELLED':
      f.cancel();
      break;
    case 'CANCELLED_AND_NOTIFIED':
      f.cancel();
      f.setRunningOrNotifyCancel();
      break;
    case 'EXCEPTION':
      f.setException(new RangeError('boom'));
      break;
    case 'SUCCESSFUL':
      f.setResult(42);
      break;
  }
  return f;
}

/** Resolves after the pending macrotasks (process warnings are emitted on a later tick). */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
