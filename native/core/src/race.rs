//! The tutorial's counter race, on real OS threads: several threads increment one counter,
//! either under a mutex (always exact) or with an unsynchronised read-modify-write (loses
//! updates as soon as two threads run at once).
//!
//! The racy version is a *data race in the logical sense only*: it uses a relaxed atomic load
//! followed by a relaxed atomic store, so there is no undefined behaviour, just lost updates,
//! exactly like Python's `self.count += offset` without a lock.

use crate::cancel::{Cancel, Cancelled};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// How many increments a racer does between two looks at the cancel flag (a mask).
const CHECK_EVERY_MASK: u64 = (1 << 16) - 1;

/// Why a race could not be run.
#[derive(Debug)]
pub enum RaceError {
    /// The OS refused a thread.
    Spawn(std::io::Error),
    /// The environment went away.
    Cancelled,
}

impl From<Cancelled> for RaceError {
    fn from(_: Cancelled) -> Self {
        RaceError::Cancelled
    }
}

/// A start gate: like a `Barrier`, but one that can be opened early (with `abort`) when a
/// thread fails to spawn, so the threads already waiting do not deadlock.
struct Gate {
    state: Mutex<(usize, Option<bool>)>,
    changed: Condvar,
}

impl Gate {
    /// Blocks until the coordinator opens the gate; `true` means go, `false` means abort.
    fn arrive_and_wait(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 += 1;
        self.changed.notify_all();
        loop {
            if let Some(go) = state.1 {
                return go;
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Waits until `n` threads arrived, then lets them all go at once.
    fn open_when(&self, n: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.0 < n {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.1 = Some(true);
        self.changed.notify_all();
    }

    fn abort(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1 = Some(false);
        self.changed.notify_all();
    }
}

/// Runs `threads` threads that each add 1 to one counter `increments` times, all released
/// together (as the tutorial's `Barrier`), and returns the final count: exactly
/// `threads * increments` when `locked`, usually less otherwise.
pub fn counter_race(
    threads: usize,
    increments: u64,
    locked: bool,
    cancel: &Cancel,
) -> Result<u64, RaceError> {
    let gate = Gate {
        state: Mutex::new((0, None)),
        changed: Condvar::new(),
    };
    let locked_count = Mutex::new(0u64);
    let racy_count = AtomicU64::new(0);
    std::thread::scope(|scope| -> Result<(), RaceError> {
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads {
            let (gate, locked_count, racy_count) = (&gate, &locked_count, &racy_count);
            let spawned = std::thread::Builder::new()
                .name(format!("nogil-race-{i}"))
                .spawn_scoped(scope, move || -> Result<(), Cancelled> {
                    if !gate.arrive_and_wait() {
                        return Ok(());
                    }
                    for n in 0..increments {
                        if locked {
                            *locked_count.lock().unwrap_or_else(PoisonError::into_inner) += 1;
                        } else {
                            // The lost-update race: read, then write back read + 1.
                            let seen = racy_count.load(Ordering::Relaxed);
                            racy_count.store(seen + 1, Ordering::Relaxed);
                        }
                        if n & CHECK_EVERY_MASK == 0 {
                            cancel.check()?;
                        }
                    }
                    Ok(())
                });
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(err) => {
                    gate.abort();
                    return Err(RaceError::Spawn(err));
                }
            }
        }
        gate.open_when(threads);
        for handle in handles {
            match handle.join() {
                Ok(result) => result?,
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        Ok(())
    })?;
    Ok(if locked {
        *locked_count.lock().unwrap_or_else(PoisonError::into_inner)
    } else {
        racy_count.load(Ordering::Relaxed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_counter_is_exact() {
        for _ in 0..5 {
            assert_eq!(
                counter_race(5, 100_000, true, &Cancel::new()).unwrap(),
                500_000
            );
        }
    }

    #[test]
    fn the_racy_counter_never_gains_and_loses_with_parallelism() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut lowest = u64::MAX;
        for _ in 0..5 {
            let n = counter_race(5, 100_000, false, &Cancel::new()).unwrap();
            assert!(n <= 500_000);
            lowest = lowest.min(n);
        }
        if cores >= 2 {
            assert!(
                lowest < 500_000,
                "5 racing threads on {cores} cores lost no update"
            );
        }
    }

    #[test]
    fn a_single_thread_cannot_race() {
        assert_eq!(
            counter_race(1, 12_345, false, &Cancel::new()).unwrap(),
            12_345
        );
    }

    #[test]
    fn cancel_stops_a_long_race() {
        let cancel = Cancel::new();
        cancel.cancel();
        assert!(matches!(
            counter_race(2, u64::MAX, true, &cancel),
            Err(RaceError::Cancelled)
        ));
    }
}
