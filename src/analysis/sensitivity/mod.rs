//! Global sensitivity analysis: which uncertain parameters drive an output, and how much.
//!
//! Pure mathematics over plain data, with no knowledge of scenarios or runs. A sweep builds a
//! design in the unit hypercube, maps each point through a [`ParamSpace`] to parameter values,
//! runs the model once per point, and hands the outputs back, in design order, to an
//! analysis:
//!
//! - [`sobol`]: variance-based indices. [`SaltelliDesign`] gives N·(k+2) points (N·(2k+2) with
//!   second-order indices) from a [`SobolSequence`]; [`sobol_indices`] estimates the first-order
//!   S_i and total-order S_Ti (and optionally S_ij) with bootstrap intervals, with SALib's
//!   estimators and layout so results compare one to one.
//! - [`morris`]: elementary effects for screening. [`MorrisDesign`] gives r trajectories of k+1
//!   points on a p-level grid; [`morris_effects`] gives μ, μ* (with a bootstrap interval) and σ.
//!
//! [`Bootstrap`] sets replicates and confidence level; every interval is an [`Estimate`].
//!
//! Randomness comes only from a `ChaCha8Rng` the caller passes in; bootstrap replicate `r` draws
//! from its own stream, so results are the same on any number of threads. A Saltelli design
//! computes each point on demand from O(k) words, so a sweep can generate, shard or resume its
//! runs in any order; a Morris design stores its r(k+1) points. Analyses read the outputs in
//! place: memory is O(N·k) at most (never the O(N·k²) of a materialised Saltelli design), and
//! no hot loop allocates.
//!
//! For the sweep runner, per output and in design order:
//!
//! ```text
//! let design = SaltelliDesign::scrambled(k, n, SaltelliOptions::default(), &mut rng)?;
//! for run in 0..design.len() { design.point(run, &space, &mut x); y[run] = model(&x); }
//! let si = sobol_indices(&design, &y, &Bootstrap::default(), &mut rng)?;
//! ```

pub mod bootstrap;
mod joe_kuo;
pub mod morris;
pub mod sequence;
pub mod sobol;
pub mod space;

pub use bootstrap::{Bootstrap, Estimate};
pub use morris::{MorrisDesign, MorrisEffect, morris_effects};
pub use sequence::SobolSequence;
pub use sobol::{Role, SaltelliDesign, SaltelliOptions, SobolIndices, sobol_indices};
pub use space::{Marginal, ParamSpace};

/// Why a design, a parameter space or an analysis cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    #[error("a sensitivity analysis needs at least one parameter")]
    NoParameters,
    #[error("{dims} quasi-random dimensions requested; at most {max} are tabulated")]
    TooManyDimensions { dims: usize, max: usize },
    #[error("{what} needs at least {min}, got {got}")]
    TooFew { what: &'static str, min: usize, got: usize },
    #[error("the design needs Sobol points up to index {last}, beyond the sequence's 2^32")]
    SequenceExhausted { last: u64 },
    #[error("Morris levels must be even and at least 2, got {0}")]
    Levels(usize),
    #[error("parameter `{name}`: {reason}")]
    Marginal { name: String, reason: String },
    #[error("parameter `{0}` is named twice")]
    DuplicateName(String),
    #[error("confidence level must lie strictly between 0 and 1, got {0}")]
    Confidence(f64),
    #[error("expected {expected} outputs, one per design point, got {got}")]
    OutputCount { expected: usize, got: usize },
    #[error("output {index} is {value}: every output must be finite")]
    NonFiniteOutput { index: usize, value: f64 },
    #[error("every output equals {0}: there is no variance to apportion")]
    ConstantOutput(f64),
}

/// Checks that `outputs` has one finite value per design point.
fn check_outputs(outputs: &[f64], expected: usize) -> Result<(), SensitivityError> {
    if outputs.len() != expected {
        return Err(SensitivityError::OutputCount { expected, got: outputs.len() });
    }
    match outputs.iter().position(|y| !y.is_finite()) {
        Some(index) => Err(SensitivityError::NonFiniteOutput { index, value: outputs[index] }),
        None => Ok(()),
    }
}
