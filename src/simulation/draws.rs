//! A turn's draws: one uniform number per decider, from the run's stream.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Fills `out` with uniform draws in [0, 1), exactly as as many calls of `rng.random::<f64>()`
/// would one after the other (the top 53 bits of each `u64` the stream gives, scaled by
/// 2⁻⁵³), leaving the stream where they would: its bytes in one call (`bytes` is scratch of
/// eight per draw), without a check for the end of the generator's block at every draw.
pub(super) fn uniform_draws(rng: &mut ChaCha8Rng, bytes: &mut [u8], out: &mut [f64]) {
    rng.fill_bytes(bytes);
    // Exact at any width: the integers are below 2⁵³.
    crate::simd::widest_vectors(Uniforms(bytes, out));
}

/// The conversion of [`uniform_draws`]: the stream's bytes, eight per draw, and the draws.
struct Uniforms<'a>(&'a [u8], &'a mut [f64]);

impl crate::simd::Loop for Uniforms<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        uniforms(self.0, self.1);
    }
}

#[inline(always)]
fn uniforms(bytes: &[u8], out: &mut [f64]) {
    for (u, word) in out.iter_mut().zip(bytes.chunks_exact(8)) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        *u = (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The draws at once are the draws one by one, and leave the stream where those would,
    /// from any position (the generator's blocks are 64 words: lengths and starts across them).
    #[test]
    fn draws_at_once_are_draws_one_by_one() {
        for (before, len) in [(0, 0), (0, 1), (0, 32), (3, 29), (31, 2), (5, 256), (40, 300), (1, 33)] {
            let mut one = ChaCha8Rng::seed_from_u64(11);
            one.set_word_pos(super::super::DYNAMICS_WORD_OFFSET);
            for _ in 0..before {
                let _: f64 = one.random();
            }
            let mut all = one.clone();
            let expected: Vec<f64> = (0..len).map(|_| one.random()).collect();
            let (mut bytes, mut draws) = (vec![0; 8 * len], vec![0.0; len]);
            super::uniform_draws(&mut all, &mut bytes, &mut draws);
            // The conversion at every width the processor has is the same.
            for width in crate::simd::widths() {
                let mut at_width = vec![0.0; len];
                crate::simd::at(width, super::Uniforms(&bytes, &mut at_width));
                assert_eq!(draws, at_width, "{width:?}");
            }
            assert_eq!(
                draws.iter().map(|u| u.to_bits()).collect::<Vec<_>>(),
                expected.iter().map(|u| u.to_bits()).collect::<Vec<_>>()
            );
            assert_eq!(all.next_u64(), one.next_u64(), "{before} then {len}");
            assert_eq!(all.get_word_pos(), one.get_word_pos());
        }
    }
}
