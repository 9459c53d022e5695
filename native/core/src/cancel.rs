//! Cooperative cancellation: what a long kernel polls to know it should give up.
//!
//! Threads cannot be killed safely, so long kernels poll a [`Check`] every so often (every 2^16
//! loop iterations, well under a millisecond of work; sleeps every 5 ms) and give up once it
//! says so. Two things can say so: the [`Cancel`] flag shared by everything one Node environment
//! started (set when the environment is torn down, so orphaned work stops instead of hogging the
//! pool), and a task's own status word when JavaScript aborted it (see [`crate::control`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many loop iterations a kernel runs between two looks at its [`Check`] (a mask): 2^16
/// iterations are about 0.5 ms of `bruteGcd` on 32-bit operands and 2 to 3 ms on 64-bit ones,
/// so an abort is honoured well within 10 ms, and the check (one or two relaxed loads) costs
/// nothing measurable.
pub const CHECK_EVERY_MASK: u64 = (1 << 16) - 1;

/// Something a kernel polls to learn that it should stop.
pub trait Check {
    /// Whether the work should stop now.
    fn is_cancelled(&self) -> bool;

    /// `Err(Cancelled)` once [`Check::is_cancelled`] is true.
    fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// A shared, clonable cancellation flag.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

/// The error of a kernel that stopped because its [`Cancel`] flag was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the work was cancelled")
    }
}

impl std::error::Error for Cancelled {}

impl Check for Cancel {
    fn is_cancelled(&self) -> bool {
        Cancel::is_cancelled(self)
    }
}

impl Cancel {
    /// A flag that starts unset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag; every kernel polling it stops at its next check.
    pub fn cancel(&self) {
        // Relaxed is enough: the flag carries no data, and a kernel that misses the store on one
        // check sees it on the next.
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once the flag is set.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_flag() {
        let a = Cancel::new();
        let b = a.clone();
        assert!(a.check().is_ok());
        b.cancel();
        assert!(a.is_cancelled());
        assert_eq!(a.check(), Err(Cancelled));
    }
}
