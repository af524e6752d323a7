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
    /// No parameter.
    #[error("a sensitivity analysis needs at least one parameter")]
    NoParameters,
    /// More parameters than the Sobol' sequence has dimensions.
    #[error("{dims} quasi-random dimensions requested; at most {max} are tabulated")]
    TooManyDimensions {
        /// Dimensions requested.
        dims: usize,
        /// Dimensions tabulated.
        max: usize,
    },
    /// Too few of something (base rows, trajectories, replicates).
    #[error("{what} needs at least {min}, got {got}")]
    TooFew {
        /// What is counted.
        what: &'static str,
        /// The least allowed.
        min: usize,
        /// The number given.
        got: usize,
    },
    /// The design would run past the end of the Sobol' sequence.
    #[error("the design needs Sobol points up to index {last}, beyond the sequence's 2^32")]
    SequenceExhausted {
        /// The last index needed.
        last: u64,
    },
    /// Morris levels odd or below 2.
    #[error("Morris levels must be even and at least 2, got {0}")]
    Levels(usize),
    /// A parameter's distribution is invalid.
    #[error("parameter `{name}`: {reason}")]
    Marginal {
        /// The parameter's name.
        name: String,
        /// What is wrong with its distribution.
        reason: String,
    },
    /// Two parameters with one name.
    #[error("parameter `{0}` is named twice")]
    DuplicateName(String),
    /// A confidence level outside (0, 1).
    #[error("confidence level must lie strictly between 0 and 1, got {0}")]
    Confidence(f64),
    /// Not one output per design point.
    #[error("expected {expected} outputs, one per design point, got {got}")]
    OutputCount {
        /// Design points.
        expected: usize,
        /// Outputs given.
        got: usize,
    },
    /// An output is NaN or infinite.
    #[error("output {index} is {value}: every output must be finite")]
    NonFiniteOutput {
        /// The design point's index.
        index: usize,
        /// The output.
        value: f64,
    },
    /// Every output is the same: there is no variance to apportion.
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
