//! Per-task status words shared with JavaScript: how one queued task is aborted, and how
//! JavaScript learns, synchronously and exactly, that a pool thread has started it.
//!
//! ## Protocol
//! A [`ControlBlock`] is an array of `i32` words that JavaScript also sees (as an `Int32Array`
//! over the same memory, read and written with `Atomics`). A controlled task owns one word from
//! submission until the pool has finished with it:
//!
//! ```text
//!  JS submit: FREE ──store──▶ QUEUED
//!  pool picks it:   QUEUED ──CAS──▶ RUNNING          (fails on CANCELLED: never run)
//!  JS abort:        QUEUED ──CAS──▶ CANCELLED        (rejects at once; never runs)
//!                   RUNNING ─CAS──▶ ABORTED          (rejects at once; the kernel stops at its
//!                                                     next check and its result is dropped)
//!  kernel returns:  RUNNING ──CAS──▶ DONE            (only then is the result delivered)
//!  pool lets go:    anything ──store──▶ FREE          (when the last Rust owner drops it)
//! ```
//!
//! Every transition is a single atomic operation, so an abort and a start (or an abort and a
//! finish) cannot both win: either the task never runs, or it is stopped and its result
//! dropped, or its result is delivered and the abort came too late. JavaScript reuses a word
//! only after it reads FREE, which Rust writes last (Release) and never touches again.

use crate::cancel::{Cancel, Check};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

/// The states of a status word (the same numbers as in `src/native/pool.ts`).
pub mod status {
    /// Not in use.
    pub const FREE: i32 = 0;
    /// Submitted, not started.
    pub const QUEUED: i32 = 1;
    /// A pool thread is running it.
    pub const RUNNING: i32 = 2;
    /// Aborted before it started: it never runs.
    pub const CANCELLED: i32 = 3;
    /// Aborted while running: it stops at its next check and delivers nothing.
    pub const ABORTED: i32 = 4;
    /// Finished; its result is on its way to JavaScript.
    pub const DONE: i32 = 5;
}

/// An array of status words (see the module docs).
pub struct ControlBlock {
    words: Box<[AtomicI32]>,
}

impl ControlBlock {
    /// A block of `len` FREE words.
    pub fn new(len: usize) -> ControlBlock {
        ControlBlock {
            words: (0..len).map(|_| AtomicI32::new(status::FREE)).collect(),
        }
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the block has no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The address of the first word, for the binding to show the block to JavaScript
    /// (`AtomicI32` has the same in-memory representation as `i32`).
    pub fn as_ptr(&self) -> *mut i32 {
        self.words.as_ptr().cast::<i32>().cast_mut()
    }

    /// The word at `index`, read by tests and by the binding's checks.
    pub fn load(&self, index: usize) -> i32 {
        self.words[index].load(Ordering::Acquire)
    }
}

/// A controlled task's claim on its status word, held by the Rust side until it is done.
///
/// Dropping it (run or not) hands the word back to JavaScript: FREE, with a Release store.
pub struct TaskControl {
    block: Arc<ControlBlock>,
    index: usize,
}

impl TaskControl {
    /// The claim on word `index` of `block`; `None` when the index is out of range.
    pub fn new(block: Arc<ControlBlock>, index: usize) -> Option<TaskControl> {
        (index < block.len()).then(|| TaskControl { block, index })
    }

    fn word(&self) -> &AtomicI32 {
        &self.block.words[self.index]
    }

    /// Called by the pool thread that picks the task (or, for a batch, by each thread that
    /// joins it): `true` to run it, `false` when it was aborted first.
    pub fn start(&self) -> bool {
        match self.word().compare_exchange(
            status::QUEUED,
            status::RUNNING,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => true,
            // Another thread of the same batch started it already.
            Err(now) => now == status::RUNNING,
        }
    }

    /// Whether JavaScript aborted the task.
    pub fn aborted(&self) -> bool {
        matches!(
            self.word().load(Ordering::Relaxed),
            status::ABORTED | status::CANCELLED
        )
    }

    /// Called when the work is over: `true` means deliver the result (the task was not aborted,
    /// and from now on an abort is too late); `false` means JavaScript has already rejected it.
    pub fn finish(&self) -> bool {
        self.word()
            .compare_exchange(
                status::RUNNING,
                status::DONE,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }
}

impl Drop for TaskControl {
    fn drop(&mut self) {
        self.word().store(status::FREE, Ordering::Release);
    }
}

/// What a controlled kernel polls: its environment's flag and its own status word.
pub struct Stop<'a> {
    /// The environment's flag.
    pub env: &'a Cancel,
    /// The task's status word, if it has one.
    pub task: Option<&'a TaskControl>,
}

impl Check for Stop<'_> {
    fn is_cancelled(&self) -> bool {
        self.env.is_cancelled() || self.task.is_some_and(TaskControl::aborted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kernel;
    use crate::cancel::Cancelled;

    fn claim(block: &Arc<ControlBlock>, index: usize) -> TaskControl {
        block.words[index].store(status::QUEUED, Ordering::Relaxed);
        TaskControl::new(Arc::clone(block), index).unwrap()
    }

    #[test]
    fn a_task_runs_finishes_and_frees_its_word() {
        let block = Arc::new(ControlBlock::new(4));
        let task = claim(&block, 2);
        assert!(task.start());
        assert_eq!(block.load(2), status::RUNNING);
        assert!(task.finish());
        assert_eq!(block.load(2), status::DONE);
        drop(task);
        assert_eq!(block.load(2), status::FREE);
    }

    #[test]
    fn a_cancelled_task_never_starts() {
        let block = Arc::new(ControlBlock::new(1));
        let task = claim(&block, 0);
        block.words[0].store(status::CANCELLED, Ordering::Relaxed);
        assert!(!task.start());
        drop(task);
        assert_eq!(block.load(0), status::FREE);
    }

    #[test]
    fn an_abort_stops_a_running_kernel_and_its_result_is_not_delivered() {
        let block = Arc::new(ControlBlock::new(1));
        let task = claim(&block, 0);
        assert!(task.start());
        block.words[0].store(status::ABORTED, Ordering::Relaxed);
        let env = Cancel::new();
        let stop = Stop {
            env: &env,
            task: Some(&task),
        };
        assert_eq!(
            Kernel::BruteGcd.run(&[1 << 30, (1 << 30) + 1], &stop),
            Err(Cancelled)
        );
        assert!(!task.finish());
    }

    #[test]
    fn the_word_is_out_of_range_safe() {
        assert!(TaskControl::new(Arc::new(ControlBlock::new(2)), 2).is_none());
    }
}
