//! Promises made in Rust: a `Deferred` is created on the JavaScript thread, may travel to a
//! worker thread inside a `Completion`, and is settled back on the JavaScript thread.

use super::env::{Env, Value};
use super::error::{JsError, JsResult};
use super::sys;
use std::ptr;

/// The settle-once half of a native promise.
///
/// Dropping it unsettled (only when its environment is torn down first) leaks N-API's 8-byte
/// deferred record: Node has no call to free one without settling it.
pub struct Deferred {
    raw: sys::napi_deferred,
}

// SAFETY: a `napi_deferred` is an opaque token. This type never touches it off the JavaScript
// thread: `resolve`/`reject` need an `Env`, which only exists on that thread, and `Drop` does
// nothing. Moving the token between threads is therefore harmless.
unsafe impl Send for Deferred {}

impl<'s> Env<'s> {
    /// A new promise and its deferred.
    pub fn promise(self) -> JsResult<(Deferred, Value<'s>)> {
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        // SAFETY: live env (type invariant), valid out-pointers.
        self.check(unsafe { sys::napi_create_promise(self.raw(), &mut deferred, &mut promise) })?;
        Ok((Deferred { raw: deferred }, self.wrap(promise)))
    }
}

impl Deferred {
    /// Fulfils the promise.
    pub fn resolve(self, env: Env<'_>, value: Value<'_>) -> JsResult<()> {
        // SAFETY: `raw` came from `napi_create_promise` in this env and is consumed here
        // exactly once (`self` is moved); `value` is a live handle.
        env.check(unsafe { sys::napi_resolve_deferred(env.raw(), self.raw, value.raw) })
    }

    /// Rejects the promise with `error`.
    pub fn reject(self, env: Env<'_>, error: &JsError) -> JsResult<()> {
        let value = error.to_value(env)?;
        // SAFETY: as in `resolve`.
        env.check(unsafe { sys::napi_reject_deferred(env.raw(), self.raw, value.raw) })
    }
}
