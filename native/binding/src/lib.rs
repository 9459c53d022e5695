//! The nogil Node-API addon: Python's concurrency toolkit for Node, on real OS threads.
//!
//! Layout: `napi/` is the thin safe layer over Node-API (the only place with `unsafe`, each
//! block with a `// SAFETY:` comment); `exports/` holds the functions JavaScript sees, written
//! in safe Rust against that layer; the engine (kernels, pool, batches, race) is the napi-free
//! `nogil-core` crate in `native/core`.

mod exports;
mod napi;
