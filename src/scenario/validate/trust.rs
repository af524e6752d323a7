//! `[trust.A]` and `model.trust`: each state's initial trust in every other actor. An
//! organization has none of its own (its members' weighted mean stands in).

use super::{Validator, path, with};
use crate::model::actor::Actor;
use crate::model::param::{Domain, ParamId};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::ScenarioFile;

impl Validator {
    /// Initial trust, `n × n` row-major, `None` on the diagonal.
    pub(super) fn trust(&mut self, f: &ScenarioFile, actors: &[Actor], actor_ids: &[String]) -> Vec<Option<ParamId>> {
        let n = actors.len();
        let default_trust = self.param_or(&path(&["model", "trust"]), f.model.trust.as_ref(), None, 0.5, Domain::UNIT);
        let mut trust: Vec<Option<ParamId>> = (0..n * n).map(|i| (i / n != i % n).then_some(default_trust)).collect();
        for (a, row) in &f.trust {
            let at = path(&["trust", a]);
            let Some(ai) = self.resolve_actor_key(&at, a, actor_ids) else { continue };
            if let Some(org) = &actors[ai].organization {
                let members: Vec<&str> = org.members.iter().map(|m| actor_ids[m.0].as_str()).collect();
                self.error_on_key(&at, org_trust_error(a, &members));
                continue;
            }
            for (b, p) in row {
                let at_b = with(&at, b);
                let Some(bi) = self.resolve_actor_key(&at_b, b, actor_ids) else {
                    continue;
                };
                if ai == bi {
                    self.error_on_key(
                        &at_b,
                        Diagnostic::new("", format!("`{a}` cannot be given trust in itself"))
                            .help("an actor's trust in itself is always 1; remove this line"),
                    );
                    continue;
                }
                trust[ai * n + bi] = Some(self.param(&at_b, p, Domain::UNIT));
            }
        }
        trust
    }
}

pub(super) fn org_trust_error(org: &str, members: &[&str]) -> Diagnostic {
    Diagnostic::new("", format!("organization `{org}` has no trust of its own")).help(format!(
        "an organization's trust in others is its members' weighted mean: give trust to its members ({})",
        members.join(", ")
    ))
}
