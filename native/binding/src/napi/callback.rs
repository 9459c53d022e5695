//! Exported functions: one `extern "C"` trampoline for all of them, with the Rust handler's
//! address carried in the function's `data` pointer.

use super::env::{Env, Value};
use super::error::JsResult;
use super::panic::guard;
use super::sys;
use std::ffi::{CStr, c_void};
use std::ptr;

/// The most arguments a handler sees; callers may pass more, and [`Args::len`] says so.
const MAX_ARGS: usize = 8;

/// A Rust function exported to JavaScript.
pub type Handler = for<'s> fn(Env<'s>, &Args<'s>) -> JsResult<Value<'s>>;

/// The arguments of one call.
pub struct Args<'s> {
    values: [sys::napi_value; MAX_ARGS],
    len: usize,
    env: Env<'s>,
}

impl<'s> Args<'s> {
    /// How many arguments the caller passed (may exceed what was captured).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Argument `i`, or `undefined` when missing (as in JavaScript).
    pub fn get(&self, i: usize) -> JsResult<Value<'s>> {
        if i < self.len.min(MAX_ARGS) {
            Ok(self.env.wrap(self.values[i]))
        } else {
            self.env.undefined()
        }
    }
}

/// The single entry point of every exported function.
unsafe extern "C" fn trampoline(
    raw_env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: Node calls this with the live env of a call running now on this thread; the
    // `Env` does not escape this function (its lifetime is local).
    let env = unsafe { Env::from_raw(raw_env) };
    let result = guard(|| {
        let mut args = Args {
            values: [ptr::null_mut(); MAX_ARGS],
            len: MAX_ARGS,
            env,
        };
        let mut data: *mut c_void = ptr::null_mut();
        // SAFETY: `info` is this call's callback info; `argc` holds the capacity of `values`
        // on input and the real count on output; `data` is a valid out-pointer.
        env.check(unsafe {
            sys::napi_get_cb_info(
                raw_env,
                info,
                &mut args.len,
                args.values.as_mut_ptr(),
                ptr::null_mut(),
                &mut data,
            )
        })?;
        // SAFETY: every function with this trampoline was made by `Env::function`, which put
        // a `Handler` fn pointer in `data`; fn pointers and data pointers have the same size
        // and representation on every platform Node supports.
        let handler = unsafe { std::mem::transmute::<*mut c_void, Handler>(data) };
        handler(env, &args)
    });
    match result {
        Ok(value) => value.raw,
        Err(error) => {
            error.throw(env);
            ptr::null_mut()
        }
    }
}

impl<'s> Env<'s> {
    /// A JavaScript function that calls `handler`.
    pub fn function(self, name: &CStr, handler: Handler) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: live env; `name` is NUL-terminated (NAPI_AUTO_LENGTH); the data pointer is a
        // fn pointer with 'static lifetime, read back only by `trampoline`.
        self.check(unsafe {
            sys::napi_create_function(
                self.raw(),
                name.as_ptr(),
                sys::NAPI_AUTO_LENGTH,
                Some(trampoline),
                handler as *mut c_void,
                &mut out,
            )
        })?;
        Ok(self.wrap(out))
    }

    /// `object[name] = function calling handler`.
    pub fn export(self, object: Value<'s>, name: &CStr, handler: Handler) -> JsResult<()> {
        let f = self.function(name, handler)?;
        self.set_named(object, name, f)
    }
}
