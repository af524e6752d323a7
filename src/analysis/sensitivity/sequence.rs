//! The Sobol' low-discrepancy sequence in base 2, with optional scrambling.
//!
//! Points are generated in Gray-code order (Antonov and Saleev 1979), like SciPy's
//! `qmc.Sobol` and Joe and Kuo's reference program: point `i` is the XOR of the direction
//! numbers picked by the bits of `i ^ (i >> 1)`, so any point can be computed on its own in
//! O(dims · log i), and the first 2^m points form a (t, m, s)-net whatever the order. Values are
//! 32-bit binary fractions, exact in an `f64`.
//!
//! Scrambling is a random linear matrix scramble followed by a random digital shift (Matoušek
//! 1998), SciPy's `scramble=True`. It keeps the net property, moves the first point away from
//! the origin, and makes the design a random variable, so different seeds give independent
//! replicates of a quasi-Monte Carlo estimate.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::SensitivityError;
use super::joe_kuo::DIRECTIONS;

/// Most dimensions a sequence can have: those of the embedded Joe–Kuo table.
pub const MAX_DIMENSIONS: usize = DIRECTIONS.len() + 1;

/// Bits per coordinate: the sequence has 2³² distinct points.
const BITS: usize = 32;

/// Number of points the sequence has before it repeats.
pub const MAX_POINTS: u64 = 1 << BITS;

/// 2⁻³², the weight of the lowest bit of a coordinate.
const UNIT: f64 = 1.0 / 4_294_967_296.0;

/// A Sobol' sequence of a fixed dimension. Cheap to clone (dims × 32 words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SobolSequence {
    dims: usize,
    /// `directions[d * BITS + b]`: direction number `b + 1` of dimension `d`, as a 32-bit
    /// fraction with its first bit worth 1/2.
    directions: Vec<u32>,
    /// Digital shift of each dimension (zero when unscrambled).
    shift: Vec<u32>,
}

impl SobolSequence {
    /// The unscrambled sequence of `dims` dimensions (1 ≤ dims ≤ [`MAX_DIMENSIONS`]). Its first
    /// point is the origin; its points are SciPy's `qmc.Sobol(dims, scramble=False)` exactly.
    pub fn new(dims: usize) -> Result<SobolSequence, SensitivityError> {
        if dims == 0 {
            return Err(SensitivityError::NoParameters);
        }
        if dims > MAX_DIMENSIONS {
            return Err(SensitivityError::TooManyDimensions { dims, max: MAX_DIMENSIONS });
        }
        let mut directions = vec![0u32; dims * BITS];
        // Dimension 1 is the van der Corput sequence: v_b = 2^-(b+1).
        for (b, v) in directions[..BITS].iter_mut().enumerate() {
            *v = 1 << (BITS - 1 - b);
        }
        for d in 1..dims {
            let (s, a, m) = DIRECTIONS[d - 1];
            let s = s as usize;
            let v = &mut directions[d * BITS..(d + 1) * BITS];
            for j in 0..s.min(BITS) {
                v[j] = m[j] << (BITS - 1 - j);
            }
            // Joe and Kuo's recurrence: v_j = v_(j-s) ⊕ (v_(j-s) >> s) ⊕ Σ a_l v_(j-l).
            for j in s..BITS {
                let mut x = v[j - s] ^ (v[j - s] >> s);
                for l in 1..s {
                    if (a >> (s - 1 - l)) & 1 == 1 {
                        x ^= v[j - l];
                    }
                }
                v[j] = x;
            }
        }
        Ok(SobolSequence { dims, directions, shift: vec![0; dims] })
    }

    /// The sequence of `dims` dimensions, scrambled with draws from `rng`: per dimension a
    /// random lower-triangular binary matrix with unit diagonal applied to the direction numbers
    /// (a linear matrix scramble) and a random digital shift. Consumes `dims · 33` draws.
    pub fn scrambled(dims: usize, rng: &mut ChaCha8Rng) -> Result<SobolSequence, SensitivityError> {
        let mut seq = SobolSequence::new(dims)?;
        let mut rows = [0u32; BITS];
        for d in 0..dims {
            // Row p of the matrix gives output bit p (p = 0 worth 1/2) as the parity of the
            // input bits it selects: bit p itself and random bits of higher significance, so
            // each output digit depends only on the digits above it and the net is preserved.
            for (p, row) in rows.iter_mut().enumerate() {
                let diagonal = 1u32 << (BITS - 1 - p);
                let above = !(diagonal | (diagonal - 1));
                *row = diagonal | (rng.random::<u32>() & above);
            }
            for v in &mut seq.directions[d * BITS..(d + 1) * BITS] {
                let mut out = 0u32;
                for (p, row) in rows.iter().enumerate() {
                    out |= ((row & *v).count_ones() & 1) << (BITS - 1 - p);
                }
                *v = out;
            }
            seq.shift[d] = rng.random::<u32>();
        }
        Ok(seq)
    }

    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Coordinate `dim` of point `index` (0-based), in [0, 1).
    ///
    /// # Panics
    /// If `dim >= self.dims()` or `index >= MAX_POINTS`.
    #[inline]
    pub fn coordinate(&self, index: u64, dim: usize) -> f64 {
        f64::from(self.bits(index, dim)) * UNIT
    }

    /// Coordinate `dim` of point `index` as a 32-bit binary fraction.
    #[inline]
    fn bits(&self, index: u64, dim: usize) -> u32 {
        assert!(index < MAX_POINTS, "Sobol index {index} beyond the sequence's 2^32 points");
        let v = &self.directions[dim * BITS..(dim + 1) * BITS];
        let mut gray = index ^ (index >> 1);
        let mut x = self.shift[dim];
        while gray != 0 {
            x ^= v[gray.trailing_zeros() as usize];
            gray &= gray - 1;
        }
        x
    }

    /// Writes point `index` into `out` (length [`dims`](Self::dims)).
    ///
    /// # Panics
    /// If `out` has the wrong length or `index >= MAX_POINTS`.
    pub fn point(&self, index: u64, out: &mut [f64]) {
        assert_eq!(out.len(), self.dims, "point buffer has the wrong length");
        for (d, x) in out.iter_mut().enumerate() {
            *x = self.coordinate(index, d);
        }
    }

    /// Writes `count` consecutive points from `start` into `out` (row-major, `count × dims`),
    /// stepping from each point to the next by one XOR per coordinate.
    ///
    /// # Panics
    /// If `out` has the wrong length or the points run past [`MAX_POINTS`].
    pub fn fill(&self, start: u64, count: usize, out: &mut [f64]) {
        assert_eq!(out.len(), count * self.dims, "points buffer has the wrong length");
        assert!(start + count as u64 <= MAX_POINTS, "Sobol points beyond the sequence's 2^32");
        if count == 0 {
            return;
        }
        let mut state: Vec<u32> = (0..self.dims).map(|d| self.bits(start, d)).collect();
        for (i, row) in out.chunks_exact_mut(self.dims).enumerate() {
            if i > 0 {
                // From point n-1 to n in Gray-code order, flip the direction number indexed by
                // the lowest zero bit of n-1.
                let bit = (start + i as u64 - 1).trailing_ones() as usize;
                for (d, s) in state.iter_mut().enumerate() {
                    *s ^= self.directions[d * BITS + bit];
                }
            }
            for (x, &s) in row.iter_mut().zip(&state) {
                *x = f64::from(s) * UNIT;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The first eight points in eight dimensions, as printed by Joe and Kuo's program and by
    /// SciPy's `qmc.Sobol(8, scramble=False).random(8)`.
    #[test]
    fn first_points_match_published_values() {
        let expected: [[f64; 8]; 8] = [
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75],
            [0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25],
            [0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875],
            [0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375],
            [0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125],
            [0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625],
        ];
        let seq = SobolSequence::new(8).unwrap();
        let mut filled = vec![0.0; 64];
        seq.fill(0, 8, &mut filled);
        let mut point = [0.0; 8];
        for (i, row) in expected.iter().enumerate() {
            seq.point(i as u64, &mut point);
            assert_eq!(&point, row, "point {i}");
            assert_eq!(&filled[i * 8..(i + 1) * 8], row, "filled point {i}");
        }
    }

    /// Points deep in the sequence and in high dimensions exercise the recurrence and the
    /// transcription of the whole table. Reference: SciPy 1.17
    /// `qmc.Sobol(256, scramble=False, bits=32).random(4096)`, rows 1000 and 4095, columns
    /// 19, 63, 127, 200, 254 and 255 (0-based), as integers × 2³².
    #[test]
    fn deep_points_match_scipy() {
        let seq = SobolSequence::new(MAX_DIMENSIONS).unwrap();
        let dims = [19, 63, 127, 200, 254, 255];
        let cases: [(u64, [u32; 6]); 2] = [
            (1000, [3116367872, 1916796928, 2336227328, 3233808384, 1866465280, 1069547520]),
            (4095, [2238709760, 2377121792, 1123024896, 730857472, 1274019840, 2632974336]),
        ];
        for (index, want) in cases {
            for (&d, &w) in dims.iter().zip(&want) {
                assert_eq!(seq.coordinate(index, d), f64::from(w) * UNIT, "point {index} dim {d}");
            }
        }
        let mut filled = vec![0.0; 2 * MAX_DIMENSIONS];
        seq.fill(4094, 2, &mut filled);
        assert_eq!(filled[MAX_DIMENSIONS + 255], f64::from(2632974336u32) * UNIT);
    }

    /// Every tabulated row is well formed: m_j odd and below 2^j, `a` within s − 1 bits.
    #[test]
    fn direction_table_is_well_formed() {
        for (row, &(s, a, m)) in DIRECTIONS.iter().enumerate() {
            assert_eq!(m.len(), s as usize, "dimension {}", row + 2);
            assert!(a < 1 << (s - 1), "dimension {}", row + 2);
            for (j, &mj) in m.iter().enumerate() {
                assert!(mj % 2 == 1 && mj < 1 << (j + 1), "dimension {} m_{}", row + 2, j + 1);
            }
        }
    }

    /// Scrambling keeps the net property: 2^m points put exactly one coordinate in each of the
    /// 2^m equal intervals of every dimension (m = 10, 12 dimensions), and the first two
    /// dimensions, a (0, m, 2)-net, one point in each square of side 2^(−m/2). The scramble is a
    /// function of the generator's state.
    #[test]
    fn scrambled_points_stay_stratified() {
        let m = 10;
        let n = 1usize << m;
        let dims = 12;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let seq = SobolSequence::scrambled(dims, &mut rng).unwrap();
        let mut pts = vec![0.0; n * dims];
        seq.fill(0, n, &mut pts);
        for d in 0..dims {
            let mut seen = vec![false; n];
            for i in 0..n {
                let x = pts[i * dims + d];
                assert!((0.0..1.0).contains(&x));
                let cell = (x * n as f64) as usize;
                assert!(!seen[cell], "dimension {d}: two points in stratum {cell}");
                seen[cell] = true;
            }
        }
        // Two-dimensional strata of the first pair: 2^m cells of (1/2^(m/2))², one point each,
        // as for the unscrambled sequence (dimensions 1 and 2 form a (0, m, 2)-net).
        let side = 1usize << (m / 2);
        let mut seen = vec![false; n];
        for i in 0..n {
            let cell = (pts[i * dims] * side as f64) as usize * side + (pts[i * dims + 1] * side as f64) as usize;
            assert!(!seen[cell], "two points in cell {cell}");
            seen[cell] = true;
        }
        assert_ne!(pts[0], 0.0, "scrambling moves the first point off the origin");
        let other = SobolSequence::scrambled(dims, &mut ChaCha8Rng::seed_from_u64(8)).unwrap();
        assert_ne!(other, seq);
        let again = SobolSequence::scrambled(dims, &mut ChaCha8Rng::seed_from_u64(7)).unwrap();
        assert_eq!(again, seq, "a scramble is a function of the seed");
    }

    #[test]
    fn rejects_impossible_dimensions() {
        assert_eq!(SobolSequence::new(0), Err(SensitivityError::NoParameters));
        assert_eq!(
            SobolSequence::new(MAX_DIMENSIONS + 1),
            Err(SensitivityError::TooManyDimensions { dims: MAX_DIMENSIONS + 1, max: MAX_DIMENSIONS })
        );
    }
}
