//! The functions the addon exports, and the per-environment state they share.
//!
//! This is the raw surface that `src/native/binding.ts` types and wraps; users never call it
//! directly. Promises of the pool are created in TypeScript and addressed by numeric id (see
//! `napi/delivery.rs`), which keeps per-task cost low; one-off operations (`counterRace`,
//! `poolClose`) return native promises.

mod args;
mod info;
mod kernels;
mod pool;
mod race;

use crate::napi::{Env, JsResult, Value};
use nogil_core::ThreadPool;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

/// An open pool and the client (TypeScript copy) that created it.
struct PoolEntry {
    pool: Arc<ThreadPool>,
    client: u32,
}

/// What the exported functions keep per environment.
#[derive(Default)]
pub struct AppState {
    /// Open pools by handle.
    pools: RefCell<HashMap<u32, PoolEntry>>,
    /// The next pool handle.
    next_pool: Cell<u32>,
}

impl AppState {
    /// At environment teardown: close every pool (without waiting) so its threads exit once
    /// their cancelled jobs return.
    pub fn teardown(&self) {
        let pools: Vec<_> = self.pools.borrow_mut().drain().map(|(_, e)| e).collect();
        for entry in pools {
            entry.pool.close(|| {});
        }
    }
}

/// Fills the `exports` object of one environment.
pub fn register<'s>(env: Env<'s>, exports: Value<'s>) -> JsResult<()> {
    kernels::register(env, exports)?;
    pool::register(env, exports)?;
    race::register(env, exports)?;
    info::register(env, exports)
}
