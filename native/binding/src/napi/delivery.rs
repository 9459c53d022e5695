//! Results from native threads back to JavaScript: one threadsafe function (TSFN) per
//! environment, fed by a shared queue of [`Completion`]s.
//!
//! ## Protocol
//! ```text
//!  pool thread            Delivery (Arc, shared)                JS thread
//!  ───────────            ─────────────────────                 ─────────
//!  deliver(c) ──lock──▶ queue.items.push(c)
//!              was empty? ──▶ napi_call_threadsafe_function ──▶ call_js: drain the queue,
//!                                                               call each client's handler
//!                                                               once, settle deferreds
//! ```
//! Only the empty → non-empty transition signals the TSFN, and `call_js` drains everything, so
//! a burst of N completions costs one hop to the JavaScript thread, not N. Both the "was empty"
//! test and the drain happen under the queue lock, so no completion can be left unsignalled.
//!
//! Id-addressed completions carry the *client* that asked for them: every copy of the
//! TypeScript package loaded in one environment (two versions, a bundler duplicate) shares this
//! addon instance but numbers its promises itself, so each registers its own handler
//! (`EnvState::register_client`) and gets only its own ids back.
//!
//! Every completion of a burst settles, whatever another one does: a handler that throws, or a
//! value that cannot be converted, fails only its own promises (a conversion error rejects the
//! id or deferred it was for); the first exception a handler threw is re-raised once the burst
//! is settled, through `napi_fatal_exception`, so it reaches `process.on('uncaughtException')`
//! (a plain throw from `call_js` is only a DEP0168 warning on Node 20, and is lost).
//!
//! The TSFN handle dangles once Node finalizes it at environment teardown, so it lives in a
//! `Mutex<Option<_>>` that the finalizer clears and that senders hold while calling it. After
//! teardown the queue is closed and late completions are dropped.
//!
//! ## Keeping the process alive
//! The TSFN is ref'd while results are still to come and unref'd otherwise, so an idle addon
//! never holds the event loop open and a pending native promise always does. What is to come
//! is counted by [`Pending`] guards: [`Delivery::expect`] counts `n` units on creation, each
//! completion delivered through a guard moves one of its units into the queue (uncounted when
//! the JavaScript thread has settled it), and dropping a guard uncounts what it still holds,
//! whichever thread drops it and whyever (work cancelled, aborted, or never started). No
//! hand-paired begin/end calls: the count cannot leak. Ref and unref happen on the JavaScript
//! thread only (`reconcile`); a guard dropped elsewhere that brings the count to zero wakes
//! that thread to do it.

use super::deferred::Deferred;
use super::env::{Env, Value};
use super::error::{JsError, JsResult};
use super::panic::guard;
use super::state::EnvState;
use super::sys;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Who waits for a completion.
pub enum Target {
    /// A promise created in TypeScript: found by `id` in the handler of `client`.
    Id {
        /// The registration (`EnvState::register_client`) of the TypeScript copy that asked.
        client: u32,
        /// The promise's id in that copy.
        id: f64,
    },
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
    /// How many of `items` carry a keep-alive unit (moved in from a [`Pending`]).
    counted: usize,
    /// Set at teardown: the environment is gone and late completions are dropped.
    closed: bool,
}

/// The per-environment channel from native threads to JavaScript.
pub struct Delivery {
    queue: Mutex<Queue>,
    tsfn: Mutex<Option<Tsfn>>,
    /// Keep-alive units: those held by live [`Pending`] guards plus `queue.counted`.
    pending: AtomicUsize,
    /// Whether the TSFN is ref'd now (read and written on the JavaScript thread only).
    reffed: AtomicBool,
}

/// Results still to come: keeps the event loop alive until each of its units is delivered
/// (and settled) or the guard is dropped. Made on the JavaScript thread by
/// [`Delivery::expect`]; may travel to and be dropped on any thread.
#[must_use = "dropping a Pending at once stops keeping the process alive for its results"]
pub struct Pending {
    delivery: Arc<Delivery>,
    units: usize,
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
                counted: 0,
                closed: false,
            }),
            tsfn: Mutex::new(None),
            pending: AtomicUsize::new(0),
            reffed: AtomicBool::new(false),
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

    /// Counts `n` results still to come, keeping the process alive until the returned guard
    /// has delivered them or is dropped. JavaScript thread only (the `Env` proves it).
    pub fn expect(self: &Arc<Self>, env: Env<'_>, n: usize) -> Pending {
        self.pending.fetch_add(n, Ordering::AcqRel);
        self.reconcile(env);
        Pending {
            delivery: Arc::clone(self),
            units: n,
        }
    }

    /// Queues completions, moving up to `units` keep-alive units along with them; returns how
    /// many units moved (one per completion queued). From any thread.
    fn push(&self, completions: impl IntoIterator<Item = Completion>, units: usize) -> usize {
        let (was_empty, moved) = {
            let mut queue = lock(&self.queue);
            if queue.closed {
                return 0;
            }
            let before = queue.items.len();
            queue.items.extend(completions);
            let added = queue.items.len() - before;
            let moved = added.min(units);
            queue.counted += moved;
            (before == 0 && added > 0, moved)
        };
        if was_empty {
            self.signal();
        }
        moved
    }

    /// Wakes the JavaScript thread (its `call_js` drains the queue and reconciles the ref).
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
            queue.counted = 0;
            std::mem::take(&mut queue.items)
        };
        // Dropped outside the lock: payload destructors (a pool's join closure) may be slow.
        drop(dropped);
    }

    /// Refs the TSFN while units are outstanding and unrefs it when none are. JavaScript
    /// thread only: units are only ever created there, so a zero read here stays zero until
    /// this thread creates more.
    fn reconcile(&self, env: Env<'_>) {
        let want = self.pending.load(Ordering::Acquire) > 0;
        if self.reffed.load(Ordering::Relaxed) == want {
            return;
        }
        let tsfn = lock(&self.tsfn);
        if let Some(Tsfn(raw)) = &*tsfn {
            // SAFETY: live handle (see `signal`); ref/unref must be called on the env's own
            // thread, which is where `expect` and `call_js` run (both hold an `Env`).
            let _ = unsafe {
                if want {
                    sys::napi_ref_threadsafe_function(env.raw(), *raw)
                } else {
                    sys::napi_unref_threadsafe_function(env.raw(), *raw)
                }
            };
        }
        self.reffed.store(want, Ordering::Relaxed);
    }

    /// Drains the queue on the JavaScript thread and settles everything in it.
    fn drain(&self, env: Env<'_>) -> JsResult<()> {
        let (mut items, counted) = {
            let mut queue = lock(&self.queue);
            let spare = std::mem::take(&mut queue.spare);
            let counted = std::mem::take(&mut queue.counted);
            (std::mem::replace(&mut queue.items, spare), counted)
        };
        let mut thrown = None;
        if !items.is_empty() {
            settle_burst(env, items.drain(..), &mut thrown);
        }
        {
            let mut queue = lock(&self.queue);
            if queue.spare.capacity() < items.capacity() {
                queue.spare = items;
            }
        }
        self.pending.fetch_sub(counted, Ordering::AcqRel);
        self.reconcile(env);
        if let Some(exception) = thrown {
            // After everything else has settled: report the handler's exception as uncaught.
            env.fatal_exception(exception);
        }
        Ok(())
    }
}

impl Pending {
    /// Moves up to `n` of this guard's units into a new guard (for work split into jobs).
    pub fn split(&mut self, n: usize) -> Pending {
        let units = n.min(self.units);
        self.units -= units;
        Pending {
            delivery: Arc::clone(&self.delivery),
            units,
        }
    }

    /// Hands completions to the JavaScript thread (from any thread), each taking one of this
    /// guard's units along.
    pub fn deliver_all(&mut self, completions: impl IntoIterator<Item = Completion>) {
        let moved = self.delivery.push(completions, self.units);
        self.units -= moved;
    }

    /// Hands the last completion to the JavaScript thread (from any thread).
    pub fn deliver(mut self, completion: Completion) {
        self.deliver_all(std::iter::once(completion));
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.units == 0 {
            return;
        }
        let before = self
            .delivery
            .pending
            .fetch_sub(self.units, Ordering::AcqRel);
        if before == self.units {
            // The last unit is gone, maybe on a pool thread: let the JavaScript thread unref.
            self.delivery.signal();
        }
    }
}

/// The completions of one client in a burst.
struct ClientBurst<'s> {
    client: u32,
    /// `[id, value, id, value, ...]` of plain numbers.
    scalars: Vec<f64>,
    /// `[id, tag, value]` entries of everything else.
    rest: Option<Value<'s>>,
    rest_len: u32,
}

/// Settles one burst: every id through its client's handler, then every deferred. Nothing
/// returns early: a failure fails only the promise it concerns, and the first exception a
/// handler throws is kept in `thrown` for the caller to re-raise.
fn settle_burst<'s>(
    env: Env<'s>,
    items: impl Iterator<Item = Completion>,
    thrown: &mut Option<Value<'s>>,
) {
    let mut bursts: Vec<ClientBurst<'s>> = Vec::with_capacity(1);
    let mut deferreds = Vec::new();
    for Completion { target, payload } in items {
        let (client, id) = match target {
            // Settled after the id-addressed ones below: a burst holds the last tasks of a
            // pool together with its close(), and close() must resolve after them.
            Target::Deferred(deferred) => {
                deferreds.push((deferred, payload));
                continue;
            }
            Target::Id { client, id } => (client, id),
        };
        let burst = match bursts.iter().position(|b| b.client == client) {
            Some(i) => &mut bursts[i],
            None => {
                bursts.push(ClientBurst {
                    client,
                    scalars: Vec::new(),
                    rest: None,
                    rest_len: 0,
                });
                let last = bursts.len() - 1;
                &mut bursts[last]
            }
        };
        if let Payload::Number(n) = payload {
            burst.scalars.push(id);
            burst.scalars.push(n);
            continue;
        }
        let entry = id_entry(env, id, payload)
            .or_else(|e| {
                recover(env, thrown);
                id_entry(env, id, Payload::Error(e))
            })
            .and_then(|entry| {
                let rest = match burst.rest {
                    Some(rest) => rest,
                    None => *burst.rest.insert(env.array(0)?),
                };
                env.set_element(rest, burst.rest_len, entry)
            });
        match entry {
            Ok(()) => burst.rest_len += 1,
            // Not even an error entry could be made (out of memory): nothing left to try.
            Err(_) => recover(env, thrown),
        }
    }
    for burst in bursts {
        if call_handler(env, &burst).is_err() {
            recover(env, thrown);
        }
    }
    for (deferred, payload) in deferreds {
        if settle_deferred(env, deferred, payload).is_err() {
            recover(env, thrown);
        }
    }
}

/// After a failed call: takes the pending JavaScript exception, if any, keeping the first one
/// in `thrown`, so that the next N-API calls of the burst work.
fn recover<'s>(env: Env<'s>, thrown: &mut Option<Value<'s>>) {
    if let Some(exception) = env.take_exception() {
        thrown.get_or_insert(exception);
    }
}

/// Calls the handler of `burst.client` with `(scalars, rest)`.
fn call_handler(env: Env<'_>, burst: &ClientBurst<'_>) -> JsResult<()> {
    let Some(handler) = EnvState::get(env)?.client_handler(env, burst.client)? else {
        // The client is unknown (impossible: ids come from a registered client's pools).
        return Ok(());
    };
    let scalars = env.f64_array(burst.scalars.iter().copied())?;
    let rest = match burst.rest {
        Some(rest) => rest,
        None => env.array(0)?,
    };
    env.call(handler, &[scalars, rest]).map(|_| ())
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

/// Settles a deferred with `payload`; a payload that cannot be converted rejects it instead.
fn settle_deferred(env: Env<'_>, deferred: Deferred, payload: Payload) -> JsResult<()> {
    match payload {
        Payload::Error(e) => deferred.reject(env, &e),
        Payload::Then(then) => {
            then();
            // Resolved with an already-resolved promise, which takes two microtask turns: as
            // many as an id-addressed rejection of the same burst (TypeScript resolves those
            // with a rejected promise), whose turns are queued first. So a pool's `close()`
            // never settles before a task that failed in its last burst.
            let (inner, resolved) = env.promise()?;
            inner.resolve(env, env.undefined()?)?;
            deferred.resolve(env, resolved)
        }
        other => match plain_value(env, other) {
            Ok(value) => deferred.resolve(env, value),
            Err(e) => {
                // A conversion that failed with an exception leaves it pending: clear it, or
                // the rejection would fail too.
                let _ = env.take_exception();
                deferred.reject(env, &e)
            }
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
        // Only a panic in `drain` itself lands here: report it as an uncaught exception.
        if let Ok(value) = error.to_value(env) {
            env.fatal_exception(value);
        }
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
