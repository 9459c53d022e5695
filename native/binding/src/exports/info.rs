//! `info()`: what this build is, for `nogil --help`, benchmarks and bug reports; and, in
//! `test-panic` builds, `testPanic()`.

use crate::napi::{Args, Env, JsResult, Value};

pub fn register<'s>(env: Env<'s>, exports: Value<'s>) -> JsResult<()> {
    env.export(exports, c"info", info)?;
    #[cfg(feature = "test-panic")]
    env.export(exports, c"testPanic", test_panic)?;
    Ok(())
}

fn info<'s>(env: Env<'s>, _args: &Args<'s>) -> JsResult<Value<'s>> {
    let out = env.object()?;
    env.set_named(out, c"version", env.string(env!("CARGO_PKG_VERSION"))?)?;
    env.set_named(out, c"napiVersion", env.number(8.0)?)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    env.set_named(out, c"availableParallelism", env.number(cores as f64)?)?;
    env.set_named(out, c"debug", env.boolean(cfg!(debug_assertions))?)?;
    env.set_named(
        out,
        c"testPanic",
        env.boolean(cfg!(feature = "test-panic"))?,
    )?;
    Ok(out)
}

/// Panics on the JavaScript thread: the trampoline must turn it into a thrown `Error`.
#[cfg(feature = "test-panic")]
fn test_panic<'s>(_env: Env<'s>, _args: &Args<'s>) -> JsResult<Value<'s>> {
    panic!("testPanic() was called");
}
