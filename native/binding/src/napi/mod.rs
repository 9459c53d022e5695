//! The thin safe layer over Node-API. Every `unsafe` block of the addon lives in this folder,
//! each with a `// SAFETY:` comment; the rest of the crate (`exports/`) is safe Rust.
//!
//! Handles are scoped: [`Env`] and [`Value`] carry the lifetime `'s` of the N-API callback that
//! produced them, so safe code cannot keep a handle past the call that owns it, and neither type
//! is `Send`, so they cannot leave the JavaScript thread. What does cross threads is plain data:
//! [`Completion`]s handed to a [`Delivery`], which hands them back to the JavaScript thread
//! through one threadsafe function per environment.

pub mod sys;

mod callback;
mod deferred;
mod delivery;
mod env;
mod error;
mod module;
mod panic;
mod state;
mod typed_array;
mod value;

pub use callback::Args;
pub use deferred::Deferred;
pub use delivery::{Completion, Payload, Pending, Target};
pub use env::{Env, Value, ValueType};
pub use error::{JsError, JsResult};
pub use panic::panic_error;
pub use state::{CONTROL_BLOCK_WORDS, EnvState};
