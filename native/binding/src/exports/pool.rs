//! `NativePool`'s native half: pools of OS threads addressed by integer handles.
//!
//! Handles instead of externals: JavaScript can pass any value back, and a handle that is not
//! in this environment's registry is a clean `TypeError`, never a wild pointer.
//!
//! Tasks arrive in batches (`poolSubmit` takes every `submit` of one JavaScript tick as a
//! `Float64Array`) and results leave in batches (see `napi/delivery.rs`), so the per-task cost
//! is a few array writes plus the pool's queue operations.

use super::args::{expect_arity, invalid_type, out_of_range, uint, uint_in};
use crate::napi::{
    Args, Completion, Delivery, Env, EnvState, JsError, JsResult, Payload, Target, Value,
};
use nogil_core::batch::{BatchError, BatchOutput, panic_message};
use nogil_core::validate::safe_uint;
use nogil_core::{Batch, Cancel, Kernel, Output, ThreadPool};
use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most threads one pool may have.
const MAX_THREADS: u64 = 1024;

/// Fields per task in `poolSubmit`'s array: `[id, kernelId, arg0, arg1]`.
const TASK_FIELDS: usize = 4;

/// A busy chunk hands finished results over at least this often.
const FLUSH_EVERY: Duration = Duration::from_millis(1);

pub fn register<'s>(env: Env<'s>, exports: Value<'s>) -> JsResult<()> {
    env.export(exports, c"setCompletionHandler", set_completion_handler)?;
    env.export(exports, c"poolCreate", pool_create)?;
    env.export(exports, c"poolSubmit", pool_submit)?;
    env.export(exports, c"poolMap", pool_map)?;
    env.export(exports, c"poolClose", pool_close)?;
    env.export(exports, c"poolRelease", pool_release)
}

/// `setCompletionHandler(fn)`: the TypeScript function that settles id-addressed promises,
/// called as `fn(scalars: Float64Array /* [id, value]... */, rest: [id, tag, value][])`.
fn set_completion_handler<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "setCompletionHandler", &["handler"])?;
    let handler = args.get(0)?;
    if env.type_of(handler)? != crate::napi::ValueType::Function {
        return Err(invalid_type(env, "handler", "of type function", handler));
    }
    EnvState::get(env)?.set_completion_handler(env, handler)?;
    env.undefined()
}

/// `poolCreate(threads) -> handle`.
fn pool_create<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolCreate", &["threads"])?;
    let threads = uint_in(env, args.get(0)?, "threads", 1, MAX_THREADS)?;
    let size = NonZeroUsize::new(threads as usize).unwrap_or(NonZeroUsize::MIN);
    let pool = ThreadPool::new(size, "nogil-pool").map_err(|e| {
        JsError::error(
            "ERR_NATIVE_THREAD_SPAWN",
            format!("could not start pool threads: {e}"),
        )
    })?;
    let app = &EnvState::get(env)?.app;
    let handle = app.next_pool.get().wrapping_add(1).max(1);
    app.next_pool.set(handle);
    app.pools.borrow_mut().insert(handle, Arc::new(pool));
    env.number(f64::from(handle))
}

/// The open pool behind a handle argument.
fn pool_arg(env: Env<'_>, value: Value<'_>) -> JsResult<Arc<ThreadPool>> {
    let handle = uint(env, value, "pool")?;
    let app = &EnvState::get(env)?.app;
    let pools = app.pools.borrow();
    u32::try_from(handle)
        .ok()
        .and_then(|h| pools.get(&h).cloned())
        .ok_or_else(|| JsError::error("ERR_NATIVE_POOL_CLOSED", "the native pool is closed"))
}

/// Removes a pool from the registry (the handle is dead to JavaScript from then on); `None`
/// when it was already closed.
fn take_pool(env: Env<'_>, value: Value<'_>) -> JsResult<Option<Arc<ThreadPool>>> {
    let handle = uint(env, value, "pool")?;
    let app = &EnvState::get(env)?.app;
    Ok(u32::try_from(handle)
        .ok()
        .and_then(|h| app.pools.borrow_mut().remove(&h)))
}

/// A task of `poolSubmit`.
struct Task {
    id: f64,
    kernel: Kernel,
    args: [u64; 2],
}

/// Runs one task, turning a panic into an error payload.
fn run_task(task: &Task, cancel: &Cancel) -> Option<Completion> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        task.kernel.run(&task.args[..task.kernel.arity()], cancel)
    }));
    let payload = match outcome {
        Ok(Ok(Output::Number(n))) => Payload::Number(n as f64),
        Ok(Ok(Output::List(list))) => Payload::List(list),
        // Cancelled: the environment is gone and nobody is waiting.
        Ok(Err(_)) => return None,
        Err(panic) => Payload::Error(crate::napi::panic_error(&panic_message(panic.as_ref()))),
    };
    Some(Completion {
        target: Target::Id(task.id),
        payload,
    })
}

/// `poolSubmit(handle, tasks: Float64Array)`: queues `[id, kernelId, arg0, arg1]` records.
/// TypeScript has validated every field; they are checked again here all the same.
fn pool_submit<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolSubmit", &["pool", "tasks"])?;
    let pool = pool_arg(env, args.get(0)?)?;
    let array = args.get(1)?;
    let flat = env
        .typed_array_to_u64(array, |i, x| {
            safe_uint(x).map_err(|e| out_of_range(&format!("tasks[{i}]"), e.expectation(), x))
        })?
        .ok_or_else(|| invalid_type(env, "tasks", "a Float64Array", array))?;
    if flat.len() % TASK_FIELDS != 0 {
        return Err(JsError::range_error(
            "ERR_OUT_OF_RANGE",
            format!(
                "tasks must hold {TASK_FIELDS} numbers per task; received {}",
                flat.len()
            ),
        ));
    }
    let mut tasks = Vec::with_capacity(flat.len() / TASK_FIELDS);
    for record in flat.chunks_exact(TASK_FIELDS) {
        let kernel = u32::try_from(record[1])
            .ok()
            .and_then(Kernel::from_id)
            .ok_or_else(|| {
                JsError::type_error(
                    "ERR_INVALID_ARG_VALUE",
                    format!("unknown kernel id {}", record[1]),
                )
            })?;
        tasks.push(Task {
            id: record[0] as f64,
            kernel,
            args: [record[2], record[3]],
        });
    }
    let state = EnvState::get(env)?;
    let count = tasks.len();
    // Small bursts: one job per task, so long tasks spread over every thread. Large bursts:
    // chunks of up to 256 tasks (at least 4 chunks per thread), to save queue operations.
    let per_job = (count / (pool.size() * 4)).clamp(1, 256);
    let mut jobs: Vec<nogil_core::pool::Job> = Vec::with_capacity(count.div_ceil(per_job));
    let mut tasks = tasks.into_iter().peekable();
    while tasks.peek().is_some() {
        let chunk: Vec<Task> = tasks.by_ref().take(per_job).collect();
        let delivery = Arc::clone(&state.delivery);
        let cancel = state.cancel.clone();
        jobs.push(Box::new(move || run_chunk(&chunk, &delivery, &cancel)));
    }
    pool.execute_all(jobs)
        .map_err(|_| JsError::error("ERR_NATIVE_POOL_CLOSED", "the native pool is closed"))?;
    state.delivery.begin(env, count);
    env.undefined()
}

/// Runs a chunk of tasks, handing results over at the end, or every millisecond while busy.
fn run_chunk(chunk: &[Task], delivery: &Delivery, cancel: &Cancel) {
    let mut done = Vec::with_capacity(chunk.len());
    let mut last_flush = Instant::now();
    for task in chunk {
        if cancel.is_cancelled() {
            return;
        }
        done.extend(run_task(task, cancel));
        if chunk.len() > 1 && last_flush.elapsed() >= FLUSH_EVERY {
            delivery.deliver_all(done.drain(..));
            last_flush = Instant::now();
        }
    }
    delivery.deliver_all(done);
}

/// `poolMap(handle, id, kernelId, inputs)`: one batch; `inputs` is a typed array of tuples laid
/// out flat. Resolves id with a `Float64Array` (or `[flat, offsets]` for list kernels).
fn pool_map<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolMap", &["pool", "id", "kernel", "inputs"])?;
    let pool = pool_arg(env, args.get(0)?)?;
    let id = uint(env, args.get(1)?, "id")? as f64;
    let kernel_id = uint(env, args.get(2)?, "kernel")?;
    let kernel = u32::try_from(kernel_id)
        .ok()
        .and_then(Kernel::from_id)
        .ok_or_else(|| {
            JsError::type_error(
                "ERR_INVALID_ARG_VALUE",
                format!("unknown kernel id {kernel_id}"),
            )
        })?;
    let arity = kernel.arity();
    let inputs = args.get(3)?;
    let flat = env
        .typed_array_to_u64(inputs, |i, x| {
            safe_uint(x).map_err(|e| {
                let name = if arity == 1 {
                    format!("inputs[{i}]")
                } else {
                    format!("inputs[{}][{}]", i / arity, i % arity)
                };
                out_of_range(&name, e.expectation(), x)
            })
        })?
        .ok_or_else(|| invalid_type(env, "inputs", "a typed array", inputs))?;
    if flat.len() % arity != 0 {
        return Err(JsError::range_error(
            "ERR_OUT_OF_RANGE",
            format!(
                "The length of \"inputs\" is out of range. It must be a multiple of {arity} \
                 ({} takes {arity} numbers per input). Received {}",
                kernel.name(),
                flat.len()
            ),
        ));
    }
    let state = EnvState::get(env)?;
    let batch = Arc::new(Batch::new(kernel, flat, pool.size()));
    state.delivery.begin(env, 1);
    if batch.is_empty() {
        state.delivery.deliver(batch_completion(id, &batch));
        return env.undefined();
    }
    let helpers: Vec<nogil_core::pool::Job> = (0..batch.useful_threads())
        .map(|_| {
            let batch = Arc::clone(&batch);
            let delivery = Arc::clone(&state.delivery);
            let cancel = state.cancel.clone();
            Box::new(move || {
                if batch.work(&cancel) {
                    delivery.deliver(batch_completion(id, &batch));
                }
            }) as nogil_core::pool::Job
        })
        .collect();
    if pool.execute_all(helpers).is_err() {
        state.delivery.deliver(Completion {
            target: Target::Id(id),
            payload: Payload::Error(JsError::error(
                "ERR_NATIVE_POOL_CLOSED",
                "the native pool is closed",
            )),
        });
    }
    env.undefined()
}

/// The completion of a finished batch.
fn batch_completion(id: f64, batch: &Batch) -> Completion {
    let payload = match batch.finish() {
        Ok(BatchOutput::Numbers(v)) => Payload::Numbers(v),
        Ok(BatchOutput::Lists(v)) => Payload::Lists(v),
        Err(BatchError::Panic { index, message }) => Payload::Error(crate::napi::panic_error(
            &format!("{message} (input {index})"),
        )),
        Err(BatchError::Cancelled) => Payload::Error(JsError::error(
            "ERR_NATIVE_CANCELLED",
            "the batch was cancelled",
        )),
    };
    Completion {
        target: Target::Id(id),
        payload,
    }
}

/// `poolClose(handle) -> Promise<void>`: queued work finishes, the threads exit, then they are
/// joined on this thread (at once: they have already returned or are returning).
fn pool_close<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolClose", &["pool"])?;
    let pool = take_pool(env, args.get(0)?)?;
    let state = EnvState::get(env)?;
    let (deferred, promise) = env.promise()?;
    state.delivery.begin(env, 1);
    let delivery = Arc::clone(&state.delivery);
    match pool {
        Some(pool) => {
            let joiner = Arc::clone(&pool);
            pool.close(move || {
                delivery.deliver(Completion {
                    target: Target::Deferred(deferred),
                    payload: Payload::Then(Box::new(move || joiner.join())),
                });
            });
        }
        // Already closed: closing again is a no-op, as in Python.
        None => delivery.deliver(Completion {
            target: Target::Deferred(deferred),
            payload: Payload::Then(Box::new(|| {})),
        }),
    }
    Ok(promise)
}

/// `poolRelease(handle)`: the JavaScript pool object was garbage-collected without `close()`;
/// close it without waiting (queued work still finishes, then the threads exit).
fn pool_release<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolRelease", &["pool"])?;
    if let Some(pool) = take_pool(env, args.get(0)?)? {
        pool.close(|| {});
    }
    env.undefined()
}
