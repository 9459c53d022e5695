//! The kernels, called synchronously on the calling JavaScript thread, and the kernel table.

use super::args::{expect_arity, uint};
use crate::napi::{Args, Env, JsError, JsResult, Value};
use nogil_core::{Cancel, Kernel, Output};

pub fn register<'s>(env: Env<'s>, exports: Value<'s>) -> JsResult<()> {
    env.export(exports, c"kernels", kernels)?;
    env.export(exports, c"bruteGcd", brute_gcd)?;
    env.export(exports, c"gcd", gcd)?;
    env.export(exports, c"factorize", factorize)?;
    env.export(exports, c"sleep", sleep)
}

/// `kernels()`: `[name, id, arity, returnsList][]`, the registry TypeScript validates against.
fn kernels<'s>(env: Env<'s>, _args: &Args<'s>) -> JsResult<Value<'s>> {
    let table = env.array(Kernel::ALL.len())?;
    for (i, &k) in Kernel::ALL.iter().enumerate() {
        let row = env.array(4)?;
        env.set_element(row, 0, env.string(k.name())?)?;
        env.set_element(row, 1, env.number(f64::from(k.id()))?)?;
        env.set_element(row, 2, env.number(k.arity() as f64)?)?;
        env.set_element(row, 3, env.boolean(k.returns_list())?)?;
        env.set_element(table, i as u32, row)?;
    }
    Ok(table)
}

/// Validates `args` against `names` and runs `kernel` here, on the caller's thread.
fn run_here<'s>(
    env: Env<'s>,
    args: &Args<'s>,
    kernel: Kernel,
    names: &[&str],
) -> JsResult<Value<'s>> {
    expect_arity(args, kernel.name(), names)?;
    let mut values = [0u64; 2];
    for (i, name) in names.iter().enumerate() {
        values[i] = uint(env, args.get(i)?, name)?;
    }
    // Never cancelled: the caller's thread is blocked in this call until it returns.
    match kernel.run(&values[..names.len()], &Cancel::new()) {
        Ok(Output::Number(n)) => env.number(n as f64),
        Ok(Output::List(list)) => env.number_array(list.iter().map(|&x| x as f64)),
        // A fresh flag is never set; kept as an error rather than a panic all the same.
        Err(cancelled) => Err(JsError::error(
            "ERR_NATIVE_CANCELLED",
            cancelled.to_string(),
        )),
    }
}

fn brute_gcd<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    run_here(env, args, Kernel::BruteGcd, &["a", "b"])
}

fn gcd<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    run_here(env, args, Kernel::Gcd, &["a", "b"])
}

fn factorize<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    run_here(env, args, Kernel::Factorize, &["n"])
}

fn sleep<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    run_here(env, args, Kernel::Sleep, &["ms"])?;
    env.undefined()
}
