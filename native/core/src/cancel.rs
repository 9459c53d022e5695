//! A cooperative cancellation flag shared by everything one Node environment started.
//!
//! Threads cannot be killed safely, so long kernels poll this flag every so often (every 2^20
//! iterations, a few milliseconds of work) and give up once it is set. The binding sets it when
//! the environment that owns the work is torn down (a worker_thread exits, the process ends), so
//! orphaned work stops instead of hogging the pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many loop iterations a kernel runs between two looks at its [`Cancel`] flag (a mask).
pub const CHECK_EVERY_MASK: u64 = (1 << 20) - 1;

/// A shared, clonable cancellation flag.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

/// The error of a kernel that stopped because its [`Cancel`] flag was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the work was cancelled because its environment shut down")
    }
}

impl std::error::Error for Cancelled {}

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
