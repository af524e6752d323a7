//! Behaviour tests: the public API and the built binary, on small fixtures.

mod browser;
mod charts;
mod cli;
mod engine;
mod errors;
mod games;
mod hindcast;
mod pack;
mod parquet;
mod play;
mod reliability;
mod resultset;
mod scaleout;
mod serve;
mod statics;
mod sweep;
mod teaching;

use std::path::{Path, PathBuf};

use heartland::Scenario;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn tiny() -> Scenario {
    Scenario::load(&fixture("tiny.toml")).expect("the tiny fixture is valid")
}

pub fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline_2014.toml")
}
