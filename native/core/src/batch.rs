//! One `map` call: many inputs for one kernel, computed by several pool threads at once.
//!
//! ## Scheduling
//! Threads claim items from a shared atomic cursor, so no thread idles while another still
//! has a backlog. Small batches (at most [`LPT_MAX_ITEMS`] items) are claimed one item at a
//! time, longest estimated work first (LPT), which keeps a few large items from landing on
//! the same thread last; the results still come back in input order. Large batches are
//! claimed in guided chunks (what is left / 2 per thread), so the cursor is touched only a few
//! dozen times even for a million tiny items.
//!
//! ## Memory ordering
//! Each result slot is written once, by the thread that claimed it, with a relaxed store; the
//! thread then adds the chunk's length to `done` with AcqRel. All those read-modify-writes form
//! one release sequence, so the thread whose addition completes the batch (and only it) has
//! acquired every slot write and may read the slots with relaxed loads.

use crate::cancel::Check;
use crate::kernel::{Kernel, Output};
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// Batches up to this size are scheduled longest-first, one item at a time.
pub const LPT_MAX_ITEMS: usize = 1024;

/// The largest chunk a thread claims at once.
const MAX_CHUNK: usize = 1 << 16;

/// The results of a finished batch, in input order.
#[derive(Clone, Debug, PartialEq)]
pub enum BatchOutput {
    /// One number per input.
    Numbers(Vec<u64>),
    /// One list per input.
    Lists(Vec<Vec<u64>>),
}

/// Why a batch failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchError {
    /// A kernel panicked on input `index`; the message is the panic's.
    Panic {
        /// The input that panicked.
        index: usize,
        /// The panic message.
        message: String,
    },
    /// The environment went away.
    Cancelled,
}

/// Result slots: numbers as atomics, lists behind per-slot mutexes (touched once each).
enum Slots {
    Numbers(Vec<AtomicU64>),
    Lists(Vec<Mutex<Vec<u64>>>),
}

/// A `map` in progress.
pub struct Batch {
    kernel: Kernel,
    args: Vec<u64>,
    len: usize,
    threads: usize,
    /// LPT order for small batches: `order[k]` is the k-th input to run.
    order: Option<Vec<u32>>,
    next: AtomicUsize,
    done: AtomicUsize,
    slots: Slots,
    failure: Mutex<Option<BatchError>>,
}

impl Batch {
    /// A batch of `args.len() / kernel.arity()` inputs, laid out flat (`[a0, b0, a1, b1, ...]`),
    /// to be worked on by up to `threads` threads.
    ///
    /// # Panics
    /// When `args.len()` is not a multiple of the kernel's arity (a caller bug).
    pub fn new(kernel: Kernel, args: Vec<u64>, threads: usize) -> Batch {
        let arity = kernel.arity();
        assert!(
            args.len().is_multiple_of(arity),
            "batch arguments must come in whole tuples"
        );
        let len = args.len() / arity;
        let order = (len > 1 && len <= LPT_MAX_ITEMS).then(|| {
            let mut order: Vec<u32> = (0..len as u32).collect();
            let cost = |i: u32| kernel.estimated_cost(&args[i as usize * arity..][..arity]);
            // Stable sort: equal costs keep input order.
            order.sort_by_key(|&i| std::cmp::Reverse(cost(i)));
            order
        });
        let slots = if kernel.returns_list() {
            Slots::Lists((0..len).map(|_| Mutex::new(Vec::new())).collect())
        } else {
            Slots::Numbers((0..len).map(|_| AtomicU64::new(0)).collect())
        };
        Batch {
            kernel,
            args,
            len,
            threads: threads.max(1),
            order,
            next: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            slots,
            failure: Mutex::new(None),
        }
    }

    /// The number of inputs.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no inputs.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many threads are worth putting on this batch.
    pub fn useful_threads(&self) -> usize {
        self.threads.min(self.len).max(1)
    }

    /// Claims the next range of cursor positions, or `None` when all are claimed.
    fn claim(&self) -> Option<Range<usize>> {
        let mut start = self.next.load(Ordering::Relaxed);
        loop {
            if start >= self.len {
                return None;
            }
            let left = self.len - start;
            let size = if self.order.is_some() {
                1
            } else {
                (left / (2 * self.threads)).clamp(1, MAX_CHUNK)
            };
            // Relaxed: the cursor only hands out disjoint ranges; it publishes no data.
            match self.next.compare_exchange_weak(
                start,
                start + size,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(start..start + size),
                Err(now) => start = now,
            }
        }
    }

    fn failed(&self) -> bool {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    fn fail(&self, error: BatchError) {
        let mut failure = self.failure.lock().unwrap_or_else(PoisonError::into_inner);
        if failure.is_none() {
            *failure = Some(error);
        }
    }

    /// Computes one input and stores its result.
    fn compute(&self, index: usize, cancel: &(impl Check + ?Sized)) {
        let arity = self.kernel.arity();
        let args = &self.args[index * arity..][..arity];
        match catch_unwind(AssertUnwindSafe(|| self.kernel.run(args, cancel))) {
            Ok(Ok(Output::Number(n))) => {
                if let Slots::Numbers(slots) = &self.slots {
                    slots[index].store(n, Ordering::Relaxed);
                }
            }
            Ok(Ok(Output::List(list))) => {
                if let Slots::Lists(slots) = &self.slots {
                    *slots[index].lock().unwrap_or_else(PoisonError::into_inner) = list;
                }
            }
            Ok(Err(_)) => self.fail(BatchError::Cancelled),
            Err(payload) => self.fail(BatchError::Panic {
                index,
                message: panic_message(payload.as_ref()),
            }),
        }
    }

    /// Works on the batch until nothing is left to claim. Returns `true` on exactly one
    /// thread: the one that completed the last input, which must then call [`Batch::finish`].
    pub fn work(&self, cancel: &(impl Check + ?Sized)) -> bool {
        let mut finished_it = false;
        while let Some(range) = self.claim() {
            let count = range.len();
            // After a failure the rest is claimed and skipped, so the batch still completes.
            if !self.failed() {
                for k in range {
                    if cancel.is_cancelled() {
                        self.fail(BatchError::Cancelled);
                        break;
                    }
                    let index = match &self.order {
                        Some(order) => order[k] as usize,
                        None => k,
                    };
                    self.compute(index, cancel);
                }
            }
            let before = self.done.fetch_add(count, Ordering::AcqRel);
            finished_it = before + count == self.len;
        }
        finished_it
    }

    /// The outcome, once [`Batch::work`] returned `true` (or for an empty batch).
    pub fn finish(&self) -> Result<BatchOutput, BatchError> {
        if let Some(error) = self
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            return Err(error);
        }
        Ok(match &self.slots {
            Slots::Numbers(slots) => {
                BatchOutput::Numbers(slots.iter().map(|s| s.load(Ordering::Relaxed)).collect())
            }
            Slots::Lists(slots) => BatchOutput::Lists(
                slots
                    .iter()
                    .map(|s| std::mem::take(&mut *s.lock().unwrap_or_else(PoisonError::into_inner)))
                    .collect(),
            ),
        })
    }
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a native task panicked".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;
    use std::sync::Arc;

    fn run_on_threads(batch: &Arc<Batch>, threads: usize) -> Result<BatchOutput, BatchError> {
        let finishers: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| s.spawn(|| batch.work(&Cancel::new())))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            finishers.iter().filter(|&&f| f).count(),
            1,
            "exactly one finisher"
        );
        batch.finish()
    }

    #[test]
    fn results_come_back_in_input_order() {
        let pairs: Vec<u64> = (0..5000u64).flat_map(|i| [i * 6 + 12, i * 4 + 8]).collect();
        let batch = Arc::new(Batch::new(Kernel::Gcd, pairs.clone(), 4));
        let Ok(BatchOutput::Numbers(out)) = run_on_threads(&batch, 4) else {
            panic!("expected numbers");
        };
        for (i, got) in out.iter().enumerate() {
            assert_eq!(*got, crate::kernels::gcd(pairs[2 * i], pairs[2 * i + 1]));
        }
    }

    #[test]
    fn small_batches_keep_order_despite_lpt() {
        let args = vec![543_456, 43_523_465, 7_134_890, 873_490, 12, 18];
        let batch = Arc::new(Batch::new(Kernel::BruteGcd, args, 2));
        assert_eq!(
            run_on_threads(&batch, 2),
            Ok(BatchOutput::Numbers(vec![1, 10, 6]))
        );
    }

    #[test]
    fn lists_are_returned_per_input() {
        let batch = Arc::new(Batch::new(Kernel::Factorize, vec![6, 1, 0, 12], 2));
        assert_eq!(
            run_on_threads(&batch, 3),
            Ok(BatchOutput::Lists(vec![
                vec![1, 2, 3, 6],
                vec![1],
                vec![],
                vec![1, 2, 3, 4, 6, 12]
            ]))
        );
    }

    #[test]
    fn a_cancelled_batch_completes_as_cancelled() {
        let batch = Arc::new(Batch::new(Kernel::Sleep, vec![10_000; 8], 2));
        let cancel = Cancel::new();
        cancel.cancel();
        assert!(batch.work(&cancel));
        assert_eq!(batch.finish(), Err(BatchError::Cancelled));
    }

    #[test]
    fn an_empty_batch_finishes_empty() {
        let batch = Batch::new(Kernel::Gcd, vec![], 2);
        assert!(batch.is_empty());
        assert!(!batch.work(&Cancel::new()));
        assert_eq!(batch.finish(), Ok(BatchOutput::Numbers(vec![])));
    }

    #[cfg(feature = "test-panic")]
    #[test]
    fn a_panicking_item_fails_the_batch_with_its_message() {
        let batch = Arc::new(Batch::new(Kernel::Panic, vec![1, 2, 3], 2));
        match run_on_threads(&batch, 2) {
            Err(BatchError::Panic { message, .. }) => assert!(message.contains("test panic")),
            other => panic!("expected a panic, got {other:?}"),
        }
    }
}
