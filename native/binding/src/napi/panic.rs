//! Panics never cross into Node: every `extern "C"` entry point runs its body through
//! [`guard`], which turns a panic into an `Error` with `code: 'ERR_NATIVE_PANIC'`.
//!
//! Without it, a panic unwinding out of an `extern "C"` function aborts the whole process.
//! (`catch_unwind` cannot catch stack overflows, allocation failures or a panic while
//! panicking; those still abort, as they would in any Rust program.)

use super::error::{JsError, JsResult};
use nogil_core::batch::panic_message;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// Runs `body`, mapping a panic to a `JsError`.
pub fn guard<R>(body: impl FnOnce() -> JsResult<R>) -> JsResult<R> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => Err(panic_error(&panic_message(payload.as_ref()))),
    }
}

/// The JavaScript error for a caught panic.
pub fn panic_error(message: &str) -> JsError {
    JsError::error(
        "ERR_NATIVE_PANIC",
        format!("native code panicked: {message}"),
    )
}

/// Installs (once per process) a panic hook that stays quiet: caught panics are reported as
/// JavaScript errors, so the default hook's stderr message and backtrace (`RUST_BACKTRACE` is
/// often set) would only be noise. `NOGIL_DEBUG_PANICS=1` keeps a one-line report.
pub fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let verbose = std::env::var_os("NOGIL_DEBUG_PANICS").is_some_and(|v| v != "0");
        std::panic::set_hook(Box::new(move |info| {
            if verbose {
                eprintln!("nogil: native panic: {info}");
            }
        }));
    });
}
