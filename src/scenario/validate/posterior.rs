//! `[posterior]`: parameters drawn jointly from a table of samples (what `heartland
//! calibrate` writes into a calibrated scenario). Every path must name a parameter, once;
//! every row must have one value per parameter, each inside that parameter's domain.

use super::{Path, Validator, did_you_mean, path, with, with_index};
use crate::model::param::{Joint, ParamId};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::PosteriorFile;

impl Validator {
    pub(super) fn posterior(&mut self, posterior: Option<&PosteriorFile>) {
        let Some(p) = posterior else { return };
        let at = path(&["posterior"]);
        let before = self.diags.len();
        let all: Vec<ParamId> = self.params.iter().map(|(id, _)| id).collect();
        let ids = self.param_paths(
            &with(&at, "parameters"),
            &p.parameters,
            &all,
            "the path of a number in the scenario, e.g. actors.kazakhstan.capability",
            |_, _| None,
        );
        if p.parameters.is_empty() {
            self.error(&with(&at, "parameters"), Diagnostic::new("", "a posterior names at least one parameter"));
        }
        if p.samples.is_empty() {
            self.error(&with(&at, "samples"), Diagnostic::new("", "a posterior needs at least one sample"));
        }
        for (r, row) in p.samples.iter().enumerate() {
            let key = with_index(&with(&at, "samples"), r);
            if row.len() != p.parameters.len() {
                self.error(
                    &key,
                    Diagnostic::new(
                        "",
                        format!("this sample has {} values for {} parameters", row.len(), p.parameters.len()),
                    )
                    .expected("one value per parameter, in the order of `parameters`"),
                );
                continue;
            }
            for (c, (x, name)) in row.iter().zip(&p.parameters).enumerate() {
                let Some(id) = self.params.find(name) else { continue };
                let domain = self.params.get(id).domain;
                if !domain.contains(*x) {
                    self.error(
                        &with_index(&key, c),
                        Diagnostic::new("", format!("{x} is outside the domain of `{name}`"))
                            .expected(domain.describe()),
                    );
                }
            }
        }
        if self.diags.len() == before {
            self.params.set_joint(Joint { ids, rows: p.samples.clone() });
        }
    }
}

impl Validator {
    /// The parameters a list of paths names (`at[i]` for the i-th), each once. A path that
    /// names no parameter is an error with a suggestion among `candidates`; one that names a
    /// parameter `reject` refuses (its name and id) is the error `reject` returns.
    pub(super) fn param_paths(
        &mut self,
        at: &Path,
        names: &[String],
        candidates: &[ParamId],
        expected: &str,
        reject: impl Fn(&str, ParamId) -> Option<Diagnostic>,
    ) -> Vec<ParamId> {
        let mut ids: Vec<ParamId> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let key = with_index(at, i);
            match self.params.find(name) {
                Some(id) if ids.contains(&id) => {
                    self.error(&key, Diagnostic::new("", format!("`{name}` is listed twice")));
                }
                Some(id) => match reject(name, id) {
                    Some(d) => self.error(&key, d),
                    None => ids.push(id),
                },
                None => {
                    let paths: Vec<String> = candidates.iter().map(|&id| self.params.get(id).path.clone()).collect();
                    self.error(
                        &key,
                        Diagnostic::new("", format!("`{name}` is not a parameter of the scenario"))
                            .expected(expected)
                            .help_opt(did_you_mean(name, paths.iter().map(String::as_str))),
                    );
                }
            }
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use crate::model::param::ParamId;
    use crate::scenario::Scenario;

    fn tiny_with(posterior: &str) -> Result<Scenario, crate::scenario::ScenarioError> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml");
        let text = std::fs::read_to_string(&path).unwrap() + posterior;
        Scenario::parse(&text, "tiny.toml")
    }

    /// Every run takes one of the rows, jointly; the rows are drawn after the other
    /// parameters, so the rest of the run's values are those of the scenario without them.
    #[test]
    fn runs_draw_whole_rows() {
        let sc = tiny_with(
            "\n[posterior]\nparameters = [\"actors.kazakhstan.capability\", \"actors.china.capability\"]\n\
             samples = [[0.041, 0.5], [0.059, 0.25]]\n",
        )
        .unwrap();
        let plain = tiny_with("").unwrap();
        let (k, c) = (
            sc.params.find("actors.kazakhstan.capability").unwrap(),
            sc.params.find("actors.china.capability").unwrap(),
        );
        assert_eq!(sc.params.uncertain().len(), plain.params.uncertain().len() + 1, "the fixed one joins");
        let mut seen = [false; 2];
        for run in 0..40 {
            let v = sc.params.sample(&mut crate::simulation::run_stream(3, run));
            let row = [v.get(k), v.get(c)];
            assert!(row == [0.041, 0.5] || row == [0.059, 0.25], "{row:?}");
            seen[usize::from(row[0] > 0.05)] = true;
            let w = plain.params.sample(&mut crate::simulation::run_stream(3, run));
            let others = |v: &crate::model::param::Values| {
                v.0.iter()
                    .enumerate()
                    .filter(|(i, _)| ![k, c].contains(&ParamId(*i as u32)))
                    .map(|(_, x)| *x)
                    .collect::<Vec<f64>>()
            };
            assert_eq!(others(&v), others(&w));
        }
        assert_eq!(seen, [true, true]);
    }

    #[test]
    fn bad_posteriors_are_located() {
        let e = tiny_with(
            "\n[posterior]\nparameters = [\"actors.kazakstan.capability\", \"actors.china.capability\"]\n\
             samples = [[0.041], [0.059, -1.5]]\n",
        )
        .unwrap_err();
        let d = e.diagnostics();
        let keys: Vec<&str> = d.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["posterior.parameters[0]", "posterior.samples[0]", "posterior.samples[1][1]"]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `actors.kazakhstan.capability`?"));
        assert!(d[1].message.contains("1 values for 2 parameters"));
        assert!(d[2].message.contains("-1.5 is outside the domain"), "{}", d[2].message);
        assert!(d.iter().all(|d| d.location.is_some()));
        let e = tiny_with("\n[posterior]\nparameters = []\nsamples = []\n").unwrap_err();
        assert_eq!(e.diagnostics().len(), 2);
    }
}
