//! Bad scenario files: every error names the line, column and key, and suggests a fix where
//! there is one. None of them panics.

use heartland::scenario::{Diagnostic, Scenario};

use crate::fixture;

fn tiny_text() -> String {
    std::fs::read_to_string(fixture("tiny.toml")).unwrap()
}

/// Errors of the tiny fixture with `from` replaced by `to` (which must occur once).
fn errors_with(from: &str, to: &str) -> Vec<Diagnostic> {
    let text = tiny_text();
    assert_eq!(text.matches(from).count(), 1, "fixture edit `{from}` must be unique");
    errors_of(&text.replace(from, to))
}

fn errors_of(text: &str) -> Vec<Diagnostic> {
    match Scenario::parse(text, "test.toml") {
        Ok(_) => panic!("expected errors"),
        Err(e) => {
            // The rendered message names the file and is never empty.
            assert!(e.to_string().contains("test.toml"));
            e.diagnostics().to_vec()
        }
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle in text") + 1
}

#[test]
fn misspelt_actor_names_the_place_and_the_fix() {
    let d = errors_with("sides = [\"kazakhstan\", \"nato\"]", "sides = [\"kazakstan\", \"nato\"]");
    assert_eq!(d.len(), 1);
    let d = &d[0];
    assert_eq!(d.key, "issues.transit.sides[0]");
    assert_eq!(d.message, "unknown actor `kazakstan`");
    assert_eq!(d.help.as_deref(), Some("did you mean `kazakhstan`?"));
    let loc = d.location.as_ref().unwrap();
    assert_eq!(loc.line, line_of(&tiny_text(), "sides = [\"kazakhstan\", \"nato\"]"));
    assert_eq!((loc.column, loc.width), (10, 11));
}

#[test]
fn unknown_keys_are_rejected_with_a_suggestion() {
    let d = errors_with("capability = 0.3\n", "capabilty = 0.3\n");
    assert_eq!(
        d[0].message,
        "unknown field `capabilty`, expected one of `name`, `kind`, `capability`, `interests`, `behaviour`, `members`, `rule`, `leader`, `weights`, `threshold`, `veto`, `source`"
    );
    assert_eq!(d[0].key, "actors.russia.capabilty");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `capability`?"));
    assert!(d[0].location.is_some());
}

#[test]
fn out_of_range_values_say_what_is_expected() {
    let d = errors_with("error = 0.02", "error = 0.7");
    assert_eq!(d[0].key, "defaults.behaviour.error");
    assert_eq!(d[0].message, "out of range: got 0.7");
    assert_eq!(d[0].expected.as_deref(), Some("a number in [0, 0.5]"));
    // Reported once, not once per actor that inherits the default.
    assert_eq!(d.len(), 1);
    for bad in ["nan", "inf", "-1.0", "1e400"] {
        let d = errors_with("trust = 0.5", &format!("trust = {bad}"));
        assert_eq!(d[0].key, "model.trust", "{bad}");
    }
}

#[test]
fn a_volatility_must_lie_between_zero_and_the_range() {
    for (bad, expected) in [("-0.1", "a number in [0, 1]"), ("1.5", "a number in [0, 1]")] {
        let d = errors_with("[state.isaf]\ninitial = 1\n", &format!("[state.isaf]\ninitial = 1\nvolatility = {bad}\n"));
        assert_eq!(d.len(), 1, "{bad}: {d:?}");
        assert_eq!(d[0].key, "state.isaf.volatility");
        assert_eq!(d[0].message, format!("out of range: got {bad}"));
        assert_eq!(d[0].expected.as_deref(), Some(expected));
        let loc = d[0].location.as_ref().unwrap();
        assert_eq!(loc.line, line_of(&tiny_text(), "[state.isaf]") + 2);
    }
}

#[test]
fn an_organization_cannot_be_its_own_member() {
    let d = errors_with("members = [\"russia\", \"kazakhstan\"]", "members = [\"russia\", \"csto\"]");
    assert_eq!(d[0].key, "actors.csto.members[1]");
    assert_eq!(d[0].message, "organization `csto` lists itself as a member");
}

#[test]
fn dates_out_of_order_or_outside_the_calendar() {
    let d = errors_with("end = \"2018-Q4\"", "end = \"2013-Q4\"");
    assert_eq!(d[0].key, "scenario.end");
    assert!(d[0].message.contains("comes before the start"));
    let d = errors_with("at = \"2014-Q4\"", "at = \"2019-Q1\"");
    assert_eq!(d[0].key, "events.drawdown.at");
    let d = errors_with("at = \"2014-Q4\"", "at = \"Q4 2014\"");
    assert_eq!(
        d[0].expected.as_deref(),
        Some("a quarter such as 2014-Q1, a month such as 2014-03, or a year such as 2014")
    );
}

#[test]
fn trust_must_name_existing_actors_and_organizations_have_none() {
    let d = errors_with("[trust.usa]\nrussia = 0.4", "[trust.usa]\nrusia = 0.4");
    assert_eq!(d[0].key, "trust.usa.rusia");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `russia`?"));
    assert_eq!(d[0].location.as_ref().unwrap().column, 1);
    let d = errors_with("[trust.usa]", "[trust.nato]");
    assert_eq!(d[0].message, "organization `nato` has no trust of its own");
    assert!(d[0].help.as_ref().unwrap().contains("(usa)"));
}

#[test]
fn wrong_types_and_malformed_toml_are_located() {
    let d = errors_with("runs = 200", "runs = \"many\"");
    assert!(d[0].message.contains("invalid type"), "{}", d[0].message);
    assert_eq!(d[0].location.as_ref().unwrap().line, line_of(&tiny_text(), "runs = 200"));
    let d = errors_with("runs = 200", "runs = [200");
    assert!(d[0].location.is_some());
}

#[test]
fn a_top_level_key_after_a_header_gets_a_hint() {
    let text =
        tiny_text().replacen("dimensions = [", "#", 1).replacen("[model]", "dimensions = [\"security\"]\n[model]", 1);
    let d = errors_of(&text);
    assert!(d[0].help.as_ref().unwrap().contains("before the first header"), "{:?}", d[0]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = tiny_text().replace("rule = \"consensus\"", "rule = \"unanimity\"");
    assert_eq!(errors_of(&text).len(), 1); // a type error stops deserialization
    let text = tiny_text()
        .replace("sides = [\"kazakhstan\", \"nato\"]", "sides = [\"kazakstan\", \"nato\"]")
        .replace("error = 0.02", "error = 0.9")
        .replace("threat = \"threat\"", "threat = \"thret\"");
    let keys: Vec<String> = errors_of(&text).into_iter().map(|d| d.key).collect();
    assert!(keys.contains(&"issues.transit.sides[0]".to_string()), "{keys:?}");
    assert!(keys.contains(&"defaults.behaviour.error".to_string()), "{keys:?}");
    assert!(keys.contains(&"issues.afghan.threat".to_string()), "{keys:?}");
}

#[test]
fn distributions_are_checked_when_read() {
    let d = errors_with(
        "capability = { dist = \"uniform\", low = 0.04, high = 0.06 }",
        "capability = { dist = \"uniform\", low = 0.06, high = 0.04 }",
    );
    assert_eq!(d[0].key, "actors.kazakhstan.capability");
    assert!(d[0].message.contains("low < high"));
    let d = errors_with(
        "capability = { dist = \"uniform\", low = 0.04, high = 0.06 }",
        "capability = { dist = \"unifrom\", low = 0.04, high = 0.06 }",
    );
    assert_eq!(d[0].help.as_deref(), Some("did you mean `uniform`?"));
    let d = errors_with(
        "capability = { dist = \"uniform\", low = 0.04, high = 0.06 }",
        "capability = { dist = \"uniform\", low = 0.04, high = 0.06, mean = 1 }",
    );
    assert_eq!(d[0].key, "actors.kazakhstan.capability.mean");
}

#[test]
fn hostile_bytes_never_panic() {
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    for text in ["", "\0\0\0", "[[[", "a = 1\na = 2", &String::from_utf8_lossy(&junk), "[scenario]\nname = 1"] {
        assert!(Scenario::parse(text, "junk").is_err());
    }
    let big = "# padding\n".repeat(500_000);
    let d = errors_of(&big);
    assert!(d[0].message.contains("more than"));
}

/// Thousands of deterministic mutations of the fixture (lines deleted, duplicated or swapped,
/// numbers replaced by extremes, text truncated): each is rejected with diagnostics or, if
/// still valid, runs to the end with finite state. Nothing panics.
#[test]
fn mutated_scenarios_are_rejected_or_run_cleanly() {
    let text = tiny_text();
    let lines: Vec<&str> = text.lines().collect();
    let extremes = ["0", "-1", "1e308", "-1e308", "nan", "inf", "0.5", "\"x\"", "[]", "{}", "2"];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..3000 {
        let mut ls: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        for _ in 0..1 + next(3) {
            let i = next(ls.len());
            match next(5) {
                0 => {
                    ls.remove(i);
                }
                1 => {
                    let l = ls[i].clone();
                    ls.insert(i, l);
                }
                2 => {
                    let j = next(ls.len());
                    ls.swap(i, j);
                }
                3 => {
                    if let Some((k, _)) = ls[i].split_once(" = ") {
                        ls[i] = format!("{k} = {}", extremes[next(extremes.len())]);
                    }
                }
                _ => {
                    let cut = next(ls[i].len() + 1);
                    ls[i] = ls[i].chars().take(cut).collect();
                }
            }
        }
        let mutated = ls.join("\n");
        match Scenario::parse(&mutated, "mutant") {
            Err(e) => {
                assert!(!e.diagnostics().is_empty());
                invalid += 1;
            }
            Ok(sc) => {
                valid += 1;
                let mut sim = heartland::simulation::Simulation::new(&sc, 1, 0);
                sim.run_to_end();
                let st = sim.state();
                assert!(
                    st.trust.iter().chain(&st.vars).chain(&st.influence).chain(&st.utility).all(|x| x.is_finite()),
                    "{mutated}"
                );
            }
        }
    }
    assert!(valid > 100 && invalid > 100, "valid {valid}, invalid {invalid}");
}

/// Replays the fuzzing corpus (fuzz/corpus/scenario): every input the fuzzer kept, including
/// any crash turned into a regression, loads or fails cleanly, and runs if it loads.
#[test]
fn the_fuzz_corpus_never_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/scenario");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        let mut no_files = |_: &std::path::Path| Err(std::io::Error::other("no files"));
        if let Ok(sc) = Scenario::parse_with(text, "corpus.toml", &mut no_files) {
            let mut sim = heartland::simulation::Simulation::new(&sc, 0, 0);
            for _ in 0..8 {
                if !sim.is_done() {
                    sim.step();
                }
            }
        }
        seen += 1;
    }
    assert!(seen >= 8, "the corpus has {seen} inputs");
}

/// A variant on disk that extends a shipped scenario by name, with no base file beside it:
/// errors in the base point into the shipped file, at the line of the file in the checkout.
#[test]
fn errors_in_a_shipped_base_point_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let variant = dir.path().join("mine.toml");
    let text = "[scenario]\nextends = \"baseline_2014.toml\"\nname = \"Mine\"\ndescription = \"No CSTO.\"\nremove = [\"actors.csto\"]\nrunz = 3\n";
    // The variant's own mistake is in the variant.
    let e = Scenario::parse(text, &variant.display().to_string()).unwrap_err();
    let d = &e.diagnostics()[0];
    assert_eq!((d.key.as_str(), d.location.as_ref().unwrap().line), ("scenario.runz", 6), "{e}");
    assert_eq!(d.location.as_ref().unwrap().file.as_deref(), Some(variant.display().to_string().as_str()));
    // Without the CSTO the base's issues name an unknown actor: the shipped base is located.
    let e = Scenario::parse(&text.replace("runz = 3\n", ""), &variant.display().to_string()).unwrap_err();
    let d = e.diagnostics().iter().find(|d| d.key == "issues.nato_csto_info.sides[1]").expect("the first CSTO dyad");
    assert_eq!(d.message, "unknown actor `csto`");
    let base = std::fs::read_to_string(crate::baseline_path()).unwrap();
    let line = base.lines().position(|l| l.starts_with("[issues.nato_csto_info]")).unwrap() + 4;
    assert_eq!(base.lines().nth(line - 1), Some("sides = [\"nato\", \"csto\"]"));
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.file.as_deref(), loc.line, loc.column), (Some("baseline_2014 (shipped)"), line, 18));
    assert!(e.to_string().contains(&format!("--> baseline_2014 (shipped):{line}:18")), "{e}");
}
