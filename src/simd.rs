//! Hot loops in the widest vectors the processor has, chosen at run time.
//!
//! Release builds target baseline x86-64 (SSE2), so that one binary runs on every x86-64
//! machine. A few loops of the turn and of the aggregation (the logit pass, the dyads'
//! utilities, the draws' conversion, a batch's bins) are worth vectors twice or four times as
//! wide: [`widest_vectors`] runs each (a [`Loop`]) compiled again for AVX2 or AVX-512, whichever is the
//! widest the processor has (the standard library detects it once and caches the answer).
//!
//! Results never depend on that choice. A loop run this way must do, element by element, the
//! same IEEE operations at every width, each correctly rounded, none fused (Rust never
//! contracts `a·b + c` into one FMA), and sum nothing across elements; each is tested against
//! its scalar formula at every width the processor running the tests has ([`widths`]).

/// A set of vector instructions a loop can be compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// What every processor of the target has (SSE2 on x86-64): 2 `f64` per vector.
    Baseline,
    /// AVX2: 4 `f64` per vector.
    Avx2,
    /// AVX-512 with its foundation and its 64-bit integer conversions (F and DQ): 8.
    Avx512,
}

impl Width {
    /// Whether this processor runs code compiled for this width.
    pub fn available(self) -> bool {
        match self {
            Width::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Width::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Width::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512dq")
            }
            #[cfg(not(target_arch = "x86_64"))]
            Width::Avx2 | Width::Avx512 => false,
        }
    }
}

/// The widths this processor runs, narrowest first (for tests that compare them all).
pub fn widths() -> Vec<Width> {
    [Width::Baseline, Width::Avx2, Width::Avx512].into_iter().filter(|w| w.available()).collect()
}

/// The widest width this processor runs.
pub fn widest() -> Width {
    if Width::Avx512.available() {
        Width::Avx512
    } else if Width::Avx2.available() {
        Width::Avx2
    } else {
        Width::Baseline
    }
}

/// A loop to run at a vector width: its data, and the loop itself in [`Loop::run`], which must
/// be `#[inline(always)]` (with everything it calls) so that it is compiled again inside each
/// width's context. (A closure would not do: the compiler keeps one copy of its body, compiled
/// for the baseline, and calls it from every width.)
pub trait Loop {
    /// What the loop returns.
    type Output;
    /// Runs the loop.
    fn run(self) -> Self::Output;
}

/// Runs `l` compiled for the widest vectors this processor has.
#[inline(always)]
pub fn widest_vectors<L: Loop>(l: L) -> L::Output {
    at(widest(), l)
}

/// Runs `l` compiled for `width`.
///
/// # Panics
/// If this processor does not run `width` ([`Width::available`]).
#[inline(always)]
pub fn at<L: Loop>(width: Width, l: L) -> L::Output {
    assert!(width.available(), "this processor has no {width:?}");
    match width {
        Width::Baseline => l.run(),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the processor has AVX2 (asserted above).
        Width::Avx2 => unsafe { avx2(l) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the processor has AVX-512F and DQ (asserted above).
        Width::Avx512 => unsafe { avx512(l) },
        #[cfg(not(target_arch = "x86_64"))]
        Width::Avx2 | Width::Avx512 => unreachable!("asserted available"),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2<L: Loop>(l: L) -> L::Output {
    l.run()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn avx512<L: Loop>(l: L) -> L::Output {
    l.run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_width_is_the_last_available_one() {
        let widths = widths();
        assert_eq!(widths[0], Width::Baseline);
        assert_eq!(widths.last().copied(), Some(widest()));
        struct Sum<'a>(&'a [u64]);
        impl Loop for Sum<'_> {
            type Output = u64;
            #[inline(always)]
            fn run(self) -> u64 {
                self.0.iter().sum()
            }
        }
        for w in widths {
            assert_eq!(at(w, Sum(&[40, 1, 1])), 42);
        }
    }
}
