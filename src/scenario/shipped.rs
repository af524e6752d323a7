//! The shipped scenarios and sweeps, compiled into the library so that the binary stands
//! alone: `heartland run baseline_2014` works from any folder, with no checkout beside it.
//!
//! Each file of `scenarios/` and `scenarios/sweeps/` is embedded with `include_str!` under its
//! name (the file stem); a test checks that the registry lists exactly the files in those
//! folders, so a new file cannot be forgotten. Messages and manifests call an embedded file
//! `NAME (shipped)`; its bytes, and so its SHA-256, are those of the file in the checkout.
//!
//! Where `extends` (and a sweep's `scenario`) look:
//! - in a shipped file, among the shipped files, by file name;
//! - in a file on disk, on disk first (relative to the file), then among the shipped files by
//!   file name, so a variant written anywhere can extend `baseline_2014.toml`.

use std::io;
use std::path::Path;

use super::inherit::Found;

/// An embedded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shipped {
    /// The file stem, e.g. `baseline_2014`: the name the commands take.
    pub name: &'static str,
    /// The file's contents, byte for byte.
    pub text: &'static str,
}

impl Shipped {
    /// How messages and manifests name it: `baseline_2014 (shipped)`.
    pub fn display_name(&self) -> String {
        format!("{}{SUFFIX}", self.name)
    }

    /// Its file name in the checkout, e.g. `baseline_2014.toml`.
    pub fn file_name(&self) -> String {
        format!("{}.toml", self.name)
    }
}

const SUFFIX: &str = " (shipped)";

macro_rules! shipped {
    ($dir:literal, $name:literal) => {
        Shipped { name: $name, text: include_str!(concat!("../../scenarios/", $dir, $name, ".toml")) }
    };
}

/// The scenarios of `scenarios/`, by name.
pub const SCENARIOS: [Shipped; 9] = [
    shipped!("", "afghanistan_collapse"),
    shipped!("", "baseline_2014"),
    shipped!("", "csto_consensus"),
    shipped!("", "eastern_bloc"),
    shipped!("", "hindcast_2014"),
    shipped!("", "nato_china_council"),
    shipped!("", "ndn_rent_seeking"),
    shipped!("", "russia_china_rift"),
    shipped!("", "weighted_rules"),
];

/// The sweeps of `scenarios/sweeps/`, by name.
pub const SWEEPS: [Shipped; 3] = [
    shipped!("sweeps/", "afghan_sensitivity"),
    shipped!("sweeps/", "judgements"),
    shipped!("sweeps/", "veto_pressure"),
];

/// The scenario the binary runs when given none.
pub const BASELINE: &str = "baseline_2014";

fn find(list: &'static [Shipped], name: &str) -> Option<&'static Shipped> {
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    list.iter().find(|s| s.name == stem)
}

/// A shipped scenario by name, with or without `.toml` (`baseline_2014`, `baseline_2014.toml`).
pub fn scenario(name: &str) -> Option<&'static Shipped> {
    find(&SCENARIOS, name)
}

/// A shipped sweep by name, with or without `.toml`.
pub fn sweep(name: &str) -> Option<&'static Shipped> {
    find(&SWEEPS, name)
}

/// The shipped scenario a message or manifest names (`baseline_2014 (shipped)`).
pub fn by_display_name(name: &str) -> Option<&'static Shipped> {
    name.strip_suffix(SUFFIX).and_then(scenario)
}

/// The shipped scenario of the file name at the end of `path` (`../baseline_2014.toml`).
pub(crate) fn at(path: &Path) -> Option<&'static Shipped> {
    path.file_name().and_then(|n| n.to_str()).filter(|n| n.ends_with(".toml")).and_then(scenario)
}

fn found(s: &Shipped) -> Found {
    Found { name: s.display_name(), text: s.text.to_string() }
}

/// Resolves `extends` in a shipped file: the shipped scenario of that file name.
pub(crate) fn read_shipped(_from: &str, path: &Path) -> io::Result<Found> {
    at(path).map(found).ok_or_else(|| {
        io::Error::new(io::ErrorKind::NotFound, format!("no shipped scenario is named {}", path.display()))
    })
}

/// Resolves `extends` in a file on disk: the file at `path`, else the shipped scenario of that
/// file name. A shipped file's own `extends` look among the shipped files only.
pub(crate) fn read_disk_or_shipped(from: &str, path: &Path) -> io::Result<Found> {
    if by_display_name(from).is_some() {
        return read_shipped(from, path);
    }
    match crate::input::read_text(path, super::MAX_FILE_BYTES as u64) {
        Ok(text) => Ok(Found { name: path.display().to_string(), text }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => at(path).map(found).ok_or(e),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use crate::analysis::sweep::Sweep;

    /// The `.toml` stems of a folder of the checkout, sorted.
    fn stems(dir: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut out: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_registry_lists_exactly_the_files_of_the_checkout() {
        for (list, dir) in [(&SCENARIOS[..], "scenarios"), (&SWEEPS[..], "scenarios/sweeps")] {
            let names: Vec<String> = list.iter().map(|s| s.name.to_string()).collect();
            assert_eq!(names, stems(dir), "{dir}: the registry (in name order) and the folder differ");
            for s in list {
                let on_disk = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(s.file_name()));
                assert_eq!(s.text.as_bytes(), on_disk.unwrap(), "{}", s.name);
            }
        }
    }

    #[test]
    fn names_are_found_with_or_without_their_extension() {
        assert_eq!(scenario("baseline_2014").map(|s| s.name), Some("baseline_2014"));
        assert_eq!(scenario("baseline_2014.toml").map(|s| s.name), Some("baseline_2014"));
        assert_eq!(sweep("veto_pressure.toml").map(|s| s.name), Some("veto_pressure"));
        assert_eq!(scenario("veto_pressure"), None);
        assert_eq!(scenario("scenarios/baseline_2014.toml"), None, "a path is not a name");
        assert_eq!(by_display_name("baseline_2014 (shipped)").map(|s| s.name), Some("baseline_2014"));
        assert_eq!(at(Path::new("../baseline_2014.toml")).map(|s| s.name), Some("baseline_2014"));
        assert_eq!(at(Path::new("../baseline_2014")), None, "extends names a file");
    }

    #[test]
    fn every_shipped_scenario_and_sweep_loads_from_the_registry_alone() {
        for s in &SCENARIOS {
            let sc = Scenario::shipped(s.name).unwrap().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(sc.files[0].name, s.display_name());
            assert_eq!(sc.files[0].sha256, crate::scenario::sha256_hex(s.text.as_bytes()));
            // A variant extends the shipped baseline, by name, never a file on disk.
            if let Some(base) = sc.base_file() {
                assert_eq!(base, "baseline_2014 (shipped)", "{}", s.name);
            }
        }
        for s in &SWEEPS {
            let sweep = Sweep::shipped(s.name).unwrap().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(sweep.scenario_file, "baseline_2014 (shipped)", "{}", s.name);
        }
    }

    #[test]
    fn a_file_on_disk_extends_the_disk_first_then_the_shipped_scenario() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let variant = "[scenario]\nextends = \"baseline_2014.toml\"\nname = \"Mine\"\ndescription = \"A variant.\"\n";
        let file = dir.join("mine.toml");
        // No base beside it: the shipped baseline.
        let sc = Scenario::parse(variant, &file.display().to_string()).unwrap();
        assert_eq!(sc.base_file(), Some("baseline_2014 (shipped)"));
        assert_eq!(sc.name, "Mine");
        let shipped = Scenario::shipped(BASELINE).unwrap().unwrap();
        assert_eq!(sc.params.len(), shipped.params.len());
        // A base beside it wins.
        let base = scenario(BASELINE).unwrap().text.replace("name = \"Baseline 2014\"", "name = \"Local baseline\"");
        assert!(base.contains("Local baseline"));
        std::fs::write(dir.join("baseline_2014.toml"), &base).unwrap();
        let sc = Scenario::parse(variant, &file.display().to_string()).unwrap();
        assert_eq!(sc.base_file(), Some(dir.join("baseline_2014.toml").display().to_string().as_str()));
        // A name no shipped scenario has is still an error about the file.
        let e = Scenario::parse(&variant.replace("baseline_2014", "baseline_2041"), "mine.toml").unwrap_err();
        assert!(e.to_string().contains("cannot read the base scenario baseline_2041.toml"), "{e}");
    }
}
