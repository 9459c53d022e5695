//! Per-environment state (N-API "instance data"): the addon is context-aware, so the main
//! thread and every worker_thread that loads it get their own `EnvState`, and nothing
//! per-environment lives in a static.
//!
//! ## Teardown
//! When an environment ends (a worker exits, the process ends) Node runs, in this order: the
//! cleanup hook (cancel this env's native work, close its pools: threads finish or abandon
//! their jobs and exit on their own, nobody blocks), the TSFN finalizer (late completions are
//! dropped from then on), and the instance-data finalizer (deletes the clients' handler
//! references and frees this struct, control blocks included).

use super::delivery::Delivery;
use super::env::{Env, Value};
use super::error::{JsError, JsResult};
use super::panic::guard;
use super::sys;
use crate::exports::AppState;
use nogil_core::{Cancel, ControlBlock};
use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;

/// Status words per control block (a 4 KiB block).
pub const CONTROL_BLOCK_WORDS: usize = 1024;

/// One copy of the TypeScript package that uses this addon instance (see `delivery.rs`).
struct Client {
    /// The function that settles this client's id-addressed completions (a strong reference).
    handler: sys::napi_ref,
    /// This client's task status words (see `nogil_core::control`), in the order JavaScript
    /// asked for them. Owned here until the instance-data finalizer, so that JavaScript's
    /// views of them never dangle; pool threads hold their own `Arc`s.
    blocks: Vec<Arc<ControlBlock>>,
}

/// Everything one environment owns.
pub struct EnvState {
    /// The channel for native completions.
    pub delivery: Arc<Delivery>,
    /// Set at teardown; every job of this env polls it.
    pub cancel: Cancel,
    /// The registered TypeScript copies, by client number.
    clients: RefCell<Vec<Client>>,
    /// The exported functions' own state (the pool registry).
    pub app: AppState,
}

impl EnvState {
    /// Creates the state for `env`, registers it as instance data and adds the cleanup hook.
    pub(super) fn install(env: Env<'_>) -> JsResult<()> {
        let state = Box::new(EnvState {
            delivery: Delivery::new(env)?,
            cancel: Cancel::new(),
            clients: RefCell::new(Vec::new()),
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

    /// Registers a TypeScript copy and its completion handler; returns its client number.
    pub fn register_client(&self, env: Env<'_>, handler: Value<'_>) -> JsResult<u32> {
        let mut clients = self.clients.borrow_mut();
        let number = u32::try_from(clients.len())
            .map_err(|_| JsError::error("ERR_NATIVE_STATE", "too many nogil clients"))?;
        let mut reference = ptr::null_mut();
        // SAFETY: live env; `handler` is a handle of this scope; valid out-pointer.
        env.check(unsafe {
            sys::napi_create_reference(env.raw(), handler.raw, 1, &mut reference)
        })?;
        clients.push(Client {
            handler: reference,
            blocks: Vec::new(),
        });
        Ok(number)
    }

    /// Whether `client` was registered.
    pub fn has_client(&self, client: u32) -> bool {
        (client as usize) < self.clients.borrow().len()
    }

    /// The completion handler of `client`, if it is registered.
    pub fn client_handler<'s>(&self, env: Env<'s>, client: u32) -> JsResult<Option<Value<'s>>> {
        let Some(reference) = self
            .clients
            .borrow()
            .get(client as usize)
            .map(|c| c.handler)
        else {
            return Ok(None);
        };
        let mut out = ptr::null_mut();
        // SAFETY: live env; `reference` is a strong reference created in this env and deleted
        // only by the instance-data finalizer.
        env.check(unsafe { sys::napi_get_reference_value(env.raw(), reference, &mut out) })?;
        Ok((!out.is_null()).then(|| env.wrap(out)))
    }

    /// A new control block for `client`, and JavaScript's `Int32Array` view of it.
    pub fn add_control_block<'s>(&self, env: Env<'s>, client: u32) -> JsResult<Value<'s>> {
        let mut clients = self.clients.borrow_mut();
        let Some(entry) = clients.get_mut(client as usize) else {
            return Err(JsError::type_error(
                "ERR_INVALID_ARG_VALUE",
                format!("unknown client {client}"),
            ));
        };
        let block = Arc::new(ControlBlock::new(CONTROL_BLOCK_WORDS));
        let bytes = block.len() * std::mem::size_of::<i32>();
        let mut buffer = ptr::null_mut();
        // SAFETY: live env. The memory is `block`'s words, which stay allocated until this
        // struct is freed by the instance-data finalizer (the Arc is stored below, before any
        // JavaScript can see the buffer), and no JavaScript runs after that: the view never
        // dangles. No finalizer: Rust owns the memory. JavaScript reads and writes it with
        // `Atomics` while pool threads use `AtomicI32` on the same words (the same layout as
        // `i32`), so no access on the Rust side is a non-atomic one.
        env.check(unsafe {
            sys::napi_create_external_arraybuffer(
                env.raw(),
                block.as_ptr().cast::<c_void>(),
                bytes,
                None,
                ptr::null_mut(),
                &mut buffer,
            )
        })?;
        entry.blocks.push(block);
        let mut view = ptr::null_mut();
        // SAFETY: `buffer` is an ArrayBuffer of this scope of exactly `len` i32 words.
        env.check(unsafe {
            sys::napi_create_typedarray(
                env.raw(),
                sys::napi_int32_array,
                CONTROL_BLOCK_WORDS,
                buffer,
                0,
                &mut view,
            )
        })?;
        Ok(env.wrap(view))
    }

    /// Control block `index` of `client`.
    pub fn control_block(&self, client: u32, index: usize) -> Option<Arc<ControlBlock>> {
        self.clients
            .borrow()
            .get(client as usize)
            .and_then(|c| c.blocks.get(index).cloned())
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
unsafe extern "C" fn finalize_state(env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box leaked in `install`; Node calls this once.
    let state = unsafe { Box::from_raw(data.cast::<EnvState>()) };
    let _ = guard(|| {
        // Node does not free references that the addon created (they would leak), and the env
        // is still valid in its instance-data finalizer.
        for client in state.clients.borrow().iter() {
            // SAFETY: `env` is the env being torn down, still valid during this finalizer;
            // each reference was created in it by `register_client` and is deleted once, here.
            let _ = unsafe { sys::napi_delete_reference(env, client.handler) };
        }
        drop(state);
        Ok(())
    });
}
