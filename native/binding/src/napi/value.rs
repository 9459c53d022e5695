//! Making and reading JavaScript values.

use super::env::{Env, Value, ValueType};
use super::error::JsResult;
use super::sys;
use std::ffi::CStr;
use std::ptr;

impl<'s> Env<'s> {
    /// `undefined`.
    pub fn undefined(self) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: live env (type invariant), valid out-pointer.
        self.check(unsafe { sys::napi_get_undefined(self.raw(), &mut out) })?;
        Ok(self.wrap(out))
    }

    /// A number.
    pub fn number(self, value: f64) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: live env, valid out-pointer.
        self.check(unsafe { sys::napi_create_double(self.raw(), value, &mut out) })?;
        Ok(self.wrap(out))
    }

    /// A boolean.
    pub fn boolean(self, value: bool) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: live env, valid out-pointer.
        self.check(unsafe { sys::napi_get_boolean(self.raw(), value, &mut out) })?;
        Ok(self.wrap(out))
    }

    /// A string (copied).
    pub fn string(self, text: &str) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: live env; pointer and length describe `text`, which N-API copies.
        self.check(unsafe {
            sys::napi_create_string_utf8(self.raw(), text.as_ptr().cast(), text.len(), &mut out)
        })?;
        Ok(self.wrap(out))
    }

    /// An empty object.
    pub fn object(self) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: live env, valid out-pointer.
        self.check(unsafe { sys::napi_create_object(self.raw(), &mut out) })?;
        Ok(self.wrap(out))
    }

    /// An array of `len` holes.
    pub fn array(self, len: usize) -> JsResult<Value<'s>> {
        let mut out = ptr::null_mut();
        // SAFETY: live env, valid out-pointer.
        self.check(unsafe { sys::napi_create_array_with_length(self.raw(), len, &mut out) })?;
        Ok(self.wrap(out))
    }

    /// An array of numbers.
    pub fn number_array(self, items: impl ExactSizeIterator<Item = f64>) -> JsResult<Value<'s>> {
        let array = self.array(items.len())?;
        for (i, item) in items.enumerate() {
            self.set_element(array, i as u32, self.number(item)?)?;
        }
        Ok(array)
    }

    /// `array[index] = value`.
    pub fn set_element(self, array: Value<'s>, index: u32, value: Value<'s>) -> JsResult<()> {
        // SAFETY: live env; both handles belong to this scope.
        self.check(unsafe { sys::napi_set_element(self.raw(), array.raw, index, value.raw) })
    }

    /// `object[name] = value`.
    pub fn set_named(self, object: Value<'s>, name: &CStr, value: Value<'s>) -> JsResult<()> {
        // SAFETY: live env; handles of this scope; `name` is NUL-terminated.
        self.check(unsafe {
            sys::napi_set_named_property(self.raw(), object.raw, name.as_ptr(), value.raw)
        })
    }

    /// `typeof value`.
    pub fn type_of(self, value: Value<'s>) -> JsResult<ValueType> {
        let mut t: sys::napi_valuetype = 0;
        // SAFETY: live env, handle of this scope, valid out-pointer.
        self.check(unsafe { sys::napi_typeof(self.raw(), value.raw, &mut t) })?;
        Ok(match t {
            sys::napi_undefined => ValueType::Undefined,
            sys::napi_null => ValueType::Null,
            sys::napi_boolean => ValueType::Boolean,
            sys::napi_number => ValueType::Number,
            sys::napi_string => ValueType::String,
            sys::napi_symbol => ValueType::Symbol,
            sys::napi_function => ValueType::Function,
            sys::napi_external => ValueType::External,
            sys::napi_bigint => ValueType::BigInt,
            // napi_object, and any type a future Node adds: treat as an object.
            _ => ValueType::Object,
        })
    }

    /// The double of a number value (fails for non-numbers).
    pub fn number_value(self, value: Value<'s>) -> JsResult<f64> {
        let mut out = 0.0;
        // SAFETY: live env, handle of this scope, valid out-pointer.
        self.check(unsafe { sys::napi_get_value_double(self.raw(), value.raw, &mut out) })?;
        Ok(out)
    }

    /// The value of a boolean (fails for non-booleans).
    pub fn bool_value(self, value: Value<'s>) -> JsResult<bool> {
        let mut out = false;
        // SAFETY: live env, handle of this scope, valid out-pointer.
        self.check(unsafe { sys::napi_get_value_bool(self.raw(), value.raw, &mut out) })?;
        Ok(out)
    }

    /// The text of a string value (fails for non-strings).
    pub fn string_value(self, value: Value<'s>) -> JsResult<String> {
        let mut len = 0usize;
        // SAFETY: live env; a NULL buffer asks for the length only.
        self.check(unsafe {
            sys::napi_get_value_string_utf8(self.raw(), value.raw, ptr::null_mut(), 0, &mut len)
        })?;
        let mut buf = vec![0u8; len + 1];
        let mut written = 0usize;
        // SAFETY: `buf` has room for `len` bytes plus the NUL that N-API writes.
        self.check(unsafe {
            sys::napi_get_value_string_utf8(
                self.raw(),
                value.raw,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut written,
            )
        })?;
        buf.truncate(written);
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// Whether the value is an array.
    pub fn is_array(self, value: Value<'s>) -> JsResult<bool> {
        let mut out = false;
        // SAFETY: live env, handle of this scope, valid out-pointer.
        self.check(unsafe { sys::napi_is_array(self.raw(), value.raw, &mut out) })?;
        Ok(out)
    }

    /// Calls `func` with `this = undefined`.
    pub fn call(self, func: Value<'s>, args: &[Value<'s>]) -> JsResult<Value<'s>> {
        let recv = self.undefined()?;
        let raw_args: Vec<sys::napi_value> = args.iter().map(|a| a.raw).collect();
        let mut out = ptr::null_mut();
        // SAFETY: live env; every handle belongs to this scope; `raw_args` outlives the call.
        self.check(unsafe {
            sys::napi_call_function(
                self.raw(),
                recv.raw,
                func.raw,
                raw_args.len(),
                raw_args.as_ptr(),
                &mut out,
            )
        })?;
        Ok(self.wrap(out))
    }

    /// How a value looks in Node's "Received ..." phrase of argument errors.
    pub fn describe(self, value: Value<'s>) -> String {
        let Ok(t) = self.type_of(value) else {
            return "an unknown value".into();
        };
        match t {
            ValueType::Undefined => "undefined".into(),
            ValueType::Null => "null".into(),
            ValueType::Boolean => match self.bool_value(value) {
                Ok(b) => format!("type boolean ({b})"),
                Err(_) => "type boolean".into(),
            },
            ValueType::Number => match self.number_value(value) {
                Ok(n) => format!("type number ({})", nogil_core::validate::describe_number(n)),
                Err(_) => "type number".into(),
            },
            ValueType::String => match self.string_value(value) {
                Ok(s) if s.chars().count() > 28 => {
                    format!(
                        "type string ('{}...')",
                        s.chars().take(25).collect::<String>()
                    )
                }
                Ok(s) => format!("type string ('{s}')"),
                Err(_) => "type string".into(),
            },
            ValueType::BigInt => "type bigint".into(),
            ValueType::Symbol => "type symbol".into(),
            ValueType::Function => "function".into(),
            ValueType::External => "an external".into(),
            ValueType::Object => {
                if self.is_array(value).unwrap_or(false) {
                    "an instance of Array".into()
                } else if self.typed_array_kind(value).ok().flatten().is_some() {
                    "a typed array".into()
                } else {
                    "an instance of Object".into()
                }
            }
        }
    }
}
