//! Charts and the HTML report: drawn by `heartland run`, redrawn by `heartland plot DIR`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::fixture;

const CHARTS: [&str; 6] = ["cooperation", "outcomes", "outcomes_over_time", "trust", "state", "influence"];

fn heartland(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn run(scenario: &Path, out: &Path, runs: &str) {
    let o = heartland(&["run", scenario.to_str().unwrap(), "--runs", runs, "--out", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}: {}", scenario.display(), String::from_utf8_lossy(&o.stderr));
}

fn chart_files(dir: &Path) -> Vec<PathBuf> {
    CHARTS.iter().flat_map(|c| ["png", "svg"].map(|ext| dir.join("charts").join(format!("{c}.{ext}")))).collect()
}

/// No way for the page to fetch anything: no URL, no linked or sourced file, no script.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in ["http://", "https://", "src=", "<link", "<script", "url(", "@import", "<iframe", "<object", "<embed"] {
        assert!(!lower.contains(bad), "report.html contains `{bad}`");
    }
}

#[test]
fn run_draws_decodable_charts_and_a_self_contained_report() {
    let dir = tempfile::tempdir().unwrap();
    run(&fixture("tiny.toml"), dir.path(), "30");
    for f in chart_files(dir.path()) {
        let bytes = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if f.extension().unwrap() == "png" {
            assert!(bytes.len() > 5_000, "{}: {} bytes", f.display(), bytes.len());
            let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap();
            assert!(img.width() >= 1000 && img.height() >= 250, "{}", f.display());
        } else {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(svg.len() > 2_000, "{}", f.display());
            assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"), "{}", f.display());
            // XML-ish: tags balance, and there is real text in it.
            assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
            assert!(svg.matches("<text").count() >= 5, "{}", f.display());
            assert!(!svg.contains("<text></text>"));
        }
    }
    let svg = std::fs::read_to_string(dir.path().join("charts/outcomes.svg")).unwrap();
    assert!(svg.contains("Kazakhstan–NATO transit sustained"));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for text in ["<h1>Tiny</h1>", "Does the engine run every mechanism?", "Kazakhstan–NATO transit sustained", "<svg"]
    {
        assert!(html.contains(text), "report.html lacks {text}");
    }
    assert_eq!(html.matches("<svg").count(), CHARTS.len());
    assert!(html.contains("<th>seed</th><td>7</td>") && html.contains("30 (runs 0 to 29)"));
    assert_self_contained(&html);
}

#[test]
fn plot_redraws_the_same_files_from_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    run(&fixture("tiny.toml"), dir.path(), "20");
    let mut files = chart_files(dir.path());
    files.push(dir.path().join("report.html"));
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    std::fs::remove_dir_all(dir.path().join("charts")).unwrap();
    std::fs::remove_file(dir.path().join("report.html")).unwrap();
    let o = heartland(&["plot", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("report.html"));
    for (f, old) in files.iter().zip(&before) {
        assert_eq!(&std::fs::read(f).unwrap(), old, "{} differs when redrawn", f.display());
    }
    // No temporary file is left behind.
    let stray = std::fs::read_dir(dir.path().join("charts"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"));
    assert_eq!(stray.count(), 0);
}

#[test]
fn plot_names_the_bad_file_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    run(&fixture("tiny.toml"), dir.path(), "5");
    let d = dir.path().to_str().unwrap();
    let plot = || {
        let o = heartland(&["plot", d]);
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };

    let series = dir.path().join("series.csv");
    let good = std::fs::read_to_string(&series).unwrap();
    let mut lines: Vec<String> = good.lines().map(String::from).collect();
    let mut fields: Vec<&str> = lines[1].split(',').collect();
    fields[3] = "lots";
    lines[1] = fields.join(",");
    std::fs::write(&series, lines.join("\n")).unwrap();
    let (code, err) = plot();
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("series.csv:2:") && err.contains("not a number"), "{err}");
    std::fs::write(&series, good).unwrap();

    let runs = dir.path().join("runs.csv");
    std::fs::rename(&runs, dir.path().join("runs.bak")).unwrap();
    let (code, err) = plot();
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("runs.csv: no such file"), "{err}");
    std::fs::rename(dir.path().join("runs.bak"), &runs).unwrap();

    std::fs::write(dir.path().join("manifest.json"), "{ not json").unwrap();
    let (code, err) = plot();
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("manifest.json:1: not a heartland manifest"), "{err}");

    let o = heartland(&["plot", dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nowhere: no such directory"));
}

#[test]
fn a_chart_directory_that_cannot_be_made_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    run(&fixture("tiny.toml"), dir.path(), "5");
    std::fs::remove_dir_all(dir.path().join("charts")).unwrap();
    std::fs::write(dir.path().join("charts"), "in the way").unwrap();
    let o = heartland(&["plot", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("charts"));
}

#[test]
fn every_shipped_scenario_gets_its_charts_and_report() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    scenarios.sort();
    assert!(!scenarios.is_empty());
    for s in scenarios {
        let out = tempfile::tempdir().unwrap();
        run(&s, out.path(), "3");
        let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
        assert_self_contained(&html);
        for f in chart_files(out.path()) {
            assert!(f.exists(), "{}: no {}", s.display(), f.display());
        }
    }
}

#[test]
fn a_sweep_gets_its_charts_and_report_and_plot_redraws_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = heartland(&["sweep", fixture("tiny_sweep.toml").to_str().unwrap(), "--out", d, "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files: Vec<PathBuf> = ["sweep_grid", "discovery"]
        .iter()
        .flat_map(|c| ["png", "svg"].map(|ext| dir.path().join("charts").join(format!("{c}.{ext}"))))
        .chain([dir.path().join("report.html")])
        .collect();
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let png = image::load_from_memory_with_format(&before[0], image::ImageFormat::Png).unwrap();
    assert!(png.width() >= 1000);
    let html = String::from_utf8(before[4].clone()).unwrap();
    assert!(html.contains("<h1>Tiny sweep</h1>") && html.contains("design points (grid design)"), "{html}");
    assert!(html.contains("actors.russia.behaviour.pressure"));
    assert_eq!(html.matches("<svg").count(), 2);
    assert_self_contained(&html);

    std::fs::remove_dir_all(dir.path().join("charts")).unwrap();
    let o = heartland(&["plot", d, "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (f, old) in files.iter().zip(&before) {
        assert_eq!(&std::fs::read(f).unwrap(), old, "{} differs when redrawn", f.display());
    }
    std::fs::write(dir.path().join("points.csv"), "point\n").unwrap();
    let o = heartland(&["plot", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("points.csv:1: no column `actors.russia.behaviour.pressure`"));
}
