//! `counterRace(threads, increments, locked) -> Promise<number>`: the tutorial's counter race
//! on native threads, run off the JavaScript thread.

use super::args::{boolean, expect_arity, uint, uint_in};
use crate::napi::{
    Args, Completion, Deferred, Env, EnvState, JsError, JsResult, Payload, Pending, Target, Value,
};
use nogil_core::race::{RaceError, counter_race};
use std::sync::mpsc;

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
    let cancel = state.cancel.clone();
    // The coordinator thread starts first and is handed its promise and keep-alive guard only
    // once it runs: a thread that cannot start leaves nothing behind (no deferred to leak, no
    // count keeping the process alive), and the promise simply rejects.
    let (send, receive) = mpsc::sync_channel::<(Deferred, Pending)>(1);
    let spawned = std::thread::Builder::new()
        .name("nogil-race".into())
        .spawn(move || {
            // Disconnected: the JavaScript side failed before handing over; nobody waits.
            let Ok((deferred, pending)) = receive.recv() else {
                return;
            };
            let payload = match counter_race(threads, increments, locked, &cancel) {
                Ok(count) => Payload::Number(count as f64),
                Err(RaceError::Spawn(e)) => Payload::Error(JsError::error(
                    "ERR_NATIVE_THREAD_SPAWN",
                    format!("could not start racing threads: {e}"),
                )),
                // The environment is gone: dropping `pending` uncounts it.
                Err(RaceError::Cancelled) => return,
            };
            pending.deliver(Completion {
                target: Target::Deferred(deferred),
                payload,
            });
        });
    let (deferred, promise) = env.promise()?;
    match spawned {
        Ok(_detached) => {
            let pending = state.delivery.expect(env, 1);
            // The coordinator only exits after receiving, so the channel cannot be closed.
            let _ = send.send((deferred, pending));
        }
        Err(e) => deferred.reject(
            env,
            &JsError::error(
                "ERR_NATIVE_THREAD_SPAWN",
                format!("could not start a thread: {e}"),
            ),
        )?,
    }
    Ok(promise)
}
