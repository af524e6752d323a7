//! Scale-out: a run, a sweep split into shards that separate processes compute, and the exact
//! merge of their pieces into what one process writes.
//!
//! A [`Shard`] `K/N` (K counts from 0: `0/4` … `3/4`) takes the contiguous block of indices
//! [`Shard::range`] of the whole work (runs of a scenario or a hindcast, design points of a
//! sweep or a calibration). What an
//! index computes depends only on the scenario, the master seed and the index, never on `N`,
//! the thread count or the order, so the shards' pieces are pieces of the single run.
//!
//! A shard's folder holds its rows (`runs.csv`, a sweep's `points.csv`), its exact aggregates
//! (`aggregates.json`, [`crate::results::aggregates`]) and, written last, `shard.json`
//! ([`crate::results::shard`]): the mark that the shard is complete, with the SHA-256 of every
//! file. [`run`] writes a shard ([`run::run_shard_to_dir`], [`run::sweep_shard_to_dir`]),
//! [`merge`] checks a set of shard folders and writes the merged result set through the same
//! code as a single process ([`merge::merge_run_to_dir`], [`merge::merge_sweep_to_dir`]);
//! [`assess`] does the same for hindcasts and calibrations. The schedulers that start the shards
//! (Slurm arrays, Kubernetes Indexed Jobs, HTCondor, GNU parallel) are in
//! `docs/scale-out.md`.

pub mod assess;
pub mod merge;
pub mod run;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Shard `index` of `count`: `index` counts from 0 (`0/4` … `3/4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// Which shard, from 0 to `count − 1`.
    pub index: u64,
    /// How many shards the work is split into (at least 1).
    pub count: u64,
}

impl Shard {
    /// The whole work as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// The indices this shard computes out of `total`: a contiguous block, the blocks of
    /// `0/N` … `(N−1)/N` covering `0..total` in order without gap or overlap. With more
    /// shards than work, some blocks are empty.
    pub fn range(self, total: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Why a `--shard` value is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a shard: write K/N, N ≥ 1 shards with K counting from 0 to N−1 (4 shards: 0/4, 1/4, 2/4, 3/4)")]
pub struct ShardError(pub String);

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(k) || !digits(n) {
            return Err(bad());
        }
        let (index, count): (u64, u64) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_from_zero_and_refuse_the_rest() {
        assert_eq!("0/4".parse::<Shard>(), Ok(Shard { index: 0, count: 4 }));
        assert_eq!("3/4".parse::<Shard>(), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "1/0", "0/0", "-1/4", "1", "a/4", "1/4/2", " 1/4", "1/+4", "", "/"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.to_string().contains("K counting from 0"), "{bad}: {e}");
        }
    }

    #[test]
    fn blocks_cover_the_work_in_order_without_gap_or_overlap() {
        for total in [0u64, 1, 5, 7, 100, 4001] {
            for count in [1u64, 2, 3, 7, 10, 13] {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.range(total);
                    assert_eq!(r.start, next, "{index}/{count} of {total}");
                    assert!(r.end >= r.start);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
        assert_eq!(Shard { index: 0, count: 1 }.range(u64::MAX), 0..u64::MAX);
    }
}
