//! Streaming aggregation across runs, exact and independent of order.
//!
//! Means are kept as sums of fixed-point integers (2⁻³² resolution) and quantiles as integer
//! histograms, so adding runs in any order, on any number of threads, or merging the partial
//! results of separate machines gives bit-identical numbers. Memory depends on the number of
//! series and turns, never on the number of runs.

use serde::Serialize;

mod batch;
pub use batch::{Batch, MAX_CAPACITY};

/// Histogram bins per series value range. Bin `b` is centred on `lo + b·(hi − lo)/(BINS − 1)`,
/// so the ends of the range and every multiple of 1/1000 of it are bin centres: quantiles are
/// reported to the nearest 0.1% of the range, exactly for values on that grid.
pub const BINS: usize = 1001;

const FIXED_SCALE: f64 = 4_294_967_296.0; // 2^32

/// An exact sum of values, each truncated to a multiple of 2⁻³².
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FixedSum(i128);

impl FixedSum {
    /// Adds `x` truncated to a multiple of 2⁻³² (|x| < 2³⁰). Through `i64`, because an
    /// `f64 → i128` cast and `round` are library calls, not instructions, on baseline x86-64.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.0 += i128::from((x * FIXED_SCALE) as i64);
    }

    /// Adds `x` `n` times, exactly as `n` calls of [`FixedSum::add`] would.
    #[inline]
    pub fn add_times(&mut self, x: f64, n: u32) {
        self.0 += i128::from((x * FIXED_SCALE) as i64) * i128::from(n);
    }

    /// Adds another sum (exact: the order of merging does not matter).
    pub fn merge(&mut self, other: FixedSum) {
        self.0 += other.0;
    }

    /// The exact sum in units of 2⁻³², for saving a shard's aggregate without loss.
    pub fn raw(self) -> i128 {
        self.0
    }

    /// A sum saved with [`FixedSum::raw`].
    pub fn from_raw(raw: i128) -> FixedSum {
        FixedSum(raw)
    }

    /// The sum divided by `n`; NaN for `n = 0`.
    pub fn mean(self, n: u64) -> f64 {
        if n == 0 { f64::NAN } else { self.0 as f64 / FIXED_SCALE / n as f64 }
    }
}

/// The bin of `x` in a histogram starting at `lo` with `scale` bins per unit.
#[inline]
fn bin_of(x: f64, lo: f64, scale: f64) -> usize {
    // Clamped to [0, BINS − 1] (NaN to 0, as a saturating cast would), then rounded to the
    // nearest bin centre: + 0.5 and truncation, on a value known to fit, so the cast needs no
    // saturation. Written as comparisons so that they compile to single instructions.
    let y = (x - lo) * scale;
    let y = if y > 0.0 { y } else { 0.0 };
    let y = if y < (BINS - 1) as f64 { y } else { (BINS - 1) as f64 };
    (y + 0.5) as i32 as usize
}

/// Per-turn distributions of a set of bounded series across runs.
///
/// A series' histograms are dense ([`BINS`] counters per turn) or, for a series whose values
/// take a few known values (counted series, [`super::counted`]), sparse: `(bin, runs)` pairs
/// in bin order. Both give the same quantiles, bins and sums; sparse ones spare the memory
/// (4 KB per turn) and the first touch of pages that would mostly stay zero.
#[derive(Debug, Clone)]
pub struct SeriesAgg {
    turns: usize,
    ranges: Vec<(f64, f64)>,
    /// Per series: bins per unit of value, `(BINS − 1)/(hi − lo)`.
    scale: Vec<f64>,
    /// Per series: where its histograms are.
    store: Vec<Store>,
    /// `dense series × turns × BINS`: runs per bin of the dense series.
    counts: Vec<u32>,
    /// `sparse series × turns`: the non-empty bins of the sparse series, ascending.
    sparse: Vec<Vec<(u16, u32)>>,
    sums: Vec<FixedSum>,
    runs: u64,
}

/// Where a series' histograms are kept: its index among the dense or the sparse series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Store {
    Dense(usize),
    Sparse(usize),
}

impl SeriesAgg {
    /// `ranges[i]` bounds series `i`; values outside are counted at the nearest end.
    pub fn new(ranges: Vec<(f64, f64)>, turns: usize) -> SeriesAgg {
        let dense = vec![false; ranges.len()];
        SeriesAgg::with_sparse(ranges, turns, &dense)
    }

    /// As [`SeriesAgg::new`], the series `i` with `sparse[i]` kept as `(bin, runs)` pairs: for
    /// series that take few distinct values.
    pub fn with_sparse(ranges: Vec<(f64, f64)>, turns: usize, sparse: &[bool]) -> SeriesAgg {
        assert_eq!(sparse.len(), ranges.len(), "one flag per series");
        let (mut dense_n, mut sparse_n) = (0, 0);
        let store = sparse
            .iter()
            .map(|&s| {
                let (n, kind): (&mut usize, fn(usize) -> Store) =
                    if s { (&mut sparse_n, Store::Sparse) } else { (&mut dense_n, Store::Dense) };
                *n += 1;
                kind(*n - 1)
            })
            .collect();
        let scale = ranges.iter().map(|(lo, hi)| (BINS - 1) as f64 / (hi - lo)).collect();
        SeriesAgg {
            turns,
            store,
            counts: vec![0; dense_n * turns * BINS],
            sparse: vec![Vec::new(); sparse_n * turns],
            sums: vec![FixedSum::default(); ranges.len() * turns],
            ranges,
            scale,
            runs: 0,
        }
    }

    /// Number of series.
    pub fn series(&self) -> usize {
        self.ranges.len()
    }

    /// Number of turns.
    pub fn turns(&self) -> usize {
        self.turns
    }

    /// Runs added so far (merged ones included).
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// The non-empty bins of series `series` at `turn`, ascending: `(bin, runs)` pairs, bins
    /// in `0..BINS`.
    pub fn bins(&self, series: usize, turn: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        let (dense, sparse): (&[u32], &[(u16, u32)]) = match self.store[series] {
            Store::Dense(d) => {
                let c = d * self.turns + turn;
                (&self.counts[c * BINS..(c + 1) * BINS], &[])
            }
            Store::Sparse(p) => (&[], &self.sparse[p * self.turns + turn]),
        };
        let dense = dense.iter().enumerate().filter(|(_, k)| **k > 0).map(|(b, &k)| (b, k));
        dense.chain(sparse.iter().map(|&(b, k)| (usize::from(b), k)))
    }

    /// The exact sum of series `series` at `turn` across runs.
    pub fn sum(&self, series: usize, turn: usize) -> FixedSum {
        self.sums[series * self.turns + turn]
    }

    /// Adds a saved part (another process's shard) to series `series` at `turn`: runs per bin
    /// as `(bin, runs)` pairs and the exact sum. Call [`SeriesAgg::add_runs`] once per part.
    /// Returns `false`, adding nothing, for a bin outside `0..BINS`.
    pub fn add_cell(&mut self, series: usize, turn: usize, bins: &[(usize, u32)], sum: FixedSum) -> bool {
        if bins.iter().any(|&(b, _)| b >= BINS) {
            return false;
        }
        for &(b, k) in bins {
            self.count(series, turn, b, k);
        }
        self.sums[series * self.turns + turn].merge(sum);
        true
    }

    /// Adds `n` runs to bin `b` of series `series` at `turn`.
    #[inline]
    fn count(&mut self, series: usize, turn: usize, b: usize, n: u32) {
        match self.store[series] {
            Store::Dense(d) => self.counts[(d * self.turns + turn) * BINS + b] += n,
            Store::Sparse(p) => {
                let cell = &mut self.sparse[p * self.turns + turn];
                let b = u16::try_from(b).expect("a bin fits 16 bits");
                match cell.binary_search_by_key(&b, |&(bin, _)| bin) {
                    Ok(i) => cell[i].1 += n,
                    Err(i) => cell.insert(i, (b, n)),
                }
            }
        }
    }

    /// Counts `runs` more runs, whose cells [`SeriesAgg::add_cell`] added.
    pub fn add_runs(&mut self, runs: u64) {
        self.runs += runs;
    }

    /// Adds one run: `values[turn * series + i]` is series `i` at `turn`. For many runs,
    /// [`Batch`] is several times faster.
    pub fn add_run(&mut self, values: &[f64]) {
        let ns = self.ranges.len();
        debug_assert_eq!(values.len(), ns * self.turns);
        for (cell, &x) in values.iter().enumerate() {
            self.add_times(cell % ns, cell / ns, x, 1);
        }
        self.runs += 1;
    }

    /// Adds `n` values equal to `x` to series `series` at `turn`, as `n` runs would, without
    /// counting runs (their other series count them).
    pub fn add_times(&mut self, series: usize, turn: usize, x: f64, n: u32) {
        self.sums[series * self.turns + turn].add_times(x, n);
        self.count(series, turn, bin_of(x, self.ranges[series].0, self.scale[series]), n);
    }

    /// Adds another worker's aggregate of the same series and turns, kept alike (exact, in
    /// any order).
    pub fn merge(&mut self, other: &SeriesAgg) {
        assert_eq!((&self.store, self.turns), (&other.store, other.turns), "merging unlike aggregates");
        self.counts.iter_mut().zip(&other.counts).for_each(|(a, b)| *a += b);
        let turns = self.turns;
        for (series, turn) in (0..self.series()).flat_map(|s| (0..turns).map(move |t| (s, t))) {
            if let Store::Sparse(p) = other.store[series] {
                for &(b, k) in &other.sparse[p * other.turns + turn] {
                    self.count(series, turn, usize::from(b), k);
                }
            }
        }
        self.sums.iter_mut().zip(&other.sums).for_each(|(a, b)| a.merge(*b));
        self.runs += other.runs;
    }

    /// The mean of series `series` at turn `turn` across runs (exact to 2⁻³² per value).
    pub fn mean(&self, series: usize, turn: usize) -> f64 {
        self.sums[series * self.turns + turn].mean(self.runs)
    }

    /// The `q`-quantile (inverse of the empirical CDF), to the bin resolution.
    pub fn quantile(&self, series: usize, turn: usize, q: f64) -> f64 {
        let need = (q * self.runs as f64).ceil().max(1.0) as u64;
        let mut seen = 0u64;
        let (lo, hi) = self.ranges[series];
        for (b, k) in self.bins(series, turn) {
            seen += u64::from(k);
            if seen >= need {
                return lo + (hi - lo) * b as f64 / (BINS - 1) as f64;
            }
        }
        hi
    }
}

/// How often each outcome was reached, and when.
#[derive(Debug, Clone)]
pub struct OutcomeAgg {
    turns: usize,
    /// `outcomes × turns`: runs that first reached the outcome at each turn.
    first: Vec<u64>,
    runs: u64,
}

impl OutcomeAgg {
    /// An empty aggregate of `outcomes` outcomes over `turns` turns.
    pub fn new(outcomes: usize, turns: usize) -> OutcomeAgg {
        OutcomeAgg { turns, first: vec![0; outcomes * turns], runs: 0 }
    }

    /// Adds one run: per outcome, the turn it was first reached, if it was.
    pub fn add_run(&mut self, reached: &[Option<usize>]) {
        for (o, r) in reached.iter().enumerate() {
            if let Some(t) = r {
                self.first[o * self.turns + t] += 1;
            }
        }
        self.runs += 1;
    }

    /// Adds another worker's aggregate (exact, in any order).
    pub fn merge(&mut self, other: &OutcomeAgg) {
        self.first.iter_mut().zip(&other.first).for_each(|(a, b)| *a += b);
        self.runs += other.runs;
    }

    /// Runs added so far.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Runs that first reached outcome `o` at each turn.
    pub fn first(&self, o: usize) -> &[u64] {
        &self.first[o * self.turns..(o + 1) * self.turns]
    }

    /// Adds a saved part (another process's shard): `runs` runs, of which `first[o][t]` first
    /// reached outcome `o` at turn `t`. Returns `false`, adding nothing, when the shape differs.
    pub fn add_part(&mut self, first: &[Vec<u64>], runs: u64) -> bool {
        if first.len() * self.turns != self.first.len() || first.iter().any(|f| f.len() != self.turns) {
            return false;
        }
        for (o, f) in first.iter().enumerate() {
            self.first[o * self.turns..(o + 1) * self.turns].iter_mut().zip(f).for_each(|(a, b)| *a += b);
        }
        self.runs += runs;
        true
    }

    /// Runs that reached outcome `o`.
    pub fn reached(&self, o: usize) -> u64 {
        self.first[o * self.turns..(o + 1) * self.turns].iter().sum()
    }

    /// Runs that had reached outcome `o` by the end of each turn.
    pub fn cumulative(&self, o: usize) -> Vec<u64> {
        self.first[o * self.turns..(o + 1) * self.turns]
            .iter()
            .scan(0, |acc, k| {
                *acc += k;
                Some(*acc)
            })
            .collect()
    }

    /// The median turn of first reaching, among the runs that reached it.
    pub fn median_turn(&self, o: usize) -> Option<usize> {
        let reached = self.reached(o);
        if reached == 0 {
            return None;
        }
        self.cumulative(o).iter().position(|&c| 2 * c >= reached)
    }
}

/// Wilson score interval for a binomial proportion `k / n` at 95% confidence.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054;
    let (nf, p) = (n as f64, k as f64 / n as f64);
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt() / denom;
    // At k = 0 and k = n the closed form leaves rounding dust; the bound there is exact.
    let lo = if k == 0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if k == n { 1.0 } else { (centre + half).min(1.0) };
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_sums_are_exact_in_any_order() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64 / 997.0).collect();
        let mut a = FixedSum::default();
        xs.iter().for_each(|x| a.add(*x));
        let mut b = FixedSum::default();
        xs.iter().rev().for_each(|x| b.add(*x));
        let (mut c1, mut c2) = (FixedSum::default(), FixedSum::default());
        xs[..300].iter().for_each(|x| c1.add(*x));
        xs[300..].iter().for_each(|x| c2.add(*x));
        c1.merge(c2);
        assert_eq!(a, b);
        assert_eq!(a, c1);
        let exact = xs.iter().sum::<f64>() / 1000.0;
        assert!((a.mean(1000) - exact).abs() < 1e-9);
    }

    #[test]
    fn quantiles_of_a_known_sample() {
        let mut agg = SeriesAgg::new(vec![(0.0, 1.0)], 1);
        for i in 0..=100 {
            agg.add_run(&[i as f64 / 100.0]);
        }
        assert_eq!(agg.quantile(0, 0, 0.5), 0.5);
        assert_eq!(agg.quantile(0, 0, 0.05), 0.05);
        assert_eq!(agg.quantile(0, 0, 0.95), 0.95);
        assert_eq!(agg.quantile(0, 0, 0.0), 0.0);
        assert!((agg.mean(0, 0) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn merged_aggregates_equal_one_pass() {
        let runs: Vec<[f64; 2]> = (0..50).map(|i| [i as f64 / 49.0, 1.0 - i as f64 / 49.0]).collect();
        let mut one = SeriesAgg::new(vec![(0.0, 1.0)], 2);
        runs.iter().for_each(|r| one.add_run(r));
        let mut a = SeriesAgg::new(vec![(0.0, 1.0)], 2);
        let mut b = a.clone();
        runs[..17].iter().for_each(|r| a.add_run(r));
        runs[17..].iter().rev().for_each(|r| b.add_run(r));
        b.merge(&a);
        for t in 0..2 {
            assert_eq!(one.mean(0, t).to_bits(), b.mean(0, t).to_bits());
            assert_eq!(one.quantile(0, t, 0.5), b.quantile(0, t, 0.5));
        }
    }

    #[test]
    fn sparse_series_equal_dense_ones() {
        // The same runs into a dense and a sparse aggregate, in two parts merged, plus a saved
        // part with bins anywhere: the same bins, sums, quantiles and means.
        let runs: Vec<[f64; 2]> = (0..60).map(|i| [(i % 7) as f64 / 6.0, ((i * 13) % 11) as f64 / 10.0]).collect();
        let build = |sparse: &[bool]| {
            let mut a = SeriesAgg::with_sparse(vec![(0.0, 1.0); 2], 1, sparse);
            let mut b = a.clone();
            runs[..25].iter().for_each(|r| a.add_run(r));
            runs[25..].iter().for_each(|r| b.add_run(r));
            a.merge(&b);
            assert!(a.add_cell(1, 0, &[(999, 2), (3, 1), (0, 4)], FixedSum::from_raw(77)));
            assert!(!a.add_cell(1, 0, &[(BINS, 1)], FixedSum::default()));
            a.add_runs(7);
            a
        };
        let (dense, sparse) = (build(&[false, false]), build(&[true, true]));
        for s in 0..2 {
            let bins: Vec<(usize, u32)> = sparse.bins(s, 0).collect();
            assert!(bins.windows(2).all(|w| w[0].0 < w[1].0) && bins.iter().all(|b| b.1 > 0));
            assert_eq!(bins, dense.bins(s, 0).collect::<Vec<_>>());
            assert_eq!(sparse.sum(s, 0), dense.sum(s, 0));
            for q in [0.0, 0.05, 0.3, 0.5, 0.95, 1.0] {
                assert_eq!(sparse.quantile(s, 0, q), dense.quantile(s, 0, q));
            }
            assert_eq!(sparse.mean(s, 0).to_bits(), dense.mean(s, 0).to_bits());
        }
        assert_eq!(sparse.bins(0, 0).count(), 7);
        assert_eq!(dense.bins(1, 0).map(|b| b.1).sum::<u32>(), 67);
    }

    #[test]
    fn bins_are_the_nearest_centres_clamped_to_the_range() {
        let reference = |x: f64, lo: f64, scale: f64| (((x - lo) * scale).clamp(0.0, (BINS - 1) as f64) + 0.5) as usize;
        let (lo, scale) = (-0.5, (BINS - 1) as f64 / 2.0);
        let xs =
            [-1.0, -0.5, -0.4995, 0.0, 0.0005, 0.25, 1.4995, 1.5, 7.0, f64::NAN, f64::INFINITY, -f64::INFINITY, -0.0];
        for x in xs.into_iter().chain((0..=4000).map(|i| -0.6 + i as f64 * 0.000_55)) {
            assert_eq!(bin_of(x, lo, scale), reference(x, lo, scale), "x = {x}");
        }
        assert_eq!(bin_of(f64::NAN, 0.0, 1000.0), 0);
        assert_eq!(bin_of(2.0, 0.0, 1000.0), BINS - 1);
    }

    #[test]
    fn wilson_interval_brackets_the_estimate() {
        let (lo, hi) = wilson(30, 100);
        assert!(lo < 0.3 && 0.3 < hi);
        assert!((lo - 0.2189).abs() < 1e-3 && (hi - 0.3958).abs() < 1e-3);
        assert_eq!(wilson(0, 100).0, 0.0);
        assert_eq!(wilson(100, 100).1, 1.0);
    }

    #[test]
    fn median_first_turn() {
        let mut agg = OutcomeAgg::new(1, 10);
        for t in [Some(2), Some(4), Some(6), None] {
            agg.add_run(&[t]);
        }
        assert_eq!(agg.reached(0), 3);
        assert_eq!(agg.median_turn(0), Some(4));
    }
}
