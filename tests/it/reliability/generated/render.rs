//! A generated [`Spec`](super::Spec) written out as scenario text, clean or with its faults.

use super::*;

/// Writes a number as TOML.
fn toml_f64(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        let s = format!("{x:?}");
        if s.contains(['.', 'e']) { s } else { format!("{s}.0") }
    }
}

fn misspell(name: &str) -> String {
    let mut s: String = name.chars().take(1).collect();
    s.extend(name.chars().skip(2));
    s
}

/// Renders a [`Spec`] as scenario text.
struct Render<'a> {
    spec: &'a Spec,
    actors: Vec<String>,
    states: Vec<String>,
    vars: Vec<String>,
    issues: Vec<String>,
    /// The spec's index of each rendered issue.
    kept: Vec<usize>,
    dims: Vec<String>,
    out: String,
    /// Fault sites met so far: a hostile case keeps one site in `spec.sparsity`.
    sites: std::cell::Cell<u64>,
}

impl Render<'_> {
    /// Whether to write this site cleanly: always in a clean case; in a hostile case, all
    /// but one site in `sparsity`, so that some hostile cases carry one fault, or none.
    fn clean(&self) -> bool {
        let n = self.sites.get();
        self.sites.set(n + 1);
        self.spec.clean || !(n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32).is_multiple_of(self.spec.sparsity)
    }

    fn num(&self, n: &Num, d: Dom) -> String {
        let (lo, hi) = d.typical();
        match n {
            Num::Mid(u) => toml_f64(((lo + u * (hi - lo)) * 1000.0).round() / 1000.0),
            Num::Edge(high) => {
                if *high {
                    toml_f64(d.hi)
                } else if d.positive {
                    "1e-9".into()
                } else {
                    toml_f64(d.lo)
                }
            }
            Num::Wild(i) if !self.clean() => WILD[*i].into(),
            Num::Wild(_) => toml_f64((lo + hi) / 2.0),
        }
    }

    /// A value strictly inside `(lo, hi)` of the typical range, for distribution arguments.
    fn inner(&self, n: &Num, d: Dom) -> f64 {
        let (lo, hi) = d.typical();
        match n {
            Num::Mid(u) => lo + (0.05 + 0.9 * u) * (hi - lo),
            _ => (lo + hi) / 2.0,
        }
    }

    fn param(&self, p: &Param, d: Dom) -> String {
        let (lo, hi) = d.typical();
        match p {
            Param::Fixed(n) => self.num(n, d),
            Param::Table(n) => format!("{{ value = {}, source = \"generated\" }}", self.num(n, d)),
            Param::Uniform(a, b) if self.clean() => {
                let (a, b) = (self.inner(a, d), self.inner(b, d));
                let (l, h) = if a < b {
                    (a, b)
                } else if b < a {
                    (b, a)
                } else {
                    (lo, hi)
                };
                format!("{{ dist = \"uniform\", low = {}, high = {} }}", toml_f64(l), toml_f64(h))
            }
            Param::Uniform(a, b) => {
                format!("{{ dist = \"uniform\", low = {}, high = {} }}", self.num(a, d), self.num(b, d))
            }
            Param::Normal(m, sd) => {
                let mean = if self.clean() { toml_f64(self.inner(m, d)) } else { self.num(m, d) };
                let sd =
                    if self.clean() { toml_f64(0.01 + self.inner(sd, Dom::UNIT)) } else { self.num(sd, Dom::UNIT) };
                format!(
                    "{{ dist = \"normal\", mean = {mean}, sd = {sd}, low = {}, high = {} }}",
                    toml_f64(lo),
                    toml_f64(hi)
                )
            }
            Param::Triangular(a, b, c) if self.clean() => {
                let mut v = [self.inner(a, d), self.inner(b, d), self.inner(c, d)];
                v.sort_by(f64::total_cmp);
                if v[0] == v[2] {
                    v = [lo, (lo + hi) / 2.0, hi];
                }
                format!("{{ dist = \"triangular\", low = {}, mode = {}, high = {} }}", v[0], v[1], v[2])
            }
            Param::Triangular(a, b, c) => format!(
                "{{ dist = \"triangular\", low = {}, mode = {}, high = {} }}",
                self.num(a, d),
                self.num(b, d),
                self.num(c, d)
            ),
            Param::Beta(a, b) => {
                let shape = Dom { lo: 0.0, hi: 5.0, positive: true };
                let (a, b) = if self.clean() {
                    (toml_f64(self.inner(a, shape)), toml_f64(self.inner(b, shape)))
                } else {
                    (self.num(a, shape), self.num(b, shape))
                };
                format!(
                    "{{ dist = \"beta\", alpha = {a}, beta = {b}, low = {}, high = {} }}",
                    toml_f64(lo),
                    toml_f64(hi)
                )
            }
            Param::Choice(values) if self.clean() && values.is_empty() => self.num(&Num::Mid(0.5), d),
            Param::Choice(values) => {
                let v: Vec<String> = values.iter().map(|n| self.num(n, d)).collect();
                format!("{{ dist = \"choice\", values = [{}] }}", v.join(", "))
            }
        }
    }

    fn name(&self, r: Ref, pool: &[String]) -> String {
        if pool.is_empty() {
            return "nothing".into();
        }
        let name = &pool[r.idx % pool.len()];
        if r.typo && !self.clean() { misspell(name) } else { name.clone() }
    }

    /// A metric path of the kind asked for, falling back to one that exists.
    fn metric(&self, m: &MetricRef, outcomes: usize) -> String {
        let s = &self.states;
        let kind = match m.kind {
            0 if !self.vars.is_empty() => 0,
            2..=4 if !self.issues.is_empty() => m.kind,
            5 if self.spec.influence.is_some() => 5,
            6 if outcomes > 0 => 6,
            _ => 1,
        };
        match kind {
            0 => format!("state.{}", self.name(m.a, &self.vars)),
            2 => format!("coop.{}", self.name(m.a, &self.issues)),
            3 => format!("coop_rate.{}", self.name(m.a, &self.issues)),
            4 => {
                // A participant of the issue: its sides as rendered.
                let i = m.a.idx % self.issues.len();
                let parts = self.participants(i);
                format!("coop_rate.{}.{}", self.issues[i], self.name(m.b, &parts))
            }
            5 => {
                let (client, patrons) = self.influence_rows();
                format!("influence.security.{client}.{}", self.name(m.b, &patrons))
            }
            6 => {
                let ids: Vec<String> = (0..outcomes).map(|i| format!("o{i}")).collect();
                format!("outcome.{}", self.name(m.a, &ids))
            }
            _ => {
                let a = self.name(m.a, s);
                let others: Vec<String> = self.actors.iter().filter(|x| **x != a).cloned().collect();
                format!("trust.{a}.{}", self.name(m.b, &others))
            }
        }
    }

    fn participants(&self, issue: usize) -> Vec<String> {
        match &self.spec.issues[self.kept[issue]] {
            IssueSpec::Dyadic { sides, .. } => {
                let (a, b) = self.sides(*sides);
                vec![a, b]
            }
            IssueSpec::PublicGood { participants, .. } => self.distinct(participants, &self.actors),
        }
    }

    fn sides(&self, (a, b): (Ref, Ref)) -> (String, String) {
        let x = self.name(a, &self.actors);
        let mut y = self.name(b, &self.actors);
        if self.clean() && x == y {
            y = self.actors.iter().find(|n| **n != x).expect("at least two actors").clone();
        }
        (x, y)
    }

    fn distinct(&self, refs: &[Ref], pool: &[String]) -> Vec<String> {
        let mut v: Vec<String> = refs.iter().map(|r| self.name(*r, pool)).collect();
        if self.clean() {
            let mut seen = Vec::new();
            v.retain(|n| {
                let fresh = !seen.contains(n);
                seen.push(n.clone());
                fresh
            });
        }
        v
    }

    fn influence_rows(&self) -> (String, Vec<String>) {
        let (client, patrons) = self.spec.influence.as_ref().expect("asked only when present");
        let client = self.name(*client, &self.states);
        let pool: Vec<String> = self.actors.iter().filter(|a| **a != client).cloned().collect();
        let patrons = patrons.iter().map(|(r, _)| *r).collect::<Vec<_>>();
        (client, self.distinct(&patrons, &pool))
    }

    fn date(&self, turn: usize) -> String {
        match self.spec.step {
            1 => format!("{}-{:02}", 2014 + turn / 12, 1 + turn % 12),
            2 => format!("{}", 2014 + turn),
            _ => format!("{}-Q{}", 2014 + turn / 4, 1 + turn % 4),
        }
    }

    fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    fn conds(&self, conds: &[Cond], outcomes: usize) -> String {
        let v: Vec<String> = conds
            .iter()
            .map(|c| {
                let side = if c.above { "above" } else { "below" };
                format!(
                    "{{ metric = \"{}\", {side} = {} }}",
                    self.metric(&c.metric, outcomes),
                    self.num(&c.threshold, Dom::UNIT)
                )
            })
            .collect();
        format!("[{}]", v.join(", "))
    }
}

pub(super) fn render(spec: &Spec) -> String {
    let n_orgs = spec.orgs.len().min(ORGS.len());
    let states: Vec<String> = STATES.iter().take(spec.states.len()).map(|s| s.to_string()).collect();
    let mut actors = states.clone();
    actors.extend(ORGS.iter().take(n_orgs).map(|s| s.to_string()));
    let vars: Vec<String> = VARS.iter().take(spec.vars.len()).map(|s| s.to_string()).collect();
    let mut r = Render {
        spec,
        actors,
        states,
        vars,
        issues: Vec::new(),
        kept: Vec::new(),
        sites: std::cell::Cell::new(0),
        dims: DIMS.iter().take(spec.dims).map(|s| s.to_string()).collect(),
        out: String::new(),
    };
    // Issues a clean case cannot make valid are left out, so names are settled first.
    let keep: Vec<bool> = spec
        .issues
        .iter()
        .map(|i| match i {
            IssueSpec::PublicGood { participants, .. } if r.clean() => {
                !r.vars.is_empty() && r.distinct(participants, &r.actors).len() >= 2
            }
            _ => true,
        })
        .collect();
    r.kept = (0..spec.issues.len()).filter(|i| keep[*i]).collect();
    r.issues = r.kept.iter().map(|i| format!("i{i}")).collect();
    let fault = if spec.clean { None } else { spec.fault };
    let outcomes = spec.outcomes.len();

    let dims = r.dims.iter().map(|d| format!("\"{d}\"")).collect::<Vec<_>>().join(", ");
    if fault != Some(0) {
        r.line(format!("dimensions = [{dims}]"));
    }
    let (start, step) = match spec.step {
        1 => ("2014-01", "month"),
        2 => ("2014", "year"),
        3 if fault.is_some() => ("2014-Q1", "fortnight"),
        _ => ("2014-Q1", "quarter"),
    };
    let end = if fault == Some(1) { "2013-Q4".to_string() } else { r.date(spec.turns - 1) };
    r.line("[scenario]");
    r.line("name = \"Generated\"");
    r.line("description = \"A scenario built by the property tests.\"");
    r.line(format!("start = \"{start}\"\nend = \"{end}\"\nstep = \"{step}\""));
    r.line(if fault == Some(2) { "runs = \"many\"" } else { "runs = 3" });
    r.line("[model]");
    let window = if r.clean() { spec.window.clamp(1, 64) } else { spec.window };
    r.line(format!("cooperation_window = {window}"));
    if let Some(p) = &spec.model_trust {
        r.line(format!("trust = {}", r.param(p, Dom::UNIT)));
    }
    if let Some(p) = &spec.relaxation {
        r.line(format!("influence_relaxation = {}", r.param(p, Dom::UNIT)));
    }
    r.line("[defaults.behaviour]");
    for (k, p) in dedupe(r.clean(), &spec.defaults) {
        let (key, dom) = BEHAVIOUR[*k];
        r.line(format!("{key} = {}", r.param(p, dom)));
    }

    if fault != Some(3) {
        for (i, s) in spec.states.iter().enumerate() {
            let id = &r.states[i];
            r.line(format!("[actors.{id}]\nkind = \"state\""));
            r.line(format!("capability = {}", r.param(&s.capability, Dom::POSITIVE)));
            let interests: Vec<String> = s
                .interests
                .iter()
                .map(|(d, p)| {
                    let dim = if *d < r.dims.len() || r.clean() {
                        r.dims[d % r.dims.len()].clone()
                    } else {
                        "prestige".into()
                    };
                    format!("{dim} = {}", r.param(p, Dom::NON_NEG))
                })
                .collect();
            let interests = if r.clean() { dedupe_text(interests) } else { interests };
            r.line(format!("interests = {{ {} }}", interests.join(", ")));
            let behaviour: Vec<String> = dedupe(r.clean(), &s.behaviour)
                .map(|(k, p)| format!("{} = {}", BEHAVIOUR[*k].0, r.param(p, BEHAVIOUR[*k].1)))
                .collect();
            r.line(format!("behaviour = {{ {} }}", behaviour.join(", ")));
        }
    }
    for (i, o) in spec.orgs.iter().take(n_orgs).enumerate() {
        let id = ORGS[i];
        r.line(format!("[actors.{id}]\nkind = \"organization\""));
        let mut members = r.distinct(&o.members, &r.states);
        if let (Some(m), false) = (o.org_member, r.clean()) {
            members.push(r.actors[r.states.len() + m.idx % n_orgs].clone());
        }
        let quoted = |v: &[String]| v.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ");
        r.line(format!("members = [{}]", quoted(&members)));
        let rule = ["consensus", "weighted", "leader"][o.rule];
        r.line(format!("rule = \"{rule}\""));
        if o.rule == 2 || !r.clean() {
            let leader =
                if r.clean() { members[o.leader.idx % members.len()].clone() } else { r.name(o.leader, &r.states) };
            if o.rule == 2 || o.leader.typo {
                r.line(format!("leader = \"{leader}\""));
            }
        }
        if o.rule == 1 || !r.clean() {
            if let Some(t) = &o.threshold {
                r.line(format!("threshold = {}", r.num(t, Dom::UNIT)));
            }
            if let Some(v) = &o.veto {
                let veto = if r.clean() { r.distinct(v, &members) } else { r.distinct(v, &r.states) };
                r.line(format!("veto = [{}]", quoted(&veto)));
            }
        }
        if let Some(w) = &o.weights
            && (!r.clean() || w.len() >= members.len())
        {
            let pairs: Vec<String> =
                members.iter().zip(w).map(|(m, p)| format!("{m} = {}", r.param(p, Dom::NON_NEG))).collect();
            // All-zero weights cannot be normalised; a clean case gives the first a share.
            let pairs = if r.clean() && !pairs.is_empty() {
                let mut p = pairs;
                p[0] = format!("{} = 1.0", members[0]);
                p
            } else {
                pairs
            };
            r.line(format!("weights = {{ {} }}", pairs.join(", ")));
        }
        if let Some(c) = &o.capability {
            r.line(format!("capability = {}", r.param(c, Dom::POSITIVE)));
        }
        if let Some(p) = &o.pressure {
            r.line(format!("behaviour = {{ pressure = {} }}", r.param(p, Dom::NON_NEG)));
        }
    }

    r.line("[trust]");
    let mut pairs = Vec::new();
    for (a, b, p) in &spec.trust {
        let a = r.name(*a, &r.states);
        let b = r.name(*b, &r.actors);
        if r.clean() && (a == b || pairs.contains(&(a.clone(), b.clone()))) {
            continue;
        }
        pairs.push((a.clone(), b.clone()));
        let line = format!("{a}.{b} = {}", r.param(p, Dom::UNIT));
        r.line(line);
    }

    for (i, v) in spec.vars.iter().enumerate() {
        let (min, max) = RANGES[v.range];
        r.line(format!("[state.{}]", r.vars[i]));
        let (min, max) = if fault == Some(4) { (max, min) } else { (min, max) };
        r.line(format!("min = {}\nmax = {}", toml_f64(min), toml_f64(max)));
        let dom = Dom { lo: min, hi: max, positive: false };
        let initial = match v.initial {
            Num::Mid(u) => toml_f64(min + u * (max - min)),
            _ => r.num(&v.initial, dom),
        };
        r.line(format!("initial = {initial}"));
        let moves = v.target.is_some() || !v.drivers.is_empty();
        if let Some(t) = &v.target {
            r.line(format!("target = {}", r.param(t, Dom::REAL)));
        }
        match (&v.rate, r.clean()) {
            (Some(p), false) => r.line(format!("rate = {}", r.param(p, Dom::UNIT))),
            (Some(p), true) if moves => r.line(format!("rate = {}", r.param(p, Dom::UNIT))),
            (None, true) if moves => r.line("rate = 0.3"),
            _ => {}
        }
        let drivers: Vec<String> = v
            .drivers
            .iter()
            .map(|(m, p)| format!("\"{}\" = {}", r.metric(m, outcomes), r.param(p, Dom::REAL)))
            .collect();
        let drivers = if r.clean() { dedupe_text(drivers) } else { drivers };
        r.line(format!("drivers = {{ {} }}", drivers.join(", ")));
    }

    if let Some((_, shares)) = &spec.influence {
        let (client, patrons) = r.influence_rows();
        r.line(format!("[influence.security.{client}]"));
        for (i, (name, (_, p))) in patrons.iter().zip(shares).enumerate() {
            // A client's shares are normalised: a clean case keeps one of them positive.
            let share = if r.clean() && i == 0 { "0.5".into() } else { r.param(p, Dom::UNIT) };
            r.line(format!("{name} = {share}"));
        }
    }

    for (i, issue) in spec.issues.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let id = if fault == Some(5) && i == 0 { "0-issue".to_string() } else { format!("i{i}") };
        match issue {
            IssueSpec::Dyadic { sides, payoffs, gain, salience, on_mutual, active } => {
                let (a, b) = r.sides(*sides);
                // Every other dyadic issue is an arrangement, in force at the start.
                if i % 2 == 1 {
                    r.line(format!("[issues.{id}]\nkind = \"arrangement\"\nsides = [\"{a}\", \"{b}\"]"));
                    r.line("in_force = true\ncommitment = 0.1\nformation = 0.05");
                } else {
                    r.line(format!("[issues.{id}]\nkind = \"dyadic\"\nsides = [\"{a}\", \"{b}\"]"));
                }
                if !active {
                    r.line("active = false");
                }
                // An issue's weight counts in an influence domain the scenario defines.
                if let (Some(g), Some(_)) = (gain, &spec.influence) {
                    r.line(format!("influence = {{ security = {} }}", r.param(g, Dom::UNIT)));
                }
                if let Some((base, drivers)) = salience {
                    let d: Vec<String> = drivers
                        .iter()
                        .map(|(m, p)| format!("\"{}\" = {}", r.metric(m, outcomes), r.param(p, Dom::REAL)))
                        .collect();
                    let d = if r.clean() { dedupe_text(d) } else { d };
                    r.line(format!(
                        "salience = {{ base = {}, drivers = {{ {} }} }}",
                        r.num(base, Dom::NON_NEG),
                        d.join(", ")
                    ));
                }
                if let Some((var, p)) = on_mutual
                    && (!r.clean() || !r.vars.is_empty())
                {
                    r.line(format!(
                        "on_mutual = {{ \"state.{}\" = {} }}",
                        r.name(*var, &r.vars),
                        r.param(p, Dom::REAL)
                    ));
                }
                let mut tables: Vec<(String, Vec<String>)> = Vec::new();
                let mut seen = Vec::new();
                for (side, dim, values) in payoffs {
                    let side = if *side { &b } else { &a };
                    let dim = &r.dims[dim % r.dims.len()];
                    if r.clean() && seen.contains(&(side.clone(), dim.clone())) {
                        continue;
                    }
                    seen.push((side.clone(), dim.clone()));
                    let entries: Vec<String> = ["reward", "sucker", "temptation", "punishment"]
                        .iter()
                        .zip(values)
                        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} = {}", r.num(v, Dom::REAL))))
                        .collect();
                    let line = format!("{dim} = {{ {} }}", entries.join(", "));
                    match tables.iter_mut().find(|(s, _)| s == side) {
                        Some((_, lines)) => lines.push(line),
                        None => tables.push((side.clone(), vec![line])),
                    }
                }
                if tables.is_empty() && r.clean() {
                    tables.push((a.clone(), vec![format!("{} = {{ reward = 1.0 }}", r.dims[0])]));
                }
                for (side, lines) in tables {
                    r.line(format!("[issues.{id}.payoffs.{side}]"));
                    for l in lines {
                        r.line(l);
                    }
                }
            }
            IssueSpec::PublicGood { participants, threat, efficacy, harm, exposure, drop_exposure, cost, reach } => {
                let parts = r.distinct(participants, &r.actors);
                let quoted: Vec<String> = parts.iter().map(|p| format!("\"{p}\"")).collect();
                r.line(format!("[issues.{id}]\nkind = \"public_good\"\nparticipants = [{}]", quoted.join(", ")));
                r.line(format!("threat = \"{}\"", r.name(*threat, &r.vars)));
                r.line(format!("efficacy = {}", r.param(efficacy, Dom::NON_NEG)));
                r.line(format!("harm_dimension = \"{}\"", r.name(*harm, &r.dims)));
                let skip = if *drop_exposure && !r.clean() { 0 } else { usize::MAX };
                let ex: Vec<String> = parts
                    .iter()
                    .zip(exposure.iter().cycle())
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, (p, e))| format!("{p} = {}", r.param(e, Dom::NON_NEG)))
                    .collect();
                r.line(format!("exposure = {{ {} }}", ex.join(", ")));
                let costs: Vec<String> = cost
                    .iter()
                    .map(|(d, p)| format!("{} = {}", r.dims[d % r.dims.len()], r.param(p, Dom::REAL)))
                    .collect();
                let costs = if r.clean() { dedupe_text(costs) } else { costs };
                r.line(format!("cost = {{ {} }}", costs.join(", ")));
                if let Some(p) = reach {
                    r.line(format!("reach = {{ {} = {} }}", parts[0], r.param(p, Dom::NON_NEG)));
                }
            }
        }
    }

    for (i, e) in spec.events.iter().enumerate() {
        let effects: Vec<String> = e
            .effects
            .iter()
            .map(|ef| {
                let (target, set_dom) = match ef.target {
                    0 if !r.vars.is_empty() => (format!("state.{}", r.name(ef.a, &r.vars)), Dom::REAL),
                    2 if spec.influence.is_some() => {
                        let (client, patrons) = r.influence_rows();
                        (format!("influence.security.{client}.{}", r.name(ef.b, &patrons)), Dom::UNIT)
                    }
                    3 if !r.issues.is_empty() => (format!("issues.{}.active", r.name(ef.a, &r.issues)), Dom::UNIT),
                    4 => (
                        format!("actors.{}.behaviour.error", r.name(ef.a, &r.states)),
                        Dom { lo: 0.0, hi: 0.5, positive: false },
                    ),
                    _ => {
                        let a = r.name(ef.a, &r.states);
                        let others: Vec<String> = r.actors.iter().filter(|x| **x != a).cloned().collect();
                        (format!("trust.{a}.{}", r.name(ef.b, &others)), Dom::UNIT)
                    }
                };
                let (op, dom) = match ef.op {
                    0 => ("set", set_dom),
                    1 => ("add", Dom::REAL),
                    _ => ("scale", Dom::NON_NEG),
                };
                format!("{{ target = \"{target}\", {op} = {} }}", r.param(&ef.amount, dom))
            })
            .collect();
        if effects.is_empty() && r.clean() {
            continue;
        }
        r.line(format!("[events.e{i}]"));
        match e.at {
            Some(t) => {
                let t = if r.clean() { t % spec.turns } else { t };
                r.line(format!("at = \"{}\"", r.date(t)));
                if e.repeat && !r.clean() {
                    r.line("repeat = true");
                }
            }
            None => {
                r.line(format!("hazard = {}", r.param(&e.hazard, Dom::UNIT)));
                r.line(format!("repeat = {}", e.repeat));
            }
        }
        if !e.when.is_empty() {
            r.line(format!("when = {}", r.conds(&e.when, outcomes)));
        }
        r.line(format!("effects = [{}]", effects.join(", ")));
    }

    for (i, o) in spec.outcomes.iter().enumerate() {
        if o.when.is_empty() && r.clean() {
            r.line(format!(
                "[outcomes.o{i}]\nwhen = [{{ metric = \"trust.{}.{}\", above = 0.5 }}]",
                r.states[0], r.states[1]
            ));
            continue;
        }
        r.line(format!("[outcomes.o{i}]\nlabel = \"Outcome {i}\"\nwhen = {}", r.conds(&o.when, outcomes)));
        if let Some(n) = o.for_turns {
            r.line(format!("for = {}", if r.clean() { n.max(1) } else { n }));
        }
    }

    match fault {
        Some(6) => r.out.push_str("\n[actors.russia]\nkind = \"state\"\ncapability = 1\n"),
        Some(7) => r.out.push_str("\n[[[ \u{0} junk \u{fffd}"),
        _ => {}
    }
    r.out
}

/// Entries with distinct keys in a clean case (a repeated key is a TOML error).
fn dedupe<T>(clean: bool, v: &[(usize, T)]) -> impl Iterator<Item = (&usize, &T)> {
    let mut seen = Vec::new();
    v.iter().map(|(k, t)| (k, t)).filter(move |(k, _)| {
        let fresh = !clean || !seen.contains(*k);
        seen.push(**k);
        fresh
    })
}

fn dedupe_text(v: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    v.into_iter()
        .filter(|l| {
            let key = l.split(" = ").next().unwrap_or_default().to_string();
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        })
        .collect()
}
