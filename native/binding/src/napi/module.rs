//! The addon's entry points: Node looks these two symbols up when it loads the `.node` file,
//! once per environment (main thread and each worker_thread).

use super::env::Env;
use super::panic::{guard, install_quiet_hook};
use super::state::EnvState;
use super::sys;

/// The Node-API version this addon is written against. Node 20 accepts 1..=9 here, but a
/// value above what it supports makes it crash at load time instead of throwing, so this stays
/// at the baseline that every supported Node has.
const MODULE_API_VERSION: i32 = 8;

/// Tells Node which Node-API version the addon expects (what `NAPI_MODULE_INIT` emits in C).
#[unsafe(no_mangle)]
pub extern "C" fn node_api_module_get_api_version_v1() -> i32 {
    MODULE_API_VERSION
}

/// Initialises the addon for one environment and fills `exports`.
///
/// # Safety
/// Called by Node only, with a live env and its `exports` object, on the env's thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn napi_register_module_v1(
    raw_env: sys::napi_env,
    exports: sys::napi_value,
) -> sys::napi_value {
    install_quiet_hook();
    // SAFETY: Node passes the live env of this module-load call, on its thread.
    let env = unsafe { Env::from_raw(raw_env) };
    let exports = env.wrap(exports);
    match guard(|| {
        EnvState::install(env)?;
        crate::exports::register(env, exports)
    }) {
        Ok(()) => exports.raw,
        Err(error) => {
            error.throw(env);
            std::ptr::null_mut()
        }
    }
}
