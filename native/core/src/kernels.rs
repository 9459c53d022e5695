//! The CPU kernels, exactly as the tutorial writes them, plus a blocking sleep.
//!
//! Each long loop polls a [`Check`] every 2^16 iterations (sleeps every 5 ms) so that work
//! orphaned by a vanished environment, or aborted from JavaScript, stops promptly. Inputs are plain `u64`s: validation (safe non-negative integers)
//! happens before a kernel is called, see [`crate::validate`].

// The loops transcribe the tutorial's `a % i == 0` on purpose (and `i` is never 0 there).
#![allow(clippy::manual_is_multiple_of)]

use crate::cancel::{CHECK_EVERY_MASK, Cancelled, Check};
use std::time::{Duration, Instant};

/// The tutorial's brute-force gcd: count down from `min(a, b)` to the first common divisor.
///
/// Mirrors the Python loop exactly, so `brute_gcd(0, n) == 1` (the loop never runs and the
/// function falls through to `return 1`).
pub fn brute_gcd(a: u64, b: u64, cancel: &(impl Check + ?Sized)) -> Result<u64, Cancelled> {
    // A 32-bit division is several times cheaper than a 64-bit one on most x86 cores, and every
    // tutorial pair fits; the loop is the same either way.
    if let (Ok(a32), Ok(b32)) = (u32::try_from(a), u32::try_from(b)) {
        return brute_gcd_u32(a32, b32, cancel).map(u64::from);
    }
    let low = a.min(b);
    let mut i = low;
    while i > 0 {
        if a % i == 0 && b % i == 0 {
            return Ok(i);
        }
        if i & CHECK_EVERY_MASK == 0 {
            cancel.check()?;
        }
        i -= 1;
    }
    Ok(1)
}

/// [`brute_gcd`] on 32-bit operands.
fn brute_gcd_u32(a: u32, b: u32, cancel: &(impl Check + ?Sized)) -> Result<u32, Cancelled> {
    let low = a.min(b);
    let mut i = low;
    while i > 0 {
        if a % i == 0 && b % i == 0 {
            return Ok(i);
        }
        if u64::from(i) & CHECK_EVERY_MASK == 0 {
            cancel.check()?;
        }
        i -= 1;
    }
    Ok(1)
}

/// Euclid's gcd, with `gcd(0, n) == n` and `gcd(0, 0) == 0` (as Python's `math.gcd`).
pub fn gcd(a: u64, b: u64) -> u64 {
    // 32-bit divisions are cheaper (see `brute_gcd`), and a `map` of a million small pairs is
    // bound by exactly this loop.
    if let (Ok(mut a), Ok(mut b)) = (u32::try_from(a), u32::try_from(b)) {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        return u64::from(a);
    }
    let (mut a, mut b) = (a, b);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Every divisor of `n` in increasing order, by trial division of 1..=n (the tutorial's
/// `factorize`): `factorize(12) == [1, 2, 3, 4, 6, 12]`, `factorize(0) == []`.
pub fn factorize(n: u64, cancel: &(impl Check + ?Sized)) -> Result<Vec<u64>, Cancelled> {
    let mut divisors = Vec::new();
    if let Ok(n32) = u32::try_from(n) {
        for i in 1..=n32 {
            if n32 % i == 0 {
                divisors.push(u64::from(i));
            }
            if u64::from(i) & CHECK_EVERY_MASK == 0 {
                cancel.check()?;
            }
        }
        return Ok(divisors);
    }
    for i in 1..=n {
        if n % i == 0 {
            divisors.push(i);
        }
        if i & CHECK_EVERY_MASK == 0 {
            cancel.check()?;
        }
    }
    Ok(divisors)
}

/// Longest single nap of [`sleep`] between two looks at the [`Check`].
const SLEEP_SLICE: Duration = Duration::from_millis(5);

/// Blocks the calling OS thread for `ms` milliseconds: a model of a blocking system call.
///
/// Sleeps in slices of at most 5 ms so cancelled work does not keep a pool thread asleep for
/// long; the total is measured against one deadline, so slicing adds no drift.
pub fn sleep(ms: u64, cancel: &(impl Check + ?Sized)) -> Result<(), Cancelled> {
    let start = Instant::now();
    let total = Duration::from_millis(ms);
    loop {
        let elapsed = start.elapsed();
        if elapsed >= total {
            return Ok(());
        }
        cancel.check()?;
        std::thread::sleep((total - elapsed).min(SLEEP_SLICE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;

    fn none() -> Cancel {
        Cancel::new()
    }

    /// A plain transcription of the Python loop, as the reference.
    fn python_gcd(a: u64, b: u64) -> u64 {
        let low = a.min(b);
        for i in (1..=low).rev() {
            if a % i == 0 && b % i == 0 {
                return i;
            }
        }
        1
    }

    #[test]
    fn brute_gcd_matches_the_tutorial_results() {
        let pairs = [
            (543_456, 43_523_465, 1),
            (324_435_212, 23_342_412, 4),
            (1_232_412_324, 890_789, 1),
            (7_134_890, 873_490, 10),
        ];
        for (a, b, want) in pairs {
            assert_eq!(brute_gcd(a, b, &none()), Ok(want), "brute_gcd({a}, {b})");
        }
    }

    #[test]
    fn brute_gcd_edge_cases_follow_the_python_loop() {
        assert_eq!(brute_gcd(0, 5, &none()), Ok(1));
        assert_eq!(brute_gcd(5, 0, &none()), Ok(1));
        assert_eq!(brute_gcd(0, 0, &none()), Ok(1));
        assert_eq!(brute_gcd(7, 7, &none()), Ok(7));
        for a in 0..60 {
            for b in 0..60 {
                assert_eq!(brute_gcd(a, b, &none()), Ok(python_gcd(a, b)), "({a}, {b})");
            }
        }
    }

    #[test]
    fn brute_gcd_64_bit_path_agrees_with_euclid() {
        // The search counts down from min(a, b), so pick pairs it settles quickly.
        let big = 1u64 << 40;
        assert_eq!(brute_gcd(big, big * 2, &none()), Ok(big));
        assert_eq!(
            brute_gcd(big * 3 + 7, big * 3 + 7, &none()),
            Ok(big * 3 + 7)
        );
        assert_eq!(brute_gcd(u64::from(u32::MAX) + 1, 6, &none()), Ok(2));
    }

    #[test]
    fn gcd_is_euclid_with_python_edge_cases() {
        assert_eq!(gcd(0, 5), 5);
        assert_eq!(gcd(5, 0), 5);
        assert_eq!(gcd(0, 0), 0);
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(9_007_199_254_740_991, 3), 1);
        assert_eq!(gcd(1 << 40, 1 << 20), 1 << 20);
        assert_eq!(gcd(6, (1 << 40) + 4), 2);
        for a in 1..80 {
            for b in 1..80 {
                assert_eq!(gcd(a, b), python_gcd(a, b), "({a}, {b})");
            }
        }
    }

    #[test]
    fn factorize_lists_every_divisor_in_order() {
        assert_eq!(factorize(0, &none()), Ok(vec![]));
        assert_eq!(factorize(1, &none()), Ok(vec![1]));
        assert_eq!(factorize(12, &none()), Ok(vec![1, 2, 3, 4, 6, 12]));
        assert_eq!(factorize(2341, &none()), Ok(vec![1, 2341]));
        assert_eq!(
            factorize(33_244, &none()),
            Ok(vec![1, 2, 4, 8311, 16622, 33244])
        );
    }

    #[test]
    fn cancelled_kernels_stop_early() {
        let c = Cancel::new();
        c.cancel();
        assert_eq!(brute_gcd(1 << 22, (1 << 22) + 1, &c), Err(Cancelled));
        assert_eq!(brute_gcd(1 << 40, (1 << 40) + 1, &c), Err(Cancelled));
        assert_eq!(factorize(1 << 22, &c), Err(Cancelled));
        assert_eq!(sleep(10_000, &c), Err(Cancelled));
        // Short work finishes before the first check and is not affected.
        assert_eq!(brute_gcd(12, 18, &c), Ok(6));
    }

    #[test]
    fn sleep_waits_at_least_the_requested_time() {
        let t = Instant::now();
        assert_eq!(sleep(30, &none()), Ok(()));
        assert!(t.elapsed() >= Duration::from_millis(30));
        assert_eq!(sleep(0, &none()), Ok(()));
    }
}
