//! Per-environment state (N-API "instance data"): the addon is context-aware, so the main
//! thread and every worker_thread that loads it get their own `EnvState`, and nothing
//! per-environment lives in a static.
//!
//! ## Teardown
//! When an environment ends (a worker exits, the process ends) Node runs, in this order: the
//! cleanup hook (cancel this env's native work, close its pools: threads finish or abandon
//! their jobs and exit on their own, nobody blocks), the TSFN finalizer (late completions are
//! dropped from then on), and the instance-data finalizer (frees this struct).

use super::delivery::Delivery;
use super::env::{Env, Value};
use super::error::{JsError, JsResult};
use super::panic::guard;
use super::sys;
use crate::exports::AppState;
use nogil_core::Cancel;
use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;

/// Everything one environment owns.
pub struct EnvState {
    /// The channel for native completions.
    pub delivery: Arc<Delivery>,
    /// Set at teardown; every job of this env polls it.
    pub cancel: Cancel,
    /// The TypeScript function that settles id-addressed completions (a strong reference).
    handler: Cell<sys::napi_ref>,
    /// The exported functions' own state (the pool registry).
    pub app: AppState,
}

impl EnvState {
    /// Creates the state for `env`, registers it as instance data and adds the cleanup hook.
    pub(super) fn install(env: Env<'_>) -> JsResult<()> {
        let state = Box::new(EnvState {
            delivery: Delivery::new(env)?,
            cancel: Cancel::new(),
            handler: Cell::new(ptr::null_mut()),
            app: AppState::default(),
        });
        let raw = Box::into_raw(state);
        // SAFETY: live env; `raw` is a leaked Box that `finalize_state` frees exactly once
        // (Node calls the instance-data finalizer once, at teardown).
        let status = unsafe {
            sys::napi_set_instance_data(
                env.raw(),
                raw.cast(),
                Some(finalize_state),
                ptr::null_mut(),
            )
        };
        if let Err(e) = env.check(status) {
            // SAFETY: registration failed, so Node will not free it; we still own `raw`.
            drop(unsafe { Box::from_raw(raw) });
            return Err(e);
        }
        // SAFETY: live env; `raw` stays valid until `finalize_state`, which Node runs after
        // every cleanup hook.
        env.check(unsafe { sys::napi_add_env_cleanup_hook(env.raw(), Some(cleanup), raw.cast()) })
    }

    /// This environment's state.
    pub fn get<'s>(env: Env<'s>) -> JsResult<&'s EnvState> {
        let mut raw: *mut c_void = ptr::null_mut();
        // SAFETY: live env, valid out-pointer.
        env.check(unsafe { sys::napi_get_instance_data(env.raw(), &mut raw) })?;
        if raw.is_null() {
            return Err(JsError::error(
                "ERR_NATIVE_STATE",
                "nogil's native state is missing",
            ));
        }
        // SAFETY: the only instance data this addon ever sets is an `EnvState` (`install`),
        // and it lives until the env's teardown, which outlasts any callback scope `'s`.
        Ok(unsafe { &*raw.cast::<EnvState>() })
    }

    /// Stores the completion handler (replacing any previous one).
    pub fn set_completion_handler(&self, env: Env<'_>, handler: Value<'_>) -> JsResult<()> {
        let mut reference = ptr::null_mut();
        // SAFETY: live env; `handler` is a handle of this scope; valid out-pointer.
        env.check(unsafe {
            sys::napi_create_reference(env.raw(), handler.raw, 1, &mut reference)
        })?;
        let old = self.handler.replace(reference);
        if !old.is_null() {
            // SAFETY: `old` was created above by an earlier call in this same env and is
            // deleted once, here.
            let _ = unsafe { sys::napi_delete_reference(env.raw(), old) };
        }
        Ok(())
    }

    /// The completion handler, if TypeScript registered one.
    pub fn completion_handler<'s>(&self, env: Env<'s>) -> JsResult<Option<Value<'s>>> {
        let reference = self.handler.get();
        if reference.is_null() {
            return Ok(None);
        }
        let mut out = ptr::null_mut();
        // SAFETY: live env; `reference` is a strong reference created in this env.
        env.check(unsafe { sys::napi_get_reference_value(env.raw(), reference, &mut out) })?;
        Ok((!out.is_null()).then(|| env.wrap(out)))
    }
}

/// The env cleanup hook: cancel and close everything this env started.
unsafe extern "C" fn cleanup(arg: *mut c_void) {
    // SAFETY: `arg` is the `EnvState` registered with this hook; the instance-data finalizer
    // that frees it runs only after all cleanup hooks.
    let state = unsafe { &*arg.cast::<EnvState>() };
    let _ = guard(|| {
        state.cancel.cancel();
        state.app.teardown();
        state.delivery.close();
        Ok(())
    });
}

/// The instance-data finalizer.
unsafe extern "C" fn finalize_state(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box leaked in `install`; Node calls this once. The handler
    // reference is not deleted: Node frees an environment's references itself at teardown.
    let state = unsafe { Box::from_raw(data.cast::<EnvState>()) };
    let _ = guard(|| {
        drop(state);
        Ok(())
    });
}
