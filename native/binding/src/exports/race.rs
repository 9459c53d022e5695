//! `counterRace(threads, increments, locked) -> Promise<number>`: the tutorial's counter race
//! on native threads, run off the JavaScript thread.

use super::args::{boolean, expect_arity, uint, uint_in};
use crate::napi::{Args, Completion, Env, EnvState, JsError, JsResult, Payload, Target, Value};
use nogil_core::race::{RaceError, counter_race};
use std::sync::Arc;

/// The most racing threads.
const MAX_THREADS: u64 = 1024;

pub fn register<'s>(env: Env<'s>, exports: Value<'s>) -> JsResult<()> {
    env.export(exports, c"counterRace", race)
}

fn race<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "counterRace", &["threads", "increments", "locked"])?;
    let threads = uint_in(env, args.get(0)?, "threads", 1, MAX_THREADS)? as usize;
    let increments = uint(env, args.get(1)?, "increments")?;
    let locked = boolean(env, args.get(2)?, "locked")?;
    let state = EnvState::get(env)?;
    let (deferred, promise) = env.promise()?;
    let delivery = Arc::clone(&state.delivery);
    let cancel = state.cancel.clone();
    state.delivery.begin(env, 1);
    // A coordinator thread of its own, so the JavaScript thread never waits for the racers.
    let spawned = std::thread::Builder::new()
        .name("nogil-race".into())
        .spawn(move || {
            let payload = match counter_race(threads, increments, locked, &cancel) {
                Ok(count) => Payload::Number(count as f64),
                Err(RaceError::Spawn(e)) => Payload::Error(JsError::error(
                    "ERR_NATIVE_THREAD_SPAWN",
                    format!("could not start racing threads: {e}"),
                )),
                Err(RaceError::Cancelled) => return,
            };
            delivery.deliver(Completion {
                target: Target::Deferred(deferred),
                payload,
            });
        });
    if let Err(e) = spawned {
        // The closure (and the deferred in it) was dropped; report through a fresh promise.
        let (deferred, promise) = env.promise()?;
        deferred.reject(
            env,
            &JsError::error(
                "ERR_NATIVE_THREAD_SPAWN",
                format!("could not start a thread: {e}"),
            ),
        )?;
        state.delivery.deliver_all(std::iter::empty());
        return Ok(promise);
    }
    Ok(promise)
}
