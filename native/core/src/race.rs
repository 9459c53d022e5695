//! The tutorial's counter race, on real OS threads: several threads increment one counter,
//! either under a mutex (always exact) or with an unsynchronised read-modify-write (loses
//! updates as soon as two threads run at once).
//!
//! The racy version is a *data race in the logical sense only*: it uses a relaxed atomic load
//! followed by a relaxed atomic store, so there is no undefined behaviour, just lost updates,
//! exactly like Python's `self.count += offset` without a lock.
//!
//! ## Why it loses updates every time
//! Two things make the race show on any machine with two cores, even a loaded one, without
//! faking it:
//! - the threads start together: they wait at a gate until all are spawned, then spin until all
//!   have left it, so they run at the same time instead of one after the other;
//! - the increment takes about as long as one iteration of the tutorial's Python loop (some
//!   100 ns of interpreter work around `self.count += 1`), and [`increment`] spends that time
//!   between its load and its store. A thread preempted, or overtaken by another core, inside
//!   that window writes back a stale count; and each thread's 100,000 increments then last
//!   about 10 ms, longer than a scheduler time slice, so even threads that share one busy
//!   core interleave.
//!
//! The locked version runs the very same increment inside the mutex.

use crate::cancel::{Cancel, Cancelled};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// How many increments a racer does between two looks at the cancel flag (a mask).
const CHECK_EVERY_MASK: u64 = (1 << 16) - 1;

/// How many dependent steps [`increment`] takes between reading the count and writing it back.
const WINDOW_STEPS: u32 = 300;

/// One read-modify-write of the counter: `seen + 1`, computed in about 100 ns of dependent
/// steps that the optimiser cannot remove (a model of the interpreter's work between the read
/// and the write of `count += 1`).
fn increment(seen: u64) -> u64 {
    let mut next = seen;
    for _ in 0..WINDOW_STEPS {
        next = std::hint::black_box(next);
    }
    next + 1
}

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
    let released = AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<(), RaceError> {
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads {
            let (gate, locked_count, racy_count, released) =
                (&gate, &locked_count, &racy_count, &released);
            let spawned = std::thread::Builder::new()
                .name(format!("nogil-race-{i}"))
                .spawn_scoped(scope, move || -> Result<(), Cancelled> {
                    if !gate.arrive_and_wait() {
                        return Ok(());
                    }
                    // Threads leave the gate's condvar one by one; spin (yielding, so that the
                    // others get a core to wake up on) until every one has, then start together.
                    released.fetch_add(1, Ordering::AcqRel);
                    while released.load(Ordering::Acquire) < threads {
                        std::thread::yield_now();
                    }
                    for n in 0..increments {
                        if locked {
                            let mut count =
                                locked_count.lock().unwrap_or_else(PoisonError::into_inner);
                            *count = increment(*count);
                        } else {
                            // The lost-update race: read, compute, write back.
                            let seen = racy_count.load(Ordering::Relaxed);
                            racy_count.store(increment(seen), Ordering::Relaxed);
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
                counter_race(5, 20_000, true, &Cancel::new()).unwrap(),
                100_000
            );
        }
    }

    #[test]
    fn the_racy_counter_never_gains_and_loses_with_parallelism() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut lowest = u64::MAX;
        for _ in 0..5 {
            let n = counter_race(5, 20_000, false, &Cancel::new()).unwrap();
            assert!(n <= 100_000);
            lowest = lowest.min(n);
        }
        if cores >= 2 {
            assert!(
                lowest < 100_000,
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
