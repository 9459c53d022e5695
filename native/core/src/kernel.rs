//! The kernel registry: names, arities, how to run one on `u64` arguments, and a cost estimate
//! for scheduling.
//!
//! The numeric ids are the wire format between TypeScript and the binding (a `Float64Array` of
//! tasks): they are stable within one build, and TypeScript reads the table from the addon
//! instead of hard-coding it.

use crate::cancel::{Cancelled, Check};
use crate::kernels;

/// One of the native kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// The tutorial's brute-force gcd.
    BruteGcd,
    /// Euclid's gcd.
    Gcd,
    /// All divisors by trial division.
    Factorize,
    /// A blocking OS sleep, in milliseconds.
    Sleep,
    /// Panics on purpose: only in builds with the `test-panic` feature, for tests.
    #[cfg(feature = "test-panic")]
    Panic,
}

/// What a kernel returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// A single number (gcd results; 0 for `sleep`, which returns nothing).
    Number(u64),
    /// A list of numbers (the divisors from `factorize`).
    List(Vec<u64>),
}

impl Kernel {
    /// Every kernel of this build, in id order.
    pub const ALL: &'static [Kernel] = &[
        Kernel::BruteGcd,
        Kernel::Gcd,
        Kernel::Factorize,
        Kernel::Sleep,
        #[cfg(feature = "test-panic")]
        Kernel::Panic,
    ];

    /// The JavaScript name (`'bruteGcd'`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Kernel::BruteGcd => "bruteGcd",
            Kernel::Gcd => "gcd",
            Kernel::Factorize => "factorize",
            Kernel::Sleep => "sleep",
            #[cfg(feature = "test-panic")]
            Kernel::Panic => "panic",
        }
    }

    /// The kernel of that JavaScript name.
    pub fn from_name(name: &str) -> Option<Kernel> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The wire id (index in [`Kernel::ALL`]).
    pub fn id(self) -> u32 {
        Self::ALL
            .iter()
            .position(|&k| k == self)
            .map_or(u32::MAX, |i| i as u32)
    }

    /// The kernel with that wire id.
    pub fn from_id(id: u32) -> Option<Kernel> {
        Self::ALL.get(id as usize).copied()
    }

    /// How many integer arguments the kernel takes.
    pub fn arity(self) -> usize {
        match self {
            Kernel::BruteGcd | Kernel::Gcd => 2,
            Kernel::Factorize | Kernel::Sleep => 1,
            #[cfg(feature = "test-panic")]
            Kernel::Panic => 1,
        }
    }

    /// Whether the kernel returns a list rather than a number.
    pub fn returns_list(self) -> bool {
        matches!(self, Kernel::Factorize)
    }

    /// A rough, comparable upper bound of the work for `args`, used to schedule the longest
    /// tasks of a small batch first (LPT) so that the makespan approaches the optimum.
    pub fn estimated_cost(self, args: &[u64]) -> u64 {
        match self {
            Kernel::BruteGcd => args[0].min(args[1]),
            Kernel::Gcd => 64,
            Kernel::Factorize => args[0],
            // A millisecond of sleep counts like about a million loop iterations.
            Kernel::Sleep => args[0].saturating_mul(1_000_000),
            #[cfg(feature = "test-panic")]
            Kernel::Panic => 0,
        }
    }

    /// Runs the kernel on `args` (exactly [`Kernel::arity`] of them) on the calling thread.
    ///
    /// # Panics
    /// When `args` is shorter than the arity (a caller bug), and always for `Kernel::Panic`.
    pub fn run(self, args: &[u64], cancel: &(impl Check + ?Sized)) -> Result<Output, Cancelled> {
        Ok(match self {
            Kernel::BruteGcd => Output::Number(kernels::brute_gcd(args[0], args[1], cancel)?),
            Kernel::Gcd => Output::Number(kernels::gcd(args[0], args[1])),
            Kernel::Factorize => Output::List(kernels::factorize(args[0], cancel)?),
            Kernel::Sleep => {
                kernels::sleep(args[0], cancel)?;
                Output::Number(0)
            }
            #[cfg(feature = "test-panic")]
            Kernel::Panic => panic!("test panic requested with argument {}", args[0]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;

    #[test]
    fn names_and_ids_round_trip() {
        for &k in Kernel::ALL {
            assert_eq!(Kernel::from_name(k.name()), Some(k));
            assert_eq!(Kernel::from_id(k.id()), Some(k));
        }
        assert_eq!(Kernel::from_name("nope"), None);
        assert_eq!(Kernel::from_id(999), None);
    }

    #[test]
    fn runs_each_kernel() {
        let c = Cancel::new();
        assert_eq!(Kernel::BruteGcd.run(&[12, 18], &c), Ok(Output::Number(6)));
        assert_eq!(Kernel::Gcd.run(&[0, 5], &c), Ok(Output::Number(5)));
        assert_eq!(
            Kernel::Factorize.run(&[6], &c),
            Ok(Output::List(vec![1, 2, 3, 6]))
        );
        assert_eq!(Kernel::Sleep.run(&[1], &c), Ok(Output::Number(0)));
    }

    #[test]
    fn larger_inputs_cost_more() {
        let small = Kernel::BruteGcd.estimated_cost(&[543_456, 43_523_465]);
        let big = Kernel::BruteGcd.estimated_cost(&[324_435_212, 23_342_412]);
        assert!(big > small);
    }
}
