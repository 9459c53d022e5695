//! nogil's engine: the CPU kernels, a pool of OS threads, batch scheduling for `map` and the
//! counter race that shows why locks exist.
//!
//! This crate knows nothing about Node: it compiles, and `cargo test` runs it, without a Node
//! installation. The N-API glue lives in the root crate (`native/binding`), which is the only
//! place allowed to write `unsafe`; here it is forbidden outright (see `Cargo.toml`).

pub mod batch;
pub mod cancel;
pub mod control;
pub mod kernel;
pub mod kernels;
pub mod pool;
pub mod race;
pub mod validate;

pub use batch::{Batch, BatchOutput};
pub use cancel::{Cancel, Cancelled, Check};
pub use control::{ControlBlock, Stop, TaskControl};
pub use kernel::{Kernel, Output};
pub use pool::{PoolClosed, ThreadPool};
