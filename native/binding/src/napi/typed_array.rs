//! Typed arrays: copying one in (element by element, validated) and making `Float64Array` /
//! `Uint32Array` results.
//!
//! Input is always copied before any thread sees it: JavaScript may mutate or detach the
//! buffer the moment the call returns.
//!
//! The input's memory is never borrowed as a Rust slice: a view over a `SharedArrayBuffer` may
//! be written by another JavaScript thread while we copy it, and a `&[T]` would promise Rust
//! that nothing changes it. Each element is read with an atomic load instead (relaxed: a racing
//! write gives us the old or the new value, as the ECMAScript memory model says for racy reads,
//! never undefined behaviour on our side), or byte by byte when the view's start is not
//! aligned for its element type (possible for views over external buffers).

use super::env::{Env, Value};
use super::error::{JsError, JsResult};
use super::sys;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering};

/// The element type of a typed array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypedArrayKind {
    /// Int8Array.
    I8,
    /// Uint8Array.
    U8,
    /// Uint8ClampedArray.
    U8Clamped,
    /// Int16Array.
    I16,
    /// Uint16Array.
    U16,
    /// Int32Array.
    I32,
    /// Uint32Array.
    U32,
    /// Float32Array.
    F32,
    /// Float64Array.
    F64,
    /// BigInt64Array.
    BigI64,
    /// BigUint64Array.
    BigU64,
}

/// What `napi_get_typedarray_info` says about a typed array.
struct Info {
    kind: TypedArrayKind,
    len: usize,
    data: *mut c_void,
}

impl<'s> Env<'s> {
    /// The kind of a typed array, or `None` for any other value.
    pub fn typed_array_kind(self, value: Value<'s>) -> JsResult<Option<TypedArrayKind>> {
        Ok(self.typed_array_info(value)?.map(|i| i.kind))
    }

    fn typed_array_info(self, value: Value<'s>) -> JsResult<Option<Info>> {
        let mut is = false;
        // SAFETY: live env (type invariant), handle of this scope, valid out-pointer.
        self.check(unsafe { sys::napi_is_typedarray(self.raw(), value.raw, &mut is) })?;
        if !is {
            return Ok(None);
        }
        let mut t: sys::napi_typedarray_type = 0;
        let mut len = 0usize;
        let mut data: *mut c_void = ptr::null_mut();
        // SAFETY: `value` is a typed array; NULL is allowed for the outputs we do not need.
        self.check(unsafe {
            sys::napi_get_typedarray_info(
                self.raw(),
                value.raw,
                &mut t,
                &mut len,
                &mut data,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        })?;
        let kind = match t {
            sys::napi_int8_array => TypedArrayKind::I8,
            sys::napi_uint8_array => TypedArrayKind::U8,
            sys::napi_uint8_clamped_array => TypedArrayKind::U8Clamped,
            sys::napi_int16_array => TypedArrayKind::I16,
            sys::napi_uint16_array => TypedArrayKind::U16,
            sys::napi_int32_array => TypedArrayKind::I32,
            sys::napi_uint32_array => TypedArrayKind::U32,
            sys::napi_float32_array => TypedArrayKind::F32,
            sys::napi_float64_array => TypedArrayKind::F64,
            sys::napi_bigint64_array => TypedArrayKind::BigI64,
            sys::napi_biguint64_array => TypedArrayKind::BigU64,
            other => {
                return Err(JsError::type_error(
                    "ERR_INVALID_ARG_TYPE",
                    format!("unsupported typed array type {other}"),
                ));
            }
        };
        Ok(Some(Info { kind, len, data }))
    }

    /// Copies a numeric typed array into a `Vec<u64>`, passing every element (as a double,
    /// with its index) through `check`. `None` when `value` is not a typed array; BigInt arrays
    /// are an error.
    pub fn typed_array_to_u64(
        self,
        value: Value<'s>,
        mut check: impl FnMut(usize, f64) -> JsResult<u64>,
    ) -> JsResult<Option<Vec<u64>>> {
        let Some(info) = self.typed_array_info(value)? else {
            return Ok(None);
        };
        if info.len == 0 || info.data.is_null() {
            // A zero-length (or detached) view may have a NULL data pointer, and a slice from
            // NULL is undefined behaviour even when empty.
            return Ok(Some(Vec::new()));
        }
        let data = info.data.cast::<u8>().cast_const();
        macro_rules! copy {
            ($bits:ty, $atomic:ty, $to_f64:expr) => {{
                const SIZE: usize = std::mem::size_of::<$bits>();
                let aligned = (data as usize).is_multiple_of(std::mem::align_of::<$atomic>());
                let mut out = Vec::with_capacity(info.len);
                for i in 0..info.len {
                    // SAFETY: N-API reports `data` as the start of a live typed array of
                    // `info.len` elements of `SIZE` bytes, so bytes `i * SIZE..(i + 1) * SIZE`
                    // lie within it; no JavaScript runs on this thread during the copy (`check`
                    // is Rust), so the buffer cannot be detached or shrunk meanwhile. Another
                    // thread may write those bytes concurrently (a SharedArrayBuffer), which is
                    // why every read is atomic: one load of the element's width when the
                    // address is aligned for it (`$atomic` has the size of `$bits`), else one
                    // load per byte (`AtomicU8` needs no alignment). No reference to the
                    // memory itself is ever formed.
                    let bits: $bits = unsafe {
                        let at = data.add(i * SIZE);
                        if aligned {
                            <$atomic>::from_ptr(at.cast::<$bits>().cast_mut())
                                .load(Ordering::Relaxed)
                        } else {
                            let mut bytes = [0u8; SIZE];
                            for (k, byte) in bytes.iter_mut().enumerate() {
                                *byte = AtomicU8::from_ptr(at.add(k).cast_mut())
                                    .load(Ordering::Relaxed);
                            }
                            <$bits>::from_ne_bytes(bytes)
                        }
                    };
                    out.push(check(i, $to_f64(bits))?);
                }
                out
            }};
        }
        Ok(Some(match info.kind {
            TypedArrayKind::I8 => copy!(u8, AtomicU8, |b: u8| f64::from(b as i8)),
            TypedArrayKind::U8 | TypedArrayKind::U8Clamped => copy!(u8, AtomicU8, f64::from),
            TypedArrayKind::I16 => copy!(u16, AtomicU16, |b: u16| f64::from(b as i16)),
            TypedArrayKind::U16 => copy!(u16, AtomicU16, f64::from),
            TypedArrayKind::I32 => copy!(u32, AtomicU32, |b: u32| f64::from(b as i32)),
            TypedArrayKind::U32 => copy!(u32, AtomicU32, f64::from),
            TypedArrayKind::F32 => copy!(u32, AtomicU32, |b| f64::from(f32::from_bits(b))),
            TypedArrayKind::F64 => copy!(u64, AtomicU64, f64::from_bits),
            TypedArrayKind::BigI64 | TypedArrayKind::BigU64 => {
                return Err(JsError::type_error(
                    "ERR_INVALID_ARG_TYPE",
                    "BigInt typed arrays are not supported: use a Float64Array, Uint32Array or \
                     an array of numbers",
                ));
            }
        }))
    }

    /// A new `Float64Array` holding `items`.
    pub fn f64_array(self, items: impl ExactSizeIterator<Item = f64>) -> JsResult<Value<'s>> {
        let len = items.len();
        let (buffer, data) = self.array_buffer(len * 8)?;
        let out = data.cast::<f64>();
        for (i, item) in items.take(len).enumerate() {
            // SAFETY: `data` is the start of a fresh buffer of `len * 8` bytes that no other
            // code can reach yet (its handle has not been returned), and `i < len`. The write
            // is unaligned, so nothing is assumed about the allocator's alignment.
            unsafe { out.add(i).write_unaligned(item) };
        }
        self.typed_array(sys::napi_float64_array, len, buffer)
    }

    /// A new `Uint32Array` holding `items`.
    pub fn u32_array(self, items: &[u32]) -> JsResult<Value<'s>> {
        let (buffer, data) = self.array_buffer(items.len() * 4)?;
        if !items.is_empty() {
            // SAFETY: `data` is a fresh buffer of `items.len() * 4` bytes that no other code can
            // reach yet (see `f64_array`), so the regions cannot overlap; copied as bytes, so
            // nothing is assumed about its alignment.
            unsafe {
                ptr::copy_nonoverlapping(
                    items.as_ptr().cast::<u8>(),
                    data.cast::<u8>(),
                    std::mem::size_of_val(items),
                )
            };
        }
        self.typed_array(sys::napi_uint32_array, items.len(), buffer)
    }

    fn array_buffer(self, bytes: usize) -> JsResult<(Value<'s>, *mut c_void)> {
        let mut data: *mut c_void = ptr::null_mut();
        let mut out = ptr::null_mut();
        // SAFETY: live env, valid out-pointers.
        self.check(unsafe {
            sys::napi_create_arraybuffer(self.raw(), bytes, &mut data, &mut out)
        })?;
        Ok((self.wrap(out), data))
    }

    fn typed_array(
        self,
        t: sys::napi_typedarray_type,
        len: usize,
        buffer: Value<'s>,
    ) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: `buffer` is an ArrayBuffer of this scope large enough for `len` elements.
        self.check(unsafe {
            sys::napi_create_typedarray(self.raw(), t, len, buffer.raw, 0, &mut out)
        })?;
        Ok(self.wrap(out))
    }
}
