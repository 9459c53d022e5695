//! `Env` and `Value`: scoped, non-`Send` handles, and the status check every call goes through.

use super::error::{JsError, JsResult};
use super::sys;
use std::ffi::CStr;
use std::marker::PhantomData;
use std::ptr;

/// The N-API environment of the callback now running on this (JavaScript) thread.
///
/// Only this module's callers inside `napi/` can make one (see [`Env::from_raw`]); its lifetime
/// `'s` ends with the callback, and raw pointers make it neither `Send` nor `Sync`.
#[derive(Clone, Copy)]
pub struct Env<'s> {
    raw: sys::napi_env,
    scope: PhantomData<&'s ()>,
}

/// A JavaScript value handle, valid in the handle scope of the callback that made it.
#[derive(Clone, Copy)]
pub struct Value<'s> {
    pub(super) raw: sys::napi_value,
    scope: PhantomData<&'s ()>,
}

/// The result of `typeof`, as N-API reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// A symbol.
    Symbol,
    /// An object (arrays and typed arrays included).
    Object,
    /// A function.
    Function,
    /// An external.
    External,
    /// A BigInt.
    BigInt,
}

impl<'s> Value<'s> {
    /// Wraps a raw handle.
    pub(super) fn from_raw(raw: sys::napi_value) -> Value<'s> {
        Value {
            raw,
            scope: PhantomData,
        }
    }
}

impl<'s> Env<'s> {
    /// Wraps the environment passed to an N-API callback.
    ///
    /// # Safety
    /// `raw` must be the live environment of a callback running now on the current thread, and
    /// the returned `Env` (with every `Value` made from it) must not outlive that callback.
    pub(super) unsafe fn from_raw(raw: sys::napi_env) -> Env<'s> {
        Env {
            raw,
            scope: PhantomData,
        }
    }

    /// The raw environment, for the other modules of `napi/`.
    pub(super) fn raw(self) -> sys::napi_env {
        self.raw
    }

    /// Turns an N-API status into a `JsError` carrying N-API's own message.
    pub(super) fn check(self, status: sys::napi_status) -> JsResult<()> {
        if status == sys::napi_ok {
            return Ok(());
        }
        if status == sys::napi_pending_exception {
            return Err(JsError::pending());
        }
        let mut info: *const sys::napi_extended_error_info = ptr::null();
        // SAFETY: the env is live (type invariant) and `info` is a valid out-pointer.
        let got = unsafe { sys::napi_get_last_error_info(self.raw, &mut info) };
        let message = if got == sys::napi_ok && !info.is_null() {
            // SAFETY: N-API returned a pointer to its error-info struct, valid until the next
            // N-API call; `error_message` is either NULL or a NUL-terminated static string.
            let text = unsafe { (*info).error_message };
            if text.is_null() {
                format!("N-API call failed with status {status}")
            } else {
                // SAFETY: non-NULL `error_message` is a NUL-terminated C string (see above).
                unsafe { CStr::from_ptr(text) }
                    .to_string_lossy()
                    .into_owned()
            }
        } else {
            format!("N-API call failed with status {status}")
        };
        Err(JsError::error("ERR_NAPI_CALL", message))
    }

    /// Takes the pending JavaScript exception, if there is one, so that N-API calls work again.
    pub fn take_exception(self) -> Option<Value<'s>> {
        let mut pending = false;
        // SAFETY: live env (type invariant), valid out-pointer; callable with an exception
        // pending (that is its purpose).
        let status = unsafe { sys::napi_is_exception_pending(self.raw, &mut pending) };
        if status != sys::napi_ok || !pending {
            return None;
        }
        let mut out = ptr::null_mut();
        // SAFETY: as above; clears the exception and hands it out as a handle of this scope.
        let status = unsafe { sys::napi_get_and_clear_last_exception(self.raw, &mut out) };
        (status == sys::napi_ok && !out.is_null()).then(|| self.wrap(out))
    }

    /// Raises `error` as an uncaught exception (`process.on('uncaughtException')`, or the
    /// process's end if nothing listens), as an exception thrown by a callback would be.
    pub fn fatal_exception(self, error: Value<'s>) {
        // SAFETY: live env; `error` is a handle of this scope. Nothing to do if it fails.
        let _ = unsafe { sys::napi_fatal_exception(self.raw, error.raw) };
    }

    /// A handle made in this scope.
    pub(super) fn wrap(self, raw: sys::napi_value) -> Value<'s> {
        Value::from_raw(raw)
    }
}
