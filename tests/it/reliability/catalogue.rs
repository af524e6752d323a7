//! The catalogue, completed: hostile scenario files that `errors.rs` does not cover, each
//! rejected with every diagnostic located.

use std::path::Path;

use heartland::Scenario;

use super::tiny_text;

/// The diagnostics of a text that must be rejected; each is located.
fn located_errors(text: &str, read: &mut heartland::scenario::Reader<'_>) -> Vec<heartland::scenario::Diagnostic> {
    let e = Scenario::parse_with(text, "hostile.toml", read).expect_err("must be rejected");
    let d = e.diagnostics().to_vec();
    assert!(!d.is_empty() && d.iter().all(|d| d.location.is_some()), "{e}");
    d
}

fn no_files(_: &Path) -> std::io::Result<String> {
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
}

#[test]
fn duplicate_actors_and_missing_sections_are_located() {
    let tiny = tiny_text();
    // TOML itself refuses a second [actors.china]: the second header is pointed at.
    let twice = tiny.replacen("[actors.usa]", "[actors.china]", 1);
    let d = located_errors(&twice, &mut no_files);
    assert_eq!(d[0].message, "duplicate key");
    let loc = d[0].location.as_ref().unwrap();
    let second = twice.lines().enumerate().filter(|(_, l)| *l == "[actors.china]").nth(1).unwrap().0 + 1;
    assert_eq!(loc.line, second, "{d:?}");
    assert_eq!(loc.text, "[actors.china]");
    // A table without [actors], [scenario] or `dimensions`; an empty file; only comments.
    let no_actors = tiny[..tiny.find("[actors.russia]").unwrap()].to_string();
    let no_scenario = tiny.replace("[scenario]", "[scenery]");
    for (text, what) in [
        (no_actors.as_str(), "missing field `actors`"),
        (&tiny.replacen("dimensions = [", "# dimensions = [", 1), "missing field `dimensions`"),
        (&no_scenario, "unknown field `scenery`"),
        ("", "missing field `scenario`"),
        ("# nothing but a comment\n", "missing field `scenario`"),
    ] {
        let d = located_errors(text, &mut no_files);
        assert!(d[0].message.contains(what), "{what}: {d:?}");
    }
    // An organization inside another organization.
    let d = located_errors(&tiny.replace("members = [\"usa\"]", "members = [\"usa\", \"csto\"]"), &mut no_files);
    assert_eq!(d[0].key, "actors.nato.members[1]");
    assert!(d[0].message.contains("is an organization; members must be states"), "{d:?}");
    // Absurd default run counts in the file.
    for runs in ["0", "99999999999", "-1"] {
        let d = located_errors(&tiny.replace("runs = 200", &format!("runs = {runs}")), &mut no_files);
        assert!(d[0].location.as_ref().unwrap().text.starts_with("runs ="), "{runs}: {d:?}");
    }
}

#[test]
fn scenarios_extending_themselves_or_a_missing_file_are_located() {
    let extending =
        |base: &str| tiny_text().replacen("[scenario]\n", &format!("[scenario]\nextends = \"{base}\"\n"), 1);
    // Directly: the file extends itself.
    let me = extending("self_extending.toml");
    let d = located_errors(&me, &mut |_: &Path| Ok(me.clone()));
    assert_eq!(d[0].key, "scenario.extends");
    assert!(d[0].message.starts_with("scenarios extend each other in a cycle"), "{d:?}");
    let line = me.lines().position(|l| l.starts_with("extends")).unwrap() + 1;
    assert_eq!(d[0].location.as_ref().unwrap().line, line);
    // Through another file: a → b → a, reported in b where the loop closes.
    let a = extending("b.toml");
    let b = tiny_text().replacen("[scenario]\n", "[scenario]\nextends = \"hostile.toml\"\n", 1);
    let d = located_errors(&a, &mut |p: &Path| Ok(if p.ends_with("b.toml") { b.clone() } else { a.clone() }));
    assert!(d[0].message.contains("cycle"), "{d:?}");
    assert_eq!(d[0].location.as_ref().unwrap().file.as_deref(), Some("b.toml"));
    // A base that does not exist.
    let d = located_errors(&extending("no_such_base.toml"), &mut no_files);
    assert!(d[0].message.starts_with("cannot read the base scenario no_such_base.toml"), "{d:?}");
}
