//! `--parquet` on `run`, `sweep` and `merge`: Parquet copies of `runs.csv` and `points.csv`
//! (cargo feature `parquet`, off by default). A heartland built without the feature still
//! parses the flag, and refuses it before any work. Part of the binary (`src/main.rs`
//! includes it), not of the library.

use super::Failure;

/// The `--parquet` flag.
#[derive(clap::Args, Default, Clone, Copy)]
pub(crate) struct ParquetFlag {
    /// Also write runs.parquet (a sweep: points.parquet, and runs.parquet with --per-run)
    /// beside the CSV files: the same rows and columns, typed (needs a heartland built with
    /// `--features parquet`).
    #[arg(long)]
    pub(crate) parquet: bool,
}

impl ParquetFlag {
    /// Whether to write Parquet; an input error (exit code 2, nothing written) when asked
    /// for by a heartland built without the feature, or together with `--shard` (a shard
    /// writes only what `merge` joins: give `--parquet` to the merge).
    pub(crate) fn wanted(self, sharded: bool) -> Result<bool, Failure> {
        if !self.parquet {
            return Ok(false);
        }
        if !cfg!(feature = "parquet") {
            return Err(Failure::Input(
                "error: --parquet: built without Parquet: rebuild with `--features parquet`\n   \
                 = help: cargo build --release --features parquet"
                    .into(),
            ));
        }
        if sharded {
            return Err(Failure::Input(
                "error: --parquet with --shard: a shard writes only what `heartland merge` joins\n   \
                 = help: give --parquet to `heartland merge` instead"
                    .into(),
            ));
        }
        Ok(true)
    }
}
