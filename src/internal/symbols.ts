// Symbols for protocols that cross files inside nogil (never part of the public API).

/** Condition <-> its lock: whether the calling thread owns the lock (Python's `_is_owned`). */
export const kIsOwned: unique symbol = Symbol('nogil.lock.isOwned');
/** Condition <-> its lock: release completely, returning what to restore (`_release_save`). */
export const kReleaseSave: unique symbol = Symbol('nogil.lock.releaseSave');
/** Condition <-> its lock: re-acquire without waiting the event loop (`_acquire_restore`). */
export const kRestoreAsync: unique symbol = Symbol('nogil.lock.restoreAsync');
/** Condition <-> its lock: re-acquire by blocking the thread (`_acquire_restore`, workers). */
export const kRestoreSync: unique symbol = Symbol('nogil.lock.restoreSync');
