//! Results from native threads back to JavaScript: one threadsafe function (TSFN) per
//! environment, fed by a shared queue of [`Completion`]s.
//!
//! ## Protocol
//! ```text
//!  pool thread            Delivery (Arc, shared)                JS thread
//!  ───────────            ─────────────────────                 ─────────
//!  deliver(c) ──lock──▶ queue.items.push(c)
//!              was empty? ──▶ napi_call_threadsafe_function ──▶ call_js: drain the queue,
//!                                                               settle deferreds, call the
//!                                                               completion handler once
//! ```
//! Only the empty → non-empty transition signals the TSFN, and `call_js` drains everything, so
//! a burst of N completions costs one hop to the JavaScript thread, not N. Both the "was empty"
//! test and the drain happen under the queue lock, so no completion can be left unsignalled.
//!
//! The TSFN handle dangles once Node finalizes it at environment teardown, so it lives in a
//! `Mutex<Option<_>>` that the finalizer clears and that senders hold while calling it. After
//! teardown the queue is closed and late completions are dropped.
//!
//! ## Keeping the process alive
//! The TSFN is unref'd while nothing is pending (an idle addon never holds the event loop
//! open) and ref'd while at least one promise waits on native work. `begin`/`settled` count on
//! the JavaScript thread only.

use super::deferred::Deferred;
use super::env::{Env, Value};
use super::error::{JsError, JsResult};
use super::panic::guard;
use super::state::EnvState;
use super::sys;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Who waits for a completion.
pub enum Target {
    /// A promise created in TypeScript, found by its id in the completion handler.
    Id(f64),
    /// A promise created here.
    Deferred(Deferred),
}

/// What a native task produced.
pub enum Payload {
    /// A number (the fast path: delivered to TypeScript in one `Float64Array`).
    Number(f64),
    /// A list of numbers, as an array.
    List(Vec<u64>),
    /// One number per batch input, as a `Float64Array`.
    Numbers(Vec<u64>),
    /// One list per batch input, as `[Float64Array flat, Uint32Array offsets]`.
    Lists(Vec<Vec<u64>>),
    /// `undefined`, after running the closure on the JavaScript thread (used to join a pool's
    /// threads once they have all exited).
    Then(Box<dyn FnOnce() + Send>),
    /// An error.
    Error(JsError),
}

/// One finished piece of native work.
pub struct Completion {
    /// Who is waiting.
    pub target: Target,
    /// The outcome.
    pub payload: Payload,
}

/// The tags of non-scalar entries handed to the completion handler.
mod tag {
    pub const VALUE: f64 = 0.0;
    pub const ERROR: f64 = 1.0;
    pub const NUMBERS: f64 = 2.0;
    pub const LISTS: f64 = 3.0;
}

/// The raw TSFN handle.
struct Tsfn(sys::napi_threadsafe_function);

// SAFETY: N-API documents `napi_call_threadsafe_function` as callable from any thread; the
// handle is only used through `Delivery::tsfn`'s lock, which the finalizer takes to clear it,
// so no thread can use it after Node frees it.
unsafe impl Send for Tsfn {}

/// The queue's state.
struct Queue {
    items: Vec<Completion>,
    /// The buffer `drain` emptied last time, kept with its capacity so that a steady stream
    /// of completions reuses two buffers instead of reallocating (and growing) one per burst.
    spare: Vec<Completion>,
    /// Set at teardown: the environment is gone and late completions are dropped.
    closed: bool,
}

/// The per-environment channel from native threads to JavaScript.
pub struct Delivery {
    queue: Mutex<Queue>,
    tsfn: Mutex<Option<Tsfn>>,
    /// Promises still waiting on native work (JavaScript thread only).
    pending: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks; a poisoned one still holds consistent data.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Delivery {
    /// Creates the TSFN for `env` (unref'd) and the shared queue.
    pub(super) fn new(env: Env<'_>) -> JsResult<Arc<Delivery>> {
        let delivery = Arc::new(Delivery {
            queue: Mutex::new(Queue {
                items: Vec::new(),
                spare: Vec::new(),
                closed: false,
            }),
            tsfn: Mutex::new(None),
            pending: AtomicUsize::new(0),
        });
        let name = env.string("nogil.completions")?;
        // One strong count travels with the TSFN (as its context and finalize data) and is
        // given back by `tsfn_finalize`.
        let context = Arc::into_raw(Arc::clone(&delivery)) as *mut c_void;
        let mut raw = ptr::null_mut();
        // SAFETY: live env; no JS function (call_js does the calling); unlimited queue (0) so
        // non-blocking calls never fail with napi_queue_full; one initial thread count that is
        // never released (Node closes the TSFN at teardown); `context` stays valid until
        // `tsfn_finalize` runs, after which Node never calls `call_js` again.
        let status = unsafe {
            sys::napi_create_threadsafe_function(
                env.raw(),
                ptr::null_mut(),
                ptr::null_mut(),
                name.raw,
                0,
                1,
                context,
                Some(tsfn_finalize),
                context,
                Some(call_js),
                &mut raw,
            )
        };
        if let Err(e) = env.check(status) {
            // SAFETY: creation failed, so Node will never call `tsfn_finalize`: take back the
            // count leaked above.
            drop(unsafe { Arc::from_raw(context as *const Delivery) });
            return Err(e);
        }
        // SAFETY: `raw` is the TSFN just created on this env's thread.
        env.check(unsafe { sys::napi_unref_threadsafe_function(env.raw(), raw) })?;
        *lock(&delivery.tsfn) = Some(Tsfn(raw));
        Ok(delivery)
    }

    /// Hands completions to the JavaScript thread (from any thread).
    pub fn deliver_all(&self, completions: impl IntoIterator<Item = Completion>) {
        let was_empty = {
            let mut queue = lock(&self.queue);
            if queue.closed {
                return;
            }
            let was_empty = queue.items.is_empty();
            queue.items.extend(completions);
            was_empty && !queue.items.is_empty()
        };
        if was_empty {
            self.signal();
        }
    }

    /// Hands one completion to the JavaScript thread (from any thread).
    pub fn deliver(&self, completion: Completion) {
        self.deliver_all(std::iter::once(completion));
    }

    /// Wakes the JavaScript thread.
    fn signal(&self) {
        let tsfn = lock(&self.tsfn);
        let Some(Tsfn(raw)) = &*tsfn else { return };
        // SAFETY: the handle is live while it is in the Option (cleared by the finalizer under
        // this same lock); non-blocking mode never waits.
        let status = unsafe {
            sys::napi_call_threadsafe_function(*raw, ptr::null_mut(), sys::napi_tsfn_nonblocking)
        };
        drop(tsfn);
        if status != sys::napi_ok {
            // napi_closing: the environment is going away; nobody will drain the queue.
            self.close();
        }
    }

    /// Stops accepting completions and drops the queued ones.
    pub(super) fn close(&self) {
        let dropped = {
            let mut queue = lock(&self.queue);
            queue.closed = true;
            std::mem::take(&mut queue.items)
        };
        // Dropped outside the lock: payload destructors (a pool's join closure) may be slow.
        drop(dropped);
    }

    /// Counts `n` more promises waiting on native work; the first one refs the TSFN so the
    /// process stays alive until they settle. JavaScript thread only.
    pub fn begin(&self, env: Env<'_>, n: usize) {
        if n == 0 {
            return;
        }
        if self.pending.fetch_add(n, Ordering::Relaxed) == 0 {
            self.set_ref(env, true);
        }
    }

    /// Counts `n` promises as settled; the last one unrefs the TSFN. JavaScript thread only.
    fn settled(&self, env: Env<'_>, n: usize) {
        if n == 0 {
            return;
        }
        // Only the JavaScript thread touches the counter, so load + store cannot race.
        let before = self.pending.load(Ordering::Relaxed);
        let after = before.saturating_sub(n);
        self.pending.store(after, Ordering::Relaxed);
        if before > 0 && after == 0 {
            self.set_ref(env, false);
        }
    }

    fn set_ref(&self, env: Env<'_>, on: bool) {
        let tsfn = lock(&self.tsfn);
        if let Some(Tsfn(raw)) = &*tsfn {
            // SAFETY: live handle (see `signal`); ref/unref must be called on the env's own
            // thread, which is where `begin` and `call_js` run.
            let _ = unsafe {
                if on {
                    sys::napi_ref_threadsafe_function(env.raw(), *raw)
                } else {
                    sys::napi_unref_threadsafe_function(env.raw(), *raw)
                }
            };
        }
    }

    /// Drains the queue on the JavaScript thread and settles everything in it.
    fn drain(&self, env: Env<'_>) -> JsResult<()> {
        let mut items = {
            let mut queue = lock(&self.queue);
            let spare = std::mem::take(&mut queue.spare);
            std::mem::replace(&mut queue.items, spare)
        };
        if items.is_empty() {
            lock(&self.queue).spare = items;
            return Ok(());
        }
        let count = items.len();
        let mut scalars: Vec<f64> = Vec::new();
        let rest = env.array(0)?;
        let mut rest_len = 0u32;
        let mut deferreds = Vec::new();
        for Completion { target, payload } in items.drain(..) {
            match target {
                // Settled after the id-addressed ones below: a burst holds the last tasks of a
                // pool together with its close(), and close() must resolve after them.
                Target::Deferred(deferred) => deferreds.push((deferred, payload)),
                Target::Id(id) => match payload {
                    Payload::Number(n) => {
                        scalars.push(id);
                        scalars.push(n);
                    }
                    other => {
                        let entry = id_entry(env, id, other)?;
                        env.set_element(rest, rest_len, entry)?;
                        rest_len += 1;
                    }
                },
            }
        }
        self.settled(env, count);
        {
            let mut queue = lock(&self.queue);
            if queue.spare.capacity() < items.capacity() {
                queue.spare = items;
            }
        }
        let mut first_error = None;
        if !scalars.is_empty() || rest_len > 0 {
            let state = EnvState::get(env)?;
            if let Some(handler) = state.completion_handler(env)? {
                let scalars = env.f64_array(scalars.into_iter())?;
                if let Err(e) = env.call(handler, &[scalars, rest]) {
                    first_error = Some(e);
                }
            }
        }
        for (deferred, payload) in deferreds {
            if let Err(e) = settle_deferred(env, deferred, payload) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// `[id, tag, value]` for the completion handler.
fn id_entry<'s>(env: Env<'s>, id: f64, payload: Payload) -> JsResult<Value<'s>> {
    let (t, value) = match payload {
        Payload::Error(e) => (tag::ERROR, e.to_value(env)?),
        Payload::Numbers(v) => (tag::NUMBERS, env.f64_array(v.iter().map(|&x| x as f64))?),
        Payload::Lists(lists) => (tag::LISTS, lists_value(env, &lists)?),
        other => (tag::VALUE, plain_value(env, other)?),
    };
    let entry = env.array(3)?;
    env.set_element(entry, 0, env.number(id)?)?;
    env.set_element(entry, 1, env.number(t)?)?;
    env.set_element(entry, 2, value)?;
    Ok(entry)
}

/// `[Float64Array flat, Uint32Array offsets]`: list i is `flat[offsets[i]..offsets[i + 1]]`.
fn lists_value<'s>(env: Env<'s>, lists: &[Vec<u64>]) -> JsResult<Value<'s>> {
    let mut offsets = Vec::with_capacity(lists.len() + 1);
    offsets.push(0u32);
    let mut total = 0usize;
    for list in lists {
        total += list.len();
        offsets.push(u32::try_from(total).map_err(|_| {
            JsError::range_error(
                "ERR_OUT_OF_RANGE",
                "batch result too large (over 2^32 numbers)",
            )
        })?);
    }
    let flat = env.f64_array(ExactIter {
        inner: lists.iter().flatten().map(|&x| x as f64),
        left: total,
    })?;
    let pair = env.array(2)?;
    env.set_element(pair, 0, flat)?;
    env.set_element(pair, 1, env.u32_array(&offsets)?)?;
    Ok(pair)
}

/// An iterator with a known length (`Flatten` does not know its own).
struct ExactIter<I> {
    inner: I,
    left: usize,
}

impl<I: Iterator<Item = f64>> Iterator for ExactIter<I> {
    type Item = f64;
    fn next(&mut self) -> Option<f64> {
        let item = self.inner.next()?;
        self.left -= 1;
        Some(item)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<I: Iterator<Item = f64>> ExactSizeIterator for ExactIter<I> {}

/// The JavaScript value of a successful payload.
fn plain_value<'s>(env: Env<'s>, payload: Payload) -> JsResult<Value<'s>> {
    match payload {
        Payload::Number(n) => env.number(n),
        Payload::List(list) => env.number_array(list.iter().map(|&x| x as f64)),
        Payload::Numbers(v) => env.f64_array(v.iter().map(|&x| x as f64)),
        Payload::Lists(lists) => lists_value(env, &lists),
        Payload::Then(then) => {
            then();
            env.undefined()
        }
        Payload::Error(e) => e.to_value(env),
    }
}

fn settle_deferred(env: Env<'_>, deferred: Deferred, payload: Payload) -> JsResult<()> {
    match payload {
        Payload::Error(e) => deferred.reject(env, &e),
        other => match plain_value(env, other) {
            Ok(value) => deferred.resolve(env, value),
            Err(e) => deferred.reject(env, &e),
        },
    }
}

/// Node's callback on the JavaScript thread after `napi_call_threadsafe_function`.
unsafe extern "C" fn call_js(
    raw_env: sys::napi_env,
    _js_callback: sys::napi_value,
    context: *mut c_void,
    _data: *mut c_void,
) {
    if raw_env.is_null() || context.is_null() {
        // Teardown drain: the environment is gone; the queue is dropped with the Delivery.
        return;
    }
    // SAFETY: `context` is the `Arc<Delivery>` count held by the TSFN, released only in
    // `tsfn_finalize`, after which Node makes no more `call_js` calls.
    let delivery = unsafe { &*(context as *const Delivery) };
    // SAFETY: Node calls this on the env's thread with its live env; the `Env` stays local.
    let env = unsafe { Env::from_raw(raw_env) };
    if let Err(error) = guard(|| delivery.drain(env)) {
        // Surfaces as an uncaught exception: a bug in the handler, not in user code.
        error.throw(env);
    }
}

/// Node's finalizer of the TSFN, at environment teardown.
unsafe extern "C" fn tsfn_finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the count leaked by `Arc::into_raw` in `Delivery::new`; Node calls this
    // finalizer exactly once, so the count is released exactly once.
    let delivery = unsafe { Arc::from_raw(data as *const Delivery) };
    let _ = guard(|| {
        *lock(&delivery.tsfn) = None;
        delivery.close();
        Ok(())
    });
}
