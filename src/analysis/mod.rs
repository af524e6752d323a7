//! Analyses over many runs: parameter sweeps, sensitivity indices, scenario discovery (PRIM)
//! and paired comparison of scenarios. `sensitivity` and `prim` are mathematics: they know
//! nothing of scenarios.

pub mod compare;
pub mod hindcast;
pub mod prim;
pub mod sensitivity;
pub mod sweep;
