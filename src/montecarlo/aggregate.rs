//! Streaming aggregation across runs, exact and independent of order.
//!
//! Means are kept as sums of fixed-point integers (2⁻³² resolution) and quantiles as integer
//! histograms, so adding runs in any order, on any number of threads, or merging the partial
//! results of separate machines gives bit-identical numbers. Memory depends on the number of
//! series and turns, never on the number of runs.

use serde::Serialize;

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
#[derive(Debug, Clone)]
pub struct SeriesAgg {
    turns: usize,
    ranges: Vec<(f64, f64)>,
    /// Per series: bins per unit of value, `(BINS − 1)/(hi − lo)`.
    scale: Vec<f64>,
    counts: Vec<u32>,
    sums: Vec<FixedSum>,
    runs: u64,
}

impl SeriesAgg {
    /// `ranges[i]` bounds series `i`; values outside are counted at the nearest end.
    pub fn new(ranges: Vec<(f64, f64)>, turns: usize) -> SeriesAgg {
        let cells = ranges.len() * turns;
        let scale = ranges.iter().map(|(lo, hi)| (BINS - 1) as f64 / (hi - lo)).collect();
        SeriesAgg {
            turns,
            counts: vec![0; cells * BINS],
            sums: vec![FixedSum::default(); cells],
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

    /// The histogram of series `series` at `turn`: runs per bin ([`BINS`] bins).
    pub fn histogram(&self, series: usize, turn: usize) -> &[u32] {
        let c = series * self.turns + turn;
        &self.counts[c * BINS..(c + 1) * BINS]
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
        let c = series * self.turns + turn;
        for &(b, k) in bins {
            self.counts[c * BINS + b] += k;
        }
        self.sums[c].merge(sum);
        true
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
            self.add_value(cell / ns, cell % ns, x);
        }
        self.runs += 1;
    }

    /// Adds `n` values equal to `x` to series `series` at `turn`, as `n` runs would, without
    /// counting runs (their other series count them).
    pub fn add_times(&mut self, series: usize, turn: usize, x: f64, n: u32) {
        let c = series * self.turns + turn;
        self.sums[c].add_times(x, n);
        let b = bin_of(x, self.ranges[series].0, self.scale[series]);
        self.counts[c * BINS + b] += n;
    }

    #[inline]
    fn add_value(&mut self, turn: usize, series: usize, x: f64) {
        let c = series * self.turns + turn;
        self.sums[c].add(x);
        let b = bin_of(x, self.ranges[series].0, self.scale[series]);
        self.counts[c * BINS + b] += 1;
    }

    /// Adds another worker's aggregate of the same series and turns (exact, in any order).
    pub fn merge(&mut self, other: &SeriesAgg) {
        assert_eq!((self.ranges.len(), self.turns), (other.ranges.len(), other.turns), "merging unlike aggregates");
        self.counts.iter_mut().zip(&other.counts).for_each(|(a, b)| *a += b);
        self.sums.iter_mut().zip(&other.sums).for_each(|(a, b)| a.merge(*b));
        self.runs += other.runs;
    }

    /// The mean of series `series` at turn `turn` across runs (exact to 2⁻³² per value).
    pub fn mean(&self, series: usize, turn: usize) -> f64 {
        self.sums[series * self.turns + turn].mean(self.runs)
    }

    /// The `q`-quantile (inverse of the empirical CDF), to the bin resolution.
    pub fn quantile(&self, series: usize, turn: usize, q: f64) -> f64 {
        let c = series * self.turns + turn;
        let counts = &self.counts[c * BINS..(c + 1) * BINS];
        let need = (q * self.runs as f64).ceil().max(1.0) as u64;
        let mut seen = 0u64;
        let (lo, hi) = self.ranges[series];
        for (b, &k) in counts.iter().enumerate() {
            seen += u64::from(k);
            if seen >= need {
                return lo + (hi - lo) * b as f64 / (BINS - 1) as f64;
            }
        }
        hi
    }
}

/// Runs buffered and added to a [`SeriesAgg`] in batches.
///
/// Added one run at a time, each value lands on a different cache line of the histograms
/// (megabytes of them), and memory traffic dominates. Buffered, each run's values are reduced
/// at once to their bin (two bytes) and their fixed-point sum; the flush then counts the bins
/// a block of cells at a time over all buffered runs, so that the histograms of the block
/// stay in cache while many runs' values land on them. The result is identical to adding the
/// runs one by one: the aggregate is order-free.
///
/// A run's bins are buffered series by series (`series × turns`, the histograms' order), so
/// a block's histograms are adjacent in memory and each buffered run gives it one cache line.
/// (Laid out turn by turn, as the runs are, a block's 32 histograms were a series' length
/// apart; buffered block by block, so that the flush reads one block's runs in one stretch,
/// each value of a run is written to another page, which cost more than it saved.)
///
/// A batch may buffer some of the aggregate's series only: those whose values are not
/// counted otherwise (see [`super::counted`]).
#[derive(Debug, Clone)]
pub struct Batch {
    /// Per series of the aggregate: whether this batch buffers it.
    buffered: Vec<bool>,
    /// Per buffered series: its series in the aggregate, its range's low end and its bins per
    /// unit.
    series: Vec<usize>,
    lo: Vec<f64>,
    scale: Vec<f64>,
    cells: usize,
    capacity: usize,
    len: usize,
    /// `capacity × cells`, run-major; within a run `series × turns`: the bin of each value.
    bins: Vec<u16>,
    /// Per cell, in the runs' layout (`turns × series`): the buffered values' sum in units of
    /// 2⁻³², of the values under [`SMALL`] in magnitude: exact in an `i64` for
    /// [`MAX_CAPACITY`] runs.
    sums: Vec<i64>,
    /// Per cell: the sum of the other values (exact, in an `i128`).
    large: Vec<FixedSum>,
    /// One run's row of bins, in the row's order.
    row: Vec<u16>,
}

/// Values under this in magnitude (2²²) add at most 2⁵⁴ units of 2⁻³² each: [`MAX_CAPACITY`]
/// of them sum exactly in an `i64`.
const SMALL: f64 = 4_194_304.0;

/// Whether `x`'s fixed-point units go to a batch's `i64` sums (not NaN, under [`SMALL`]).
#[inline(always)]
fn is_small(x: f64) -> bool {
    x.abs() < SMALL
}

/// The most runs a [`Batch`] buffers: its sums of small values stay under 2⁶³.
pub const MAX_CAPACITY: usize = 512;

/// Cells counted together by [`Batch::flush`]: their histograms (4 KB each) fit in L2, and a
/// run's bins of a block fill one cache line.
const FLUSH_BLOCK: usize = 32;

impl Batch {
    /// A buffer for `capacity` runs (at most [`MAX_CAPACITY`]) of `agg`'s series `series`
    /// (ascending), each run `turns × series.len()` values: `2 × turns × series.len() ×
    /// capacity` bytes.
    pub fn new(agg: &SeriesAgg, series: Vec<usize>, capacity: usize) -> Batch {
        assert!(series.windows(2).all(|w| w[0] < w[1]) && series.iter().all(|&s| s < agg.series()), "series ascending");
        let capacity = capacity.clamp(1, MAX_CAPACITY);
        let cells = series.len() * agg.turns;
        let mut buffered = vec![false; agg.series()];
        series.iter().for_each(|&s| buffered[s] = true);
        Batch {
            buffered,
            lo: series.iter().map(|&s| agg.ranges[s].0).collect(),
            scale: series.iter().map(|&s| agg.scale[s]).collect(),
            cells,
            capacity,
            len: 0,
            bins: vec![0; cells * capacity],
            sums: vec![0; cells],
            large: vec![FixedSum::default(); cells],
            row: vec![0; series.len()],
            series,
        }
    }

    /// Buffers one run: `run[turn × buffered + i]` is the `i`-th buffered series at `turn`.
    /// Adds the batch to `agg` when it is full.
    pub fn push(&mut self, run: &[f64], agg: &mut SeriesAgg) {
        debug_assert_eq!(run.len(), self.cells);
        let (ns, turns) = (self.series.len(), agg.turns);
        let bins = &mut self.bins[self.len * self.cells..(self.len + 1) * self.cells];
        // A batch may buffer no series at all: then there is only the run to count.
        let rows = run.chunks_exact(ns.max(1)).zip(self.sums.chunks_exact_mut(ns.max(1)));
        let larges = self.large.chunks_exact_mut(ns.max(1));
        for (t, ((values, sums), large)) in rows.zip(larges).enumerate() {
            if reduce_row(values, &self.lo, &self.scale, &mut self.row, sums) {
                // A value too large (or NaN) for the `i64` sums: added to the exact ones.
                for (&x, large) in values.iter().zip(large) {
                    if !is_small(x) {
                        large.add(x);
                    }
                }
            }
            // The row's bins, stored series by series.
            for (s, &b) in self.row.iter().enumerate() {
                bins[s * turns + t] = b;
            }
        }
        self.len += 1;
        if self.len == self.capacity {
            self.flush(agg);
        }
    }

    /// Adds the buffered runs to `agg`.
    pub fn flush(&mut self, agg: &mut SeriesAgg) {
        let (ns, turns) = (self.series.len(), agg.turns);
        let runs = &self.bins[..self.len * self.cells];
        // The buffered cells' histograms, in their order: block after block of (mostly)
        // adjacent histograms.
        let buffered = &self.buffered;
        let mut histograms =
            agg.counts.chunks_exact_mut(BINS).enumerate().filter(|(c, _)| buffered[c / turns]).map(|(_, h)| h);
        let mut block: Vec<&mut [u32]> = Vec::with_capacity(FLUSH_BLOCK);
        let mut first = 0;
        loop {
            block.clear();
            block.extend(histograms.by_ref().take(FLUSH_BLOCK));
            if block.is_empty() {
                break;
            }
            for run in runs.chunks_exact(self.cells) {
                for (&b, histogram) in run[first..first + block.len()].iter().zip(block.iter_mut()) {
                    histogram[usize::from(b)] += 1;
                }
            }
            first += block.len();
        }
        for (cell, (part, large)) in self.sums.iter_mut().zip(&mut self.large).enumerate() {
            let sum = &mut agg.sums[self.series[cell % ns] * turns + cell / ns];
            sum.merge(FixedSum(i128::from(*part)));
            sum.merge(*large);
            (*part, *large) = (0, FixedSum::default());
        }
        agg.runs += self.len as u64;
        self.len = 0;
    }
}

/// Reduces a row of values: `bins[i]` the bin of `values[i]` (series `i` starting at `lo[i]`
/// with `scale[i]` bins per unit), `sums[i]` plus its fixed-point units (as [`FixedSum::add`]
/// truncates them) if it is under [`SMALL`] in magnitude. Returns whether a value is not
/// (or is NaN): the caller adds those to an exact sum.
///
/// The loop runs in the widest vectors the processor has (AVX-512 with its packed `f64 → i64`
/// conversion, else AVX2, else SSE2), chosen at run time like
/// [`crate::model::decision::cooperation_probabilities`]. Each element goes through the same
/// operations at every width, so the results are the same bit for bit.
#[inline]
fn reduce_row(values: &[f64], lo: &[f64], scale: &[f64], bins: &mut [u16], sums: &mut [i64]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512dq") {
            // SAFETY: the processor has AVX-512F and DQ (DQ implies F; checked just above).
            return unsafe { reduce_avx512(values, lo, scale, bins, sums) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { reduce_avx2(values, lo, scale, bins, sums) };
        }
    }
    reduce_portable(values, lo, scale, bins, sums)
}

#[inline(always)]
fn reduce_portable(values: &[f64], lo: &[f64], scale: &[f64], bins: &mut [u16], sums: &mut [i64]) -> bool {
    let mut large = false;
    let series = lo.iter().zip(scale);
    for ((&x, (&lo, &scale)), (b, sum)) in values.iter().zip(series).zip(bins.iter_mut().zip(sums)) {
        // As `bin_of`, with conversions that need no saturation (so that they vectorize).
        let y = (x - lo) * scale;
        let y = if y > 0.0 { y } else { 0.0 };
        let y = if y < (BINS - 1) as f64 { y } else { (BINS - 1) as f64 };
        // SAFETY: `y + 0.5` is in [0.5, BINS − 0.5] (a NaN became 0 above): it fits an i32.
        *b = unsafe { (y + 0.5).to_int_unchecked::<i32>() } as u16;
        let small = is_small(x);
        // SAFETY: under `SMALL` in magnitude, `x · 2³²` is under 2⁵⁴ and fits an i64; the
        // truncation is `FixedSum::add`'s.
        *sum += if small { unsafe { (x * FIXED_SCALE).to_int_unchecked::<i64>() } } else { 0 };
        large |= !small;
    }
    large
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn reduce_avx512(values: &[f64], lo: &[f64], scale: &[f64], bins: &mut [u16], sums: &mut [i64]) -> bool {
    reduce_portable(values, lo, scale, bins, sums)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn reduce_avx2(values: &[f64], lo: &[f64], scale: &[f64], bins: &mut [u16], sums: &mut [i64]) -> bool {
    reduce_portable(values, lo, scale, bins, sums)
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
    fn batches_equal_runs_added_one_by_one() {
        let runs: Vec<Vec<f64>> =
            (0..37).map(|r| (0..6).map(|c| ((r * 31 + c * 7) % 19) as f64 / 18.0).collect()).collect();
        let mut one = SeriesAgg::new(vec![(0.0, 1.0), (0.0, 1.0)], 3);
        runs.iter().for_each(|r| one.add_run(r));
        let mut batched = SeriesAgg::new(vec![(0.0, 1.0), (0.0, 1.0)], 3);
        let mut batch = Batch::new(&batched, vec![0, 1], 8);
        runs.iter().for_each(|r| batch.push(r, &mut batched));
        batch.flush(&mut batched);
        assert_eq!(batched.runs(), 37);
        assert_eq!(one.counts, batched.counts);
        assert_eq!(one.sums, batched.sums);
    }

    #[test]
    fn batches_of_large_and_odd_values_equal_runs_added_one_by_one() {
        // Values beyond the i64 sums' reach, NaN and infinities go to the exact sums.
        let odd = [1e9, -3e7, f64::NAN, f64::INFINITY, -f64::INFINITY, SMALL, -SMALL, 4e6, -0.0, 5e-324];
        let runs: Vec<Vec<f64>> =
            (0..300).map(|r| (0..10).map(|c| odd[(r * 3 + c) % 10] * (r % 7) as f64).collect()).collect();
        let ranges = vec![(-1e8, 1e8), (0.0, 1.0)];
        let mut one = SeriesAgg::new(ranges.clone(), 5);
        runs.iter().for_each(|r| one.add_run(r));
        let mut batched = SeriesAgg::new(ranges, 5);
        let mut batch = Batch::new(&batched, vec![0, 1], MAX_CAPACITY);
        runs.iter().for_each(|r| batch.push(r, &mut batched));
        batch.flush(&mut batched);
        assert_eq!(one.counts, batched.counts);
        assert_eq!(one.sums, batched.sums);
    }

    #[test]
    fn rows_reduce_alike_at_every_vector_width() {
        // The dispatched loop against the portable one, bit for bit, over ordinary values,
        // the range's ends, values outside it, NaN, infinities and large values.
        let special = [0.0, -0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY, -f64::INFINITY, 3e9, -2e22, SMALL, 1e-300];
        let values: Vec<f64> = (0..4001)
            .map(|i| if i % 17 == 0 { special[i / 17 % special.len()] } else { -0.7 + i as f64 * 0.000_61 })
            .collect();
        let n = values.len();
        let lo: Vec<f64> = (0..n).map(|i| [-0.5, 0.0, -1.0][i % 3]).collect();
        let scale: Vec<f64> = (0..n).map(|i| (BINS - 1) as f64 / [2.0, 1.0, 0.25][i % 3]).collect();
        for len in [n, 7, 1, 0] {
            let (mut b1, mut b2) = (vec![0u16; len], vec![0u16; len]);
            let (mut s1, mut s2): (Vec<i64>, Vec<i64>) = ((0..len as i64).collect(), (0..len as i64).collect());
            let large = reduce_row(&values[..len], &lo, &scale, &mut b1, &mut s1);
            assert_eq!(large, reduce_portable(&values[..len], &lo, &scale, &mut b2, &mut s2));
            assert_eq!(large, len == n);
            assert_eq!((b1, s1), (b2, s2));
        }
        let (mut b, mut s) = (vec![0u16; 6], vec![0i64; 6]);
        assert!(!reduce_portable(&[0.25, 1.0, -1.0, 2.0, 0.0, f64::MIN_POSITIVE], &lo, &scale, &mut b, &mut s));
        assert_eq!(b, [375, 1000, 0, 1000, 0, 1000]);
        assert_eq!(s, [1 << 30, 1 << 32, -(1 << 32), 1 << 33, 0, 0]);
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
