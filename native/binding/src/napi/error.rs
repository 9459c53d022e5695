//! `JsError`: an error to throw or to reject with, as plain data (so it can cross threads),
//! with Node's `code` convention.

use super::env::{Env, Value};
use super::sys;
use std::borrow::Cow;
use std::ffi::CString;
use std::ptr;

/// The constructor a [`JsError`] becomes in JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `Error`.
    Error,
    /// `TypeError`.
    TypeError,
    /// `RangeError`.
    RangeError,
    /// A JavaScript exception is already pending: nothing more to throw.
    Pending,
}

/// An error for JavaScript: a kind, a Node-style `code` and a message.
#[derive(Clone, Debug)]
pub struct JsError {
    /// Which constructor.
    pub kind: ErrorKind,
    /// The `code` property (`ERR_OUT_OF_RANGE`, ...).
    pub code: Cow<'static, str>,
    /// The message.
    pub message: String,
}

/// The result type of everything that can fail in JavaScript terms.
pub type JsResult<T> = Result<T, JsError>;

/// A C string from Rust text; interior NULs (impossible in our messages) become spaces.
fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', " ")).unwrap_or_default()
}

impl JsError {
    /// An `Error` with a code.
    pub fn error(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> JsError {
        JsError {
            kind: ErrorKind::Error,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A `TypeError` with a code.
    pub fn type_error(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> JsError {
        JsError {
            kind: ErrorKind::TypeError,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A `RangeError` with a code.
    pub fn range_error(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> JsError {
        JsError {
            kind: ErrorKind::RangeError,
            code: code.into(),
            message: message.into(),
        }
    }

    /// The marker for "a JavaScript exception is already pending".
    pub fn pending() -> JsError {
        JsError {
            kind: ErrorKind::Pending,
            code: Cow::Borrowed(""),
            message: String::new(),
        }
    }

    /// Throws the error in `env` (nothing happens for [`ErrorKind::Pending`]).
    pub fn throw(&self, env: Env<'_>) {
        let code = c_string(&self.code);
        let message = c_string(&self.message);
        // SAFETY: the env is live (type invariant); both strings are NUL-terminated and outlive
        // the calls, which copy them.
        let status = unsafe {
            match self.kind {
                ErrorKind::Pending => return,
                ErrorKind::Error => {
                    sys::napi_throw_error(env.raw(), code.as_ptr(), message.as_ptr())
                }
                ErrorKind::TypeError => {
                    sys::napi_throw_type_error(env.raw(), code.as_ptr(), message.as_ptr())
                }
                ErrorKind::RangeError => {
                    sys::napi_throw_range_error(env.raw(), code.as_ptr(), message.as_ptr())
                }
            }
        };
        // Throwing can only fail when an exception is already pending, which is just as good.
        let _ = status;
    }

    /// The error as a JavaScript error object (for rejecting a promise).
    pub fn to_value<'s>(&self, env: Env<'s>) -> Result<Value<'s>, JsError> {
        let code = env.string(&self.code)?;
        let message = env.string(&self.message)?;
        let mut out = ptr::null_mut();
        // SAFETY: live env; `code` and `message` are string handles of this scope; `out` is a
        // valid out-pointer.
        let status = unsafe {
            match self.kind {
                ErrorKind::TypeError => {
                    sys::napi_create_type_error(env.raw(), code.raw, message.raw, &mut out)
                }
                ErrorKind::RangeError => {
                    sys::napi_create_range_error(env.raw(), code.raw, message.raw, &mut out)
                }
                ErrorKind::Error | ErrorKind::Pending => {
                    sys::napi_create_error(env.raw(), code.raw, message.raw, &mut out)
                }
            }
        };
        env.check(status)?;
        Ok(env.wrap(out))
    }
}
