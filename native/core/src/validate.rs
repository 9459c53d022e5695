//! Integer validation shared by every entry point: the rule of Node's own validators.
//!
//! JavaScript numbers are doubles, so "an integer argument" means a double that is finite,
//! whole, non-negative and at most `Number.MAX_SAFE_INTEGER`; anything else is out of range.

/// `Number.MAX_SAFE_INTEGER` (2^53 - 1): the largest integer a double holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Why a number is not a safe non-negative integer (all are `ERR_OUT_OF_RANGE` in Node).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutOfRange {
    /// NaN.
    NaN,
    /// Infinity or -Infinity.
    Infinite,
    /// Not a whole number (1.5).
    Fraction,
    /// Below zero.
    Negative,
    /// Above 2^53 - 1.
    TooLarge,
}

impl OutOfRange {
    /// The phrase used after "must be ... Received ..." in the error message.
    pub fn expectation(self) -> &'static str {
        "an integer >= 0 and <= 9007199254740991"
    }
}

/// Checks that `x` is a safe non-negative integer and returns it as a `u64`.
pub fn safe_uint(x: f64) -> Result<u64, OutOfRange> {
    if x.is_nan() {
        Err(OutOfRange::NaN)
    } else if x.is_infinite() {
        Err(OutOfRange::Infinite)
    } else if x.fract() != 0.0 {
        Err(OutOfRange::Fraction)
    } else if x < 0.0 {
        // -0.0 is whole and not below zero: it passes as 0, as Node's validators accept it.
        Err(OutOfRange::Negative)
    } else if x > MAX_SAFE_INTEGER {
        Err(OutOfRange::TooLarge)
    } else {
        // In range and whole, so the conversion is exact.
        Ok(x as u64)
    }
}

/// Renders a received number the way Node's error messages do (`1.5`, `NaN`, `-Infinity`).
pub fn describe_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if x.fract() == 0.0 && x.abs() < 1e21 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_safe_non_negative_integers() {
        assert_eq!(safe_uint(0.0), Ok(0));
        assert_eq!(safe_uint(-0.0), Ok(0));
        assert_eq!(safe_uint(42.0), Ok(42));
        assert_eq!(safe_uint(MAX_SAFE_INTEGER), Ok(9_007_199_254_740_991));
    }

    #[test]
    fn rejects_everything_else() {
        assert_eq!(safe_uint(f64::NAN), Err(OutOfRange::NaN));
        assert_eq!(safe_uint(f64::INFINITY), Err(OutOfRange::Infinite));
        assert_eq!(safe_uint(f64::NEG_INFINITY), Err(OutOfRange::Infinite));
        assert_eq!(safe_uint(1.5), Err(OutOfRange::Fraction));
        assert_eq!(safe_uint(-1.0), Err(OutOfRange::Negative));
        assert_eq!(safe_uint(MAX_SAFE_INTEGER + 1.0), Err(OutOfRange::TooLarge));
        assert_eq!(safe_uint(1e300), Err(OutOfRange::TooLarge));
    }

    #[test]
    fn describes_numbers_like_node() {
        assert_eq!(describe_number(1.5), "1.5");
        assert_eq!(describe_number(-1.0), "-1");
        assert_eq!(describe_number(f64::NAN), "NaN");
        assert_eq!(describe_number(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(describe_number(9_007_199_254_740_992.0), "9007199254740992");
    }
}
