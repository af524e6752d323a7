//! The result files: written atomically by the pipelines, read back by the report.

pub mod read;
pub mod write;

pub use read::*;
