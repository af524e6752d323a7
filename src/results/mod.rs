//! The result files: written atomically by the pipelines, read back by the report.

pub mod comparison;
pub mod labels;
pub mod read;
pub mod write;

pub use read::*;
