//! The model's parts as checked types: actors, issues, events, outcomes, the metrics that name
//! quantities of the state, the calendar, parameters and their distributions, and the decision
//! and trust rules. Built once by [`crate::scenario`] validation; read by the simulation.

pub mod actor;
pub mod calendar;
pub mod decision;
pub mod events;
pub mod issue;
pub mod metric;
pub mod outcome;
pub mod param;
mod quantile;
pub(crate) mod trust;
