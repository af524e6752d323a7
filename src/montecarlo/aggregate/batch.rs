//! [`Batch`]: runs buffered and added to a [`SeriesAgg`] in batches.

use super::{BINS, FIXED_SCALE, FixedSum, SeriesAgg, Store};

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
/// counted otherwise (see [`crate::montecarlo::counted`]).
#[derive(Debug, Clone)]
pub struct Batch {
    /// Per dense series of the aggregate: whether this batch buffers it.
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
        let dense = agg.store.iter().filter(|s| matches!(s, Store::Dense(_))).count();
        let mut buffered = vec![false; dense];
        for &s in &series {
            match agg.store[s] {
                Store::Dense(d) => buffered[d] = true,
                Store::Sparse(_) => panic!("a batch buffers dense series only"),
            }
        }
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
        if self.buffered.iter().all(|&b| b) {
            // Every dense series buffered: the cells' histograms are the aggregate's, in order,
            // block after block of adjacent ones.
            for (first, block) in agg.counts.chunks_mut(FLUSH_BLOCK * BINS).enumerate() {
                let (first, width) = (first * FLUSH_BLOCK, block.len() / BINS);
                for run in runs.chunks_exact(self.cells) {
                    for (&b, histogram) in run[first..first + width].iter().zip(block.chunks_exact_mut(BINS)) {
                        histogram[usize::from(b)] += 1;
                    }
                }
            }
        } else {
            // The buffered cells' histograms (among the dense series'), in their order.
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
/// The loop runs in the widest vectors the processor has ([`crate::simd`]; AVX-512 has the
/// packed `f64 → i64` conversion). Each element goes through the same operations at every
/// width, so the results are the same bit for bit.
#[inline]
fn reduce_row(values: &[f64], lo: &[f64], scale: &[f64], bins: &mut [u16], sums: &mut [i64]) -> bool {
    crate::simd::widest_vectors(Row { values, lo, scale, bins, sums })
}

/// The loop of [`reduce_row`].
struct Row<'a> {
    values: &'a [f64],
    lo: &'a [f64],
    scale: &'a [f64],
    bins: &'a mut [u16],
    sums: &'a mut [i64],
}

impl crate::simd::Loop for Row<'_> {
    type Output = bool;
    #[inline(always)]
    fn run(self) -> bool {
        let mut large = false;
        let series = self.lo.iter().zip(self.scale);
        for ((&x, (&lo, &scale)), (b, sum)) in self.values.iter().zip(series).zip(self.bins.iter_mut().zip(self.sums)) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_batch_of_some_series_leaves_the_others() {
        // Series 0 and 2 of three dense ones buffered (block by block across the gap), series
        // 1 added value by value: the same as all three added run by run.
        let turns = 40;
        let runs: Vec<Vec<f64>> =
            (0..23).map(|r| (0..3 * turns).map(|c| ((r * 17 + c * 5) % 23) as f64 / 22.0).collect()).collect();
        let mut one = SeriesAgg::new(vec![(0.0, 1.0); 3], turns);
        runs.iter().for_each(|r| one.add_run(r));
        let mut split = SeriesAgg::new(vec![(0.0, 1.0); 3], turns);
        let mut batch = Batch::new(&split, vec![0, 2], 10);
        for run in &runs {
            let row = |t: usize| [run[t * 3], run[t * 3 + 2]];
            batch.push(&(0..turns).flat_map(row).collect::<Vec<_>>(), &mut split);
            (0..turns).for_each(|t| split.add_times(1, t, run[t * 3 + 1], 1));
        }
        batch.flush(&mut split);
        assert_eq!(split.runs(), 23);
        assert_eq!(one.counts, split.counts);
        assert_eq!(one.sums, split.sums);
    }

    #[test]
    fn rows_reduce_alike_at_every_vector_width() {
        // Every width the processor has against the baseline, bit for bit, over ordinary values,
        // the range's ends, values outside it, NaN, infinities and large values.
        let special = [0.0, -0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY, -f64::INFINITY, 3e9, -2e22, SMALL, 1e-300];
        let values: Vec<f64> = (0..4001)
            .map(|i| if i % 17 == 0 { special[i / 17 % special.len()] } else { -0.7 + i as f64 * 0.000_61 })
            .collect();
        let n = values.len();
        let lo: Vec<f64> = (0..n).map(|i| [-0.5, 0.0, -1.0][i % 3]).collect();
        let scale: Vec<f64> = (0..n).map(|i| (BINS - 1) as f64 / [2.0, 1.0, 0.25][i % 3]).collect();
        for len in [n, 7, 1, 0] {
            let (mut b1, b2) = (vec![0u16; len], vec![0u16; len]);
            let (mut s1, s2): (Vec<i64>, Vec<i64>) = ((0..len as i64).collect(), (0..len as i64).collect());
            let baseline = Row { values: &values[..len], lo: &lo, scale: &scale, bins: &mut b1, sums: &mut s1 };
            let large = crate::simd::at(crate::simd::Width::Baseline, baseline);
            assert_eq!(large, len == n);
            for width in crate::simd::widths() {
                let (mut b2, mut s2) = (b2.clone(), s2.clone());
                let row = Row { values: &values[..len], lo: &lo, scale: &scale, bins: &mut b2, sums: &mut s2 };
                assert_eq!(large, crate::simd::at(width, row), "{width:?}");
                assert_eq!((&b1, &s1), (&b2, &s2), "{width:?}");
            }
        }
        let (mut b, mut s) = (vec![0u16; 6], vec![0i64; 6]);
        assert!(!reduce_row(&[0.25, 1.0, -1.0, 2.0, 0.0, f64::MIN_POSITIVE], &lo, &scale, &mut b, &mut s));
        assert_eq!(b, [375, 1000, 0, 1000, 0, 1000]);
        assert_eq!(s, [1 << 30, 1 << 32, -(1 << 32), 1 << 33, 0, 0]);
    }
}
