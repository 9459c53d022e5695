//! Argument checks with Node's error codes and message shapes.

use crate::napi::{Args, Env, JsError, JsResult, Value, ValueType};
use nogil_core::validate::{describe_number, safe_uint};

/// `TypeError [ERR_INVALID_ARG_TYPE]`.
pub fn invalid_type(env: Env<'_>, name: &str, expected: &str, value: Value<'_>) -> JsError {
    JsError::type_error(
        "ERR_INVALID_ARG_TYPE",
        format!(
            "The \"{name}\" argument must be {expected}. Received {}",
            env.describe(value)
        ),
    )
}

/// `RangeError [ERR_OUT_OF_RANGE]` for a number that is not a safe non-negative integer.
pub fn out_of_range(name: &str, expectation: &str, received: f64) -> JsError {
    JsError::range_error(
        "ERR_OUT_OF_RANGE",
        format!(
            "The value of \"{name}\" is out of range. It must be {expectation}. Received {}",
            describe_number(received)
        ),
    )
}

/// Checks that the call had exactly `names.len()` arguments (a missing one is reported by the
/// per-argument check as `undefined`, like Node does).
pub fn expect_arity(args: &Args<'_>, function: &str, names: &[&str]) -> JsResult<()> {
    if args.len() > names.len() {
        return Err(JsError::type_error(
            "ERR_INVALID_ARG_TYPE",
            format!(
                "{function}({}) takes {} argument{}; received {}",
                names.join(", "),
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                args.len()
            ),
        ));
    }
    Ok(())
}

/// A safe non-negative integer argument.
pub fn uint(env: Env<'_>, value: Value<'_>, name: &str) -> JsResult<u64> {
    if env.type_of(value)? != ValueType::Number {
        return Err(invalid_type(env, name, "of type number", value));
    }
    let x = env.number_value(value)?;
    safe_uint(x).map_err(|e| out_of_range(name, e.expectation(), x))
}

/// An integer argument in `min..=max`.
pub fn uint_in(env: Env<'_>, value: Value<'_>, name: &str, min: u64, max: u64) -> JsResult<u64> {
    let n = uint(env, value, name)?;
    if n < min || n > max {
        return Err(out_of_range(
            name,
            &format!("an integer >= {min} and <= {max}"),
            n as f64,
        ));
    }
    Ok(n)
}

/// A boolean argument.
pub fn boolean(env: Env<'_>, value: Value<'_>, name: &str) -> JsResult<bool> {
    if env.type_of(value)? != ValueType::Boolean {
        return Err(invalid_type(env, name, "of type boolean", value));
    }
    env.bool_value(value)
}
