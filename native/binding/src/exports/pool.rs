//! `NativePool`'s native half: pools of OS threads addressed by integer handles.
//!
//! Handles instead of externals: JavaScript can pass any value back, and a handle that is not
//! in this environment's registry is a clean `TypeError`, never a wild pointer.
//!
//! Tasks arrive in batches (`poolSubmit` takes every `submit` of one JavaScript tick as a
//! `Float64Array`) and results leave in batches (see `napi/delivery.rs`), so the per-task cost
//! is a few array writes plus the pool's queue operations.

use super::PoolEntry;
use super::args::{expect_arity, invalid_type, out_of_range, uint, uint_in};
use crate::napi::{
    Args, CONTROL_BLOCK_WORDS, Completion, Env, EnvState, JsError, JsResult, Payload, Pending,
    Target, Value,
};
use nogil_core::batch::{BatchError, BatchOutput, panic_message};
use nogil_core::validate::safe_uint;
use nogil_core::{Batch, Cancel, Kernel, Output, Stop, TaskControl, ThreadPool};
use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The most threads one pool may have.
const MAX_THREADS: u64 = 1024;

/// Fields per task in `poolSubmit`'s array: `[id, kernelField, arg0, arg1]`.
const TASK_FIELDS: usize = 4;

/// A kernel field is `kernelId + KERNEL_FIELD_SPAN * (statusSlot + 1)`: the low part names the
/// kernel, the high part the task's status word (0: an uncontrolled task), so a controlled
/// task costs no extra field on the wire.
const KERNEL_FIELD_SPAN: u64 = 256;

/// A busy chunk hands finished results over at least this often.
const FLUSH_EVERY: Duration = Duration::from_millis(1);

pub fn register<'s>(env: Env<'s>, exports: Value<'s>) -> JsResult<()> {
    env.export(exports, c"registerClient", register_client)?;
    env.export(exports, c"controlBlock", control_block)?;
    env.export(exports, c"poolCreate", pool_create)?;
    env.export(exports, c"poolSubmit", pool_submit)?;
    env.export(exports, c"poolMap", pool_map)?;
    env.export(exports, c"poolClose", pool_close)?;
    env.export(exports, c"poolRelease", pool_release)
}

/// `registerClient(handler) -> client`: one copy of the TypeScript package announces the
/// function that settles its id-addressed promises, called as
/// `handler(scalars: Float64Array /* [id, value]... */, rest: [id, tag, value][])`.
fn register_client<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "registerClient", &["handler"])?;
    let handler = args.get(0)?;
    if env.type_of(handler)? != crate::napi::ValueType::Function {
        return Err(invalid_type(env, "handler", "of type function", handler));
    }
    let client = EnvState::get(env)?.register_client(env, handler)?;
    env.number(f64::from(client))
}

/// `controlBlock(client) -> Int32Array`: a new block of task status words for `client`
/// (block `k` of a client holds status slots `k * length ..`); see `nogil_core::control`.
fn control_block<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "controlBlock", &["client"])?;
    let client = client_arg(env, args.get(0)?)?;
    EnvState::get(env)?.add_control_block(env, client)
}

/// A registered client number argument.
fn client_arg(env: Env<'_>, value: Value<'_>) -> JsResult<u32> {
    let client = uint(env, value, "client")?;
    u32::try_from(client)
        .ok()
        .filter(|&c| EnvState::get(env).is_ok_and(|s| s.has_client(c)))
        .ok_or_else(|| {
            JsError::type_error("ERR_INVALID_ARG_VALUE", format!("unknown client {client}"))
        })
}

/// `poolCreate(threads, client) -> handle`.
fn pool_create<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolCreate", &["threads", "client"])?;
    let threads = uint_in(env, args.get(0)?, "threads", 1, MAX_THREADS)?;
    let client = client_arg(env, args.get(1)?)?;
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
    app.pools.borrow_mut().insert(
        handle,
        PoolEntry {
            pool: Arc::new(pool),
            client,
        },
    );
    env.number(f64::from(handle))
}

/// The open pool behind a handle argument, and its client.
fn pool_arg(env: Env<'_>, value: Value<'_>) -> JsResult<(Arc<ThreadPool>, u32)> {
    let handle = uint(env, value, "pool")?;
    let app = &EnvState::get(env)?.app;
    let pools = app.pools.borrow();
    u32::try_from(handle)
        .ok()
        .and_then(|h| pools.get(&h))
        .map(|e| (Arc::clone(&e.pool), e.client))
        .ok_or_else(|| JsError::error("ERR_NATIVE_POOL_CLOSED", "the native pool is closed"))
}

/// Removes a pool from the registry (the handle is dead to JavaScript from then on); `None`
/// when it was already closed.
fn take_pool(env: Env<'_>, value: Value<'_>) -> JsResult<Option<Arc<ThreadPool>>> {
    let handle = uint(env, value, "pool")?;
    let app = &EnvState::get(env)?.app;
    Ok(u32::try_from(handle)
        .ok()
        .and_then(|h| app.pools.borrow_mut().remove(&h))
        .map(|e| e.pool))
}

/// Decodes a kernel field: the kernel and, for a controlled task, its claim on its status word.
fn kernel_field(
    state: &EnvState,
    client: u32,
    field: u64,
) -> JsResult<(Kernel, Option<TaskControl>)> {
    let kernel_id = field % KERNEL_FIELD_SPAN;
    let kernel = u32::try_from(kernel_id)
        .ok()
        .and_then(Kernel::from_id)
        .ok_or_else(|| {
            JsError::type_error(
                "ERR_INVALID_ARG_VALUE",
                format!("unknown kernel id {kernel_id}"),
            )
        })?;
    let slot = field / KERNEL_FIELD_SPAN;
    if slot == 0 {
        return Ok((kernel, None));
    }
    let slot = (slot - 1) as usize;
    let control = state
        .control_block(client, slot / CONTROL_BLOCK_WORDS)
        .and_then(|block| TaskControl::new(block, slot % CONTROL_BLOCK_WORDS))
        .ok_or_else(|| {
            JsError::range_error(
                "ERR_OUT_OF_RANGE",
                format!("no task status slot {slot} for client {client}"),
            )
        })?;
    Ok((kernel, Some(control)))
}

/// A task of `poolSubmit`.
struct Task {
    id: f64,
    kernel: Kernel,
    args: [u64; 2],
    control: Option<TaskControl>,
}

/// Runs one task, turning a panic into an error payload; `None` when it was cancelled (its
/// environment is gone, or JavaScript aborted it and has rejected it already).
fn run_task(task: &Task, cancel: &Cancel) -> Option<Payload> {
    let stop = Stop {
        env: cancel,
        task: task.control.as_ref(),
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        task.kernel.run(&task.args[..task.kernel.arity()], &stop)
    }));
    Some(match outcome {
        Ok(Ok(Output::Number(n))) => Payload::Number(n as f64),
        Ok(Ok(Output::List(list))) => Payload::List(list),
        Ok(Err(_)) => return None,
        Err(panic) => Payload::Error(crate::napi::panic_error(&panic_message(panic.as_ref()))),
    })
}

/// `poolSubmit(handle, tasks: Float64Array)`: queues `[id, kernelField, arg0, arg1]` records.
/// TypeScript has validated every field; they are checked again here all the same.
fn pool_submit<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolSubmit", &["pool", "tasks"])?;
    let (pool, client) = pool_arg(env, args.get(0)?)?;
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
    let state = EnvState::get(env)?;
    let mut tasks = Vec::with_capacity(flat.len() / TASK_FIELDS);
    for record in flat.chunks_exact(TASK_FIELDS) {
        let (kernel, control) = kernel_field(state, client, record[1])?;
        tasks.push(Task {
            id: record[0] as f64,
            kernel,
            args: [record[2], record[3]],
            control,
        });
    }
    let count = tasks.len();
    let mut pending = state.delivery.expect(env, count);
    // Small bursts: one job per task, so long tasks spread over every thread. Large bursts:
    // chunks of up to 256 tasks (at least 4 chunks per thread), to save queue operations.
    let per_job = (count / (pool.size() * 4)).clamp(1, 256);
    let mut jobs: Vec<nogil_core::pool::Job> = Vec::with_capacity(count.div_ceil(per_job));
    let mut tasks = tasks.into_iter().peekable();
    while tasks.peek().is_some() {
        let chunk: Vec<Task> = tasks.by_ref().take(per_job).collect();
        let pending = pending.split(chunk.len());
        let cancel = state.cancel.clone();
        jobs.push(Box::new(move || run_chunk(chunk, client, pending, &cancel)));
    }
    // On failure the jobs are dropped unrun: their guards uncount, their status words go FREE,
    // and TypeScript fails the ids.
    pool.execute_all(jobs)
        .map_err(|_| JsError::error("ERR_NATIVE_POOL_CLOSED", "the native pool is closed"))?;
    env.undefined()
}

/// Runs a chunk of tasks, handing results over at the end, or every millisecond while busy.
/// Whatever is not delivered (cancelled, aborted) is uncounted when `pending` drops.
fn run_chunk(chunk: Vec<Task>, client: u32, mut pending: Pending, cancel: &Cancel) {
    let many = chunk.len() > 1;
    let mut done = Vec::with_capacity(chunk.len());
    let mut last_flush = Instant::now();
    for task in chunk {
        if cancel.is_cancelled() {
            return;
        }
        if task.control.as_ref().is_some_and(|c| !c.start()) {
            // Aborted while queued: never run (JavaScript has rejected it already).
            continue;
        }
        let Some(payload) = run_task(&task, cancel) else {
            continue;
        };
        // From here on an abort is too late; an abort that came first drops the result.
        if task.control.as_ref().is_none_or(TaskControl::finish) {
            done.push(Completion {
                target: Target::Id {
                    client,
                    id: task.id,
                },
                payload,
            });
        }
        // `task` (and its status word) is released here, before the result is delivered:
        // TypeScript reuses a word only after the task settled and the word reads FREE.
        drop(task);
        if many && last_flush.elapsed() >= FLUSH_EVERY {
            pending.deliver_all(done.drain(..));
            last_flush = Instant::now();
        }
    }
    pending.deliver_all(done);
}

/// A `map` in progress, shared by the pool threads working on it.
struct MapJob {
    batch: Batch,
    target: (u32, f64),
    control: Option<TaskControl>,
    /// Taken by the thread that delivers the result; dropped unused if it was aborted.
    pending: Mutex<Option<Pending>>,
}

impl MapJob {
    /// Delivers `payload` unless JavaScript aborted the batch first.
    fn deliver(&self, payload: Payload) {
        if !self.control.as_ref().is_none_or(TaskControl::finish) {
            return;
        }
        let taken = self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(pending) = taken {
            let (client, id) = self.target;
            pending.deliver(Completion {
                target: Target::Id { client, id },
                payload,
            });
        }
    }

    /// Delivers at once, on the JavaScript thread (no abort can come in between).
    fn deliver_now(&self, payload: Payload) {
        if self.control.as_ref().is_none_or(TaskControl::start) {
            self.deliver(payload);
        }
    }
}

/// `poolMap(handle, id, kernelField, inputs)`: one batch; `inputs` is a typed array of tuples
/// laid out flat. Resolves id with a `Float64Array` (or `[flat, offsets]` for list kernels).
fn pool_map<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolMap", &["pool", "id", "kernel", "inputs"])?;
    let (pool, client) = pool_arg(env, args.get(0)?)?;
    let id = uint(env, args.get(1)?, "id")? as f64;
    let field = uint(env, args.get(2)?, "kernel")?;
    let state = EnvState::get(env)?;
    let (kernel, control) = kernel_field(state, client, field)?;
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
    let job = Arc::new(MapJob {
        batch: Batch::new(kernel, flat, pool.size()),
        target: (client, id),
        control,
        pending: Mutex::new(Some(state.delivery.expect(env, 1))),
    });
    if job.batch.is_empty() {
        job.deliver_now(batch_payload(&job.batch));
        return env.undefined();
    }
    let helpers: Vec<nogil_core::pool::Job> = (0..job.batch.useful_threads())
        .map(|_| {
            let job = Arc::clone(&job);
            let cancel = state.cancel.clone();
            Box::new(move || {
                if job.control.as_ref().is_some_and(|c| !c.start()) {
                    return;
                }
                let stop = Stop {
                    env: &cancel,
                    task: job.control.as_ref(),
                };
                if job.batch.work(&stop) {
                    job.deliver(batch_payload(&job.batch));
                }
            }) as nogil_core::pool::Job
        })
        .collect();
    if pool.execute_all(helpers).is_err() {
        job.deliver_now(Payload::Error(JsError::error(
            "ERR_NATIVE_POOL_CLOSED",
            "the native pool is closed",
        )));
    }
    env.undefined()
}

/// The payload of a finished batch.
fn batch_payload(batch: &Batch) -> Payload {
    match batch.finish() {
        Ok(BatchOutput::Numbers(v)) => Payload::Numbers(v),
        Ok(BatchOutput::Lists(v)) => Payload::Lists(v),
        Err(BatchError::Panic { index, message }) => Payload::Error(crate::napi::panic_error(
            &format!("{message} (input {index})"),
        )),
        Err(BatchError::Cancelled) => Payload::Error(JsError::error(
            "ERR_NATIVE_CANCELLED",
            "the batch was cancelled",
        )),
    }
}

/// `poolClose(handle) -> Promise<void>`: queued work finishes, the threads exit, then they are
/// joined on this thread (at once: they have already returned or are returning).
fn pool_close<'s>(env: Env<'s>, args: &Args<'s>) -> JsResult<Value<'s>> {
    expect_arity(args, "poolClose", &["pool"])?;
    let pool = take_pool(env, args.get(0)?)?;
    let state = EnvState::get(env)?;
    let (deferred, promise) = env.promise()?;
    let pending = state.delivery.expect(env, 1);
    match pool {
        Some(pool) => {
            let joiner = Arc::clone(&pool);
            pool.close(move || {
                pending.deliver(Completion {
                    target: Target::Deferred(deferred),
                    payload: Payload::Then(Box::new(move || joiner.join())),
                });
            });
        }
        // Already closed: closing again is a no-op, as in Python.
        None => pending.deliver(Completion {
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
