//! A fixed-size pool of OS threads that run boxed jobs in FIFO order.
//!
//! ## Protocol
//! One `Mutex<State>` guards the job queue, the count of idle threads and the closing flag; one
//! `Condvar` wakes idle threads. A submitter wakes a thread only when one is idle (a busy thread
//! takes the next job itself when it finishes), which saves a futex call per job under load.
//!
//! Closing is graceful: [`ThreadPool::close`] stops new jobs, the threads drain what is queued
//! and exit, and the last one out runs the close callback (the binding uses it to settle the
//! JavaScript `close()` promise). [`ThreadPool::join`] then returns at once. Dropping a pool
//! closes it and detaches the threads: nobody blocks in a destructor.
//!
//! Jobs run under `catch_unwind`: a panicking job never takes its thread down with it.

use std::collections::VecDeque;
use std::io;
use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

/// A unit of work for the pool.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// The callback run by the last thread to leave a closed pool.
type OnExit = Box<dyn FnOnce() + Send + 'static>;

/// The error of a submission to a pool that is closing or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolClosed;

impl std::fmt::Display for PoolClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the pool is closed")
    }
}

impl std::error::Error for PoolClosed {}

/// What the lock protects.
struct State {
    /// Jobs waiting for a thread.
    queue: VecDeque<Job>,
    /// Threads blocked on the condvar.
    idle: usize,
    /// Threads that have not exited yet.
    live: usize,
    /// No new jobs; threads exit once the queue is empty.
    closing: bool,
    /// Run by the last thread to exit after `closing` was set.
    on_exit: Option<OnExit>,
}

/// The state shared by the pool handle and its threads.
struct Shared {
    state: Mutex<State>,
    work_ready: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock, so a poisoned lock can only come from a bug in this file;
        // the state is still consistent (every update is a single assignment), so carry on.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A pool of OS threads.
pub struct ThreadPool {
    shared: Arc<Shared>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    size: usize,
}

impl ThreadPool {
    /// Starts `size` threads named `{name}-{i}`.
    ///
    /// Fails when the OS refuses a thread; the threads already started are then closed.
    pub fn new(size: NonZeroUsize, name: &str) -> io::Result<ThreadPool> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                idle: 0,
                live: 0,
                closing: false,
                on_exit: None,
            }),
            work_ready: Condvar::new(),
        });
        let pool = ThreadPool {
            shared,
            handles: Mutex::new(Vec::with_capacity(size.get())),
            size: size.get(),
        };
        for i in 0..size.get() {
            let shared = Arc::clone(&pool.shared);
            pool.shared.lock().live += 1;
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || worker_loop(&shared));
            match spawned {
                Ok(handle) => pool.lock_handles().push(handle),
                Err(err) => {
                    pool.shared.lock().live -= 1;
                    pool.close(|| {});
                    return Err(err);
                }
            }
        }
        Ok(pool)
    }

    fn lock_handles(&self) -> MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.handles.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The number of threads.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether [`ThreadPool::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.shared.lock().closing
    }

    /// Queues one job.
    pub fn execute(&self, job: Job) -> Result<(), PoolClosed> {
        let mut state = self.shared.lock();
        if state.closing {
            return Err(PoolClosed);
        }
        state.queue.push_back(job);
        let wake = state.idle > 0;
        drop(state);
        if wake {
            self.shared.work_ready.notify_one();
        }
        Ok(())
    }

    /// Queues many jobs under one lock, waking at most as many threads as there are jobs.
    pub fn execute_all(&self, jobs: impl IntoIterator<Item = Job>) -> Result<(), PoolClosed> {
        let mut state = self.shared.lock();
        if state.closing {
            return Err(PoolClosed);
        }
        let before = state.queue.len();
        state.queue.extend(jobs);
        let added = state.queue.len() - before;
        let wake = added.min(state.idle);
        drop(state);
        if wake >= self.size {
            self.shared.work_ready.notify_all();
        } else {
            for _ in 0..wake {
                self.shared.work_ready.notify_one();
            }
        }
        Ok(())
    }

    /// Stops accepting jobs; the threads finish the queue, then exit, and the last one calls
    /// `on_exit` (at once, on this thread, if none is left). Returns `false`, and drops
    /// `on_exit` uncalled, when the pool was already closing.
    pub fn close(&self, on_exit: impl FnOnce() + Send + 'static) -> bool {
        let mut state = self.shared.lock();
        if state.closing {
            return false;
        }
        state.closing = true;
        if state.live == 0 {
            drop(state);
            on_exit();
        } else {
            state.on_exit = Some(Box::new(on_exit));
            drop(state);
            self.shared.work_ready.notify_all();
        }
        true
    }

    /// Waits for every thread to return. Blocks until the queue is drained unless the pool's
    /// `close` callback has already run; call it after that callback to never block.
    pub fn join(&self) {
        let handles = std::mem::take(&mut *self.lock_handles());
        for handle in handles {
            // A thread only ends by returning from `worker_loop`, which catches job panics.
            let _ = handle.join();
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Detach rather than join: a destructor must not block its caller on queued work.
        self.close(|| {});
    }
}

/// The body of every pool thread.
fn worker_loop(shared: &Shared) {
    loop {
        let mut state = shared.lock();
        let job = loop {
            if let Some(job) = state.queue.pop_front() {
                break Some(job);
            }
            if state.closing {
                break None;
            }
            state.idle += 1;
            state = shared
                .work_ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.idle -= 1;
        };
        let Some(job) = job else {
            state.live -= 1;
            let on_exit = if state.live == 0 {
                state.on_exit.take()
            } else {
                None
            };
            drop(state);
            if let Some(on_exit) = on_exit {
                let _ = catch_unwind(AssertUnwindSafe(on_exit));
            }
            return;
        };
        drop(state);
        // The job reports its own panics as results; this catch only keeps the thread alive.
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;

    fn pool(n: usize) -> ThreadPool {
        ThreadPool::new(NonZeroUsize::new(n).unwrap(), "test-pool").unwrap()
    }

    #[test]
    fn runs_every_job_once() {
        let p = pool(3);
        let count = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        for _ in 0..1000 {
            let count = Arc::clone(&count);
            let tx = tx.clone();
            p.execute(Box::new(move || {
                count.fetch_add(1, Ordering::Relaxed);
                tx.send(()).unwrap();
            }))
            .unwrap();
        }
        for _ in 0..1000 {
            rx.recv_timeout(Duration::from_secs(10)).unwrap();
        }
        assert_eq!(count.load(Ordering::Relaxed), 1000);
    }

    #[test]
    fn jobs_run_in_parallel_on_distinct_threads() {
        let p = pool(2);
        // Both jobs wait for each other: only two threads running at once can finish them.
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let (tx, rx) = mpsc::channel();
        let jobs: Vec<Job> = (0..2)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let tx = tx.clone();
                Box::new(move || {
                    barrier.wait();
                    tx.send(std::thread::current().id()).unwrap();
                }) as Job
            })
            .collect();
        p.execute_all(jobs).unwrap();
        let a = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let b = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn close_drains_the_queue_then_calls_back_and_joins() {
        let p = pool(2);
        let count = Arc::new(AtomicUsize::new(0));
        for _ in 0..100 {
            let count = Arc::clone(&count);
            p.execute(Box::new(move || {
                std::thread::sleep(Duration::from_micros(100));
                count.fetch_add(1, Ordering::Relaxed);
            }))
            .unwrap();
        }
        let (tx, rx) = mpsc::channel();
        assert!(p.close(move || tx.send(()).unwrap()));
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        p.join();
        assert_eq!(count.load(Ordering::Relaxed), 100);
        assert_eq!(p.execute(Box::new(|| {})), Err(PoolClosed));
        assert!(!p.close(|| panic!("a second close must not call back")));
    }

    #[test]
    fn a_panicking_job_does_not_kill_its_thread() {
        let p = pool(1);
        for _ in 0..10 {
            p.execute(Box::new(|| panic!("boom"))).unwrap();
        }
        let (tx, rx) = mpsc::channel();
        p.execute(Box::new(move || tx.send(7).unwrap())).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 7);
    }

    #[test]
    fn dropping_a_pool_lets_queued_work_finish() {
        let p = pool(1);
        let (tx, rx) = mpsc::channel();
        p.execute(Box::new(move || {
            std::thread::sleep(Duration::from_millis(20));
            tx.send(1).unwrap();
        }))
        .unwrap();
        drop(p);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 1);
    }
}
