//! The utility pass of a turn over every dyad's deciders, flat: one loop over per-decider
//! arrays instead of issues, slots and deciders nested, so that it runs in vectors.
//!
//! A decider `e` of a dyad weighs cooperating by
//! `x = λ · (h · (σ · (q·(R − T) + (1 − q)·(S − P)) − c) + sq + rev)`, with `q` its trust in the
//! partner and `c = pressure + upkeep` what a yes vote costs it (docs/MODEL.md §3.5); the nested
//! pass computed exactly these operations in this order, so the results are the same bit for
//! bit.

/// One turn's inputs to [`dyadic_utilities`], one entry per decider unless said otherwise.
pub(super) struct DyadicInputs<'a> {
    /// The trust cell `a·n + partner` of the decider `a` (0 for a public good's decider, whose
    /// entries the caller overwrites).
    pub(super) cell: &'a [u32],
    /// Rationality `λ` of the decider's actor.
    pub(super) lambda: &'a [f64],
    /// Years `h` of the flows the decider weighs.
    pub(super) horizon: &'a [f64],
    /// `R − T` and `S − P` of the decider's interest-weighted payoffs.
    pub(super) reward_gap: &'a [f64],
    pub(super) sucker_gap: &'a [f64],
    /// The decider's upkeep of an arrangement, per year (0 for other issues).
    pub(super) upkeep: &'a [f64],
    /// This turn's salience `σ` and status quo `sq` of the decider's issue.
    pub(super) salience: &'a [f64],
    pub(super) status_quo: &'a [f64],
    /// The commitment the start revealed (0 where none).
    pub(super) revealed: &'a [f64],
    /// Per trust cell: trust, and this turn's pressure against dealing.
    pub(super) trust: &'a [f64],
    pub(super) pressure: &'a [f64],
}

/// Writes each decider's cost of a yes vote to `cost` and its `λ·Δu` to `x`, over the
/// shortest of the per-decider slices.
///
/// In the widest vectors the processor has ([`crate::simd`]): element by element the same
/// IEEE operations, so the same numbers at every width.
///
/// The cells come from the compiled model, which lays them out inside the trust table: a cell
/// outside it is a bug, caught by debug builds (release builds read the last cell rather than
/// check every cell every turn, which cost more than the pass's arithmetic).
pub(super) fn dyadic_utilities(inputs: &DyadicInputs<'_>, cost: &mut [f64], x: &mut [f64]) {
    let cells = inputs.trust.len().min(inputs.pressure.len());
    debug_assert!(inputs.cell.iter().all(|&c| (c as usize) < cells), "a trust cell out of range");
    crate::simd::widest_vectors(Dyadic { inputs, cost, x });
}

/// The loop of [`dyadic_utilities`].
struct Dyadic<'a, 'b> {
    inputs: &'b DyadicInputs<'a>,
    cost: &'b mut [f64],
    x: &'b mut [f64],
}

impl crate::simd::Loop for Dyadic<'_, '_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        dyadic(self.inputs, self.cost, self.x);
    }
}

#[inline(always)]
fn dyadic(i: &DyadicInputs<'_>, cost: &mut [f64], x: &mut [f64]) {
    let len = [i.cell.len(), i.lambda.len(), i.horizon.len(), i.reward_gap.len(), i.sucker_gap.len()]
        .into_iter()
        .chain([i.upkeep.len(), i.salience.len(), i.status_quo.len(), i.revealed.len(), cost.len(), x.len()])
        .min()
        .unwrap_or(0);
    let cells = i.trust.len().min(i.pressure.len());
    if cells == 0 {
        return;
    }
    // Every slice cut to its length here, so that the loop's loads need no bounds checks and
    // it runs in vectors.
    let (trust, pressure) = (&i.trust[..cells], &i.pressure[..cells]);
    let (cell, lambda, horizon) = (&i.cell[..len], &i.lambda[..len], &i.horizon[..len]);
    let (reward_gap, sucker_gap, upkeep) = (&i.reward_gap[..len], &i.sucker_gap[..len], &i.upkeep[..len]);
    let (salience, status_quo, revealed) = (&i.salience[..len], &i.status_quo[..len], &i.revealed[..len]);
    let (cost, x) = (&mut cost[..len], &mut x[..len]);
    for e in 0..len {
        // In range: checked by the caller, and bounded again so the loads need no branch.
        let c = (cell[e] as usize).min(cells - 1);
        let q = trust[c];
        let advantage = salience[e] * (q * reward_gap[e] + (1.0 - q) * sucker_gap[e]);
        let c_yes = pressure[c] + upkeep[e];
        cost[e] = c_yes;
        x[e] = lambda[e] * (horizon[e] * (advantage - c_yes) + status_quo[e] + revealed[e]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decision::dyadic_advantage;

    /// The flat pass at every vector width the processor has gives what the formula gives
    /// decider by decider, bit for bit, at lengths that leave remainders for every width.
    #[test]
    fn the_flat_pass_is_the_formula_decider_by_decider() {
        let n = 97;
        let f = |i: usize, k: u64| ((i as u64 * 2_654_435_761 + k * 40_503) % 10_007) as f64 / 10_007.0;
        let trust: Vec<f64> = (0..n).map(|i| f(i, 1)).collect();
        let pressure: Vec<f64> = (0..n).map(|i| f(i, 2) * 0.3).collect();
        for len in [0, 1, 3, 7, 13, 260] {
            let cell: Vec<u32> = (0..len).map(|e| ((e * 37) % n) as u32).collect();
            let col = |k: u64, scale: f64, shift: f64| (0..len).map(|e| f(e, k) * scale - shift).collect::<Vec<f64>>();
            let (lambda, horizon, rg, sg) = (col(3, 20.0, 0.0), col(4, 10.0, 0.0), col(5, 2.0, 1.0), col(6, 2.0, 1.0));
            let (upkeep, sal, sq, rev) = (col(7, 0.1, 0.0), col(8, 1.5, 0.0), col(9, 1.0, 0.5), col(10, 0.2, 0.0));
            let inputs = DyadicInputs {
                cell: &cell,
                lambda: &lambda,
                horizon: &horizon,
                reward_gap: &rg,
                sucker_gap: &sg,
                upkeep: &upkeep,
                salience: &sal,
                status_quo: &sq,
                revealed: &rev,
                trust: &trust,
                pressure: &pressure,
            };
            for width in crate::simd::widths() {
                let (mut cost, mut x) = (vec![f64::NAN; len], vec![f64::NAN; len]);
                crate::simd::at(width, Dyadic { inputs: &inputs, cost: &mut cost, x: &mut x });
                for e in 0..len {
                    let c = cell[e] as usize;
                    // R − T and S − P from payoffs with those gaps: T = 0, P = 0.
                    let advantage = dyadic_advantage(sal[e], trust[c], rg[e], sg[e], 0.0, 0.0);
                    let want_cost = pressure[c] + upkeep[e];
                    let want_x = lambda[e] * (horizon[e] * (advantage - want_cost) + sq[e] + rev[e]);
                    assert_eq!(cost[e].to_bits(), want_cost.to_bits(), "{width:?}: cost of {e}");
                    assert_eq!(x[e].to_bits(), want_x.to_bits(), "{width:?}: x of {e}");
                }
            }
        }
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "a trust cell out of range")]
    fn a_cell_outside_the_trust_table_is_refused() {
        let one = [1.0];
        let inputs = DyadicInputs {
            cell: &[1],
            lambda: &one,
            horizon: &one,
            reward_gap: &one,
            sucker_gap: &one,
            upkeep: &one,
            salience: &one,
            status_quo: &one,
            revealed: &one,
            trust: &one,
            pressure: &one,
        };
        dyadic_utilities(&inputs, &mut [0.0], &mut [0.0]);
    }
}
