//! `[state.NAME]`: the state variables, their range, initial value, and the target (with its
//! drivers) they relax toward.

use indexmap::IndexMap;

use super::{Validator, path, with};
use crate::model::issue::Linear;
use crate::model::metric::Names;
use crate::model::param::{Domain, show};
use crate::scenario::StateVar;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::StateVarFile;

impl Validator {
    pub(super) fn state(&mut self, vars: &IndexMap<String, StateVarFile>, names: &Names<'_>) -> Vec<StateVar> {
        vars.iter().map(|(id, s)| self.within(&["state", id], &s.source, |v| v.state_var(id, s, names))).collect()
    }

    fn state_var(&mut self, id: &str, s: &StateVarFile, names: &Names<'_>) -> StateVar {
        let at = path(&["state", id]);
        let (min, max) = (s.min, s.max);
        let ok_range = Domain::Real.contains(min) && Domain::Real.contains(max) && min < max;
        if !ok_range {
            self.error(
                &with(&at, "max"),
                Diagnostic::new("", format!("the range [{}, {}] is empty or not finite", show(min), show(max)))
                    .expected("numbers from -1e6 to 1e6 with min < max"),
            );
        }
        let range = if ok_range { Domain::Range(min, max) } else { Domain::Real };
        let initial = self.param(&with(&at, "initial"), &s.initial, range);
        // The target sits under `target`; its drivers are a sibling table in the file.
        let base = self.opt_param(&with(&at, "target"), s.target.as_ref(), Domain::Real);
        let at_d = with(&at, "drivers");
        let terms = s
            .drivers
            .iter()
            .filter_map(|(m, p)| {
                let at_m = with(&at_d, m);
                let metric = self.metric(&at_m, m, names, true)?;
                Some((metric, self.param(&at_m, p, Domain::Real)))
            })
            .collect();
        if s.rate.is_some() && s.target.is_none() && s.drivers.is_empty() {
            self.error(
                &with(&at, "rate"),
                Diagnostic::new("", "`rate` without a `target` or `drivers` has nothing to move toward")
                    .help("add `target = ...`"),
            );
        }
        if s.rate.is_none() && (s.target.is_some() || !s.drivers.is_empty()) {
            self.error(
                &at,
                Diagnostic::new("", format!("state `{id}` has a target but no `rate`, so it never moves toward it"))
                    .help("add `rate = ...` (the per-year fraction of the gap closed)"),
            );
        }
        let rate = self.opt_param(&with(&at, "rate"), s.rate.as_ref(), Domain::UNIT);
        let width = if ok_range { max - min } else { 1.0 };
        let volatility = self.opt_param(&with(&at, "volatility"), s.volatility.as_ref(), Domain::Range(0.0, width));
        StateVar {
            id: id.to_string(),
            label: s.label.clone().unwrap_or_else(|| id.to_string()),
            initial,
            min,
            max,
            target: Linear { base, terms },
            rate,
            volatility,
            source: s.source.clone(),
        }
    }
}
