//! Typed arrays: copying one in (element by element, validated) and making `Float64Array` /
//! `Uint32Array` results.
//!
//! Input is always copied before any thread sees it: JavaScript may mutate or detach the
//! buffer the moment the call returns.

use super::env::{Env, Value};
use super::error::{JsError, JsResult};
use super::sys;
use std::ffi::c_void;
use std::ptr;

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
        macro_rules! copy {
            ($t:ty) => {{
                // SAFETY: N-API reports `data` as the first element of a live typed array of
                // `len` elements of this type. Typed arrays are aligned to their element size
                // (the spec requires byte offsets to be multiples of it). No JavaScript runs
                // while the slice is alive (`check` is Rust), so nothing can detach or resize
                // the buffer; a concurrent write from another thread through a
                // SharedArrayBuffer could only change values, which we copy elementwise.
                let items = unsafe { std::slice::from_raw_parts(info.data as *const $t, info.len) };
                let mut out = Vec::with_capacity(items.len());
                for (i, &x) in items.iter().enumerate() {
                    out.push(check(i, f64::from(x))?);
                }
                out
            }};
        }
        Ok(Some(match info.kind {
            TypedArrayKind::I8 => copy!(i8),
            TypedArrayKind::U8 | TypedArrayKind::U8Clamped => copy!(u8),
            TypedArrayKind::I16 => copy!(i16),
            TypedArrayKind::U16 => copy!(u16),
            TypedArrayKind::I32 => copy!(i32),
            TypedArrayKind::U32 => copy!(u32),
            TypedArrayKind::F32 => copy!(f32),
            TypedArrayKind::F64 => copy!(f64),
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
        if len > 0 {
            // SAFETY: `data` is the start of a fresh, 8-byte-aligned (V8 allocates backing
            // stores with at least 8-byte alignment) buffer of `len * 8` bytes that nothing
            // else references yet.
            let out = unsafe { std::slice::from_raw_parts_mut(data.cast::<f64>(), len) };
            for (slot, item) in out.iter_mut().zip(items) {
                *slot = item;
            }
        }
        self.typed_array(sys::napi_float64_array, len, buffer)
    }

    /// A new `Uint32Array` holding `items`.
    pub fn u32_array(self, items: &[u32]) -> JsResult<Value<'s>> {
        let (buffer, data) = self.array_buffer(items.len() * 4)?;
        if !items.is_empty() {
            // SAFETY: `data` is a fresh buffer of `items.len() * 4` bytes (see `f64_array`);
            // the regions cannot overlap.
            unsafe { ptr::copy_nonoverlapping(items.as_ptr(), data.cast::<u32>(), items.len()) };
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
