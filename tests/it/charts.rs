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
    fields[8] = "lots"; // `mean`
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

fn texts_of(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(s, _)| s))
        .map(|s| s.trim().replace("&apos;", "'").replace("&amp;", "&"))
        .collect()
}

#[test]
fn charts_and_words_use_the_scenarios_labels_and_mark_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = crate::baseline_path();
    run(&baseline, dir.path(), "12");
    let text = std::fs::read_to_string(dir.path().join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The labels are in the manifest, in the file's order (not sorted).
    let labels = &text[text.find("\"labels\"").unwrap()..];
    let at = |key: &str| labels.find(&format!("\"{key}\": ")).unwrap();
    assert!(at("usa") < at("allies") && at("allies") < at("russia") && at("russia") < at("china"));
    assert_eq!(manifest["labels"]["issues"]["nato_csto_info"], "NATO–CSTO information exchange");
    assert_eq!(manifest["labels"]["events"][0]["at"], "2014-Q4");
    let condition = &manifest["outcome_conditions"]["china_leads_kazakhstan_economy"]["when"][0];
    assert_eq!(condition["minus"], "influence.economic.kazakhstan.russia");
    assert_eq!(condition["above"], 0.0);
    let svg = |name: &str| std::fs::read_to_string(dir.path().join("charts").join(format!("{name}.svg"))).unwrap();
    let coop = texts_of(&svg("cooperation"));
    assert!(coop.iter().any(|t| t == "NATO–CSTO information exchange"), "{coop:?}");
    assert!(!coop.iter().any(|t| t.contains("NATO CSTO info") || t.contains("Kazakhstan ct")), "{coop:?}");
    assert!(texts_of(&svg("trust")).iter().any(|t| t == "United States"));
    assert!(texts_of(&svg("state")).iter().any(|t| t.starts_with("Afghan threat level")));
    for name in ["cooperation", "state", "influence"] {
        let t = texts_of(&svg(name));
        assert!(t.iter().any(|t| t == "1: ISAF draws down; a smaller training mission follows (2014-Q4)"), "{name}");
        assert!(t.iter().any(|t| t == "2: The Manas lease ends (2014-Q3)"), "{name}");
        // Every panel carries the tags.
        assert!(t.iter().filter(|t| *t == "1").count() >= 3, "{name}");
    }
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("NATO–Kazakhstan partnership (IPAP)"));
    assert!(!html.contains("overtaking"));
    assert!(!html.contains("id=\"comparison\""));
}

#[test]
fn a_variants_run_compares_it_with_its_base_in_a_file_and_in_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let variant = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/russia_china_rift.toml");
    run(&variant, dir.path(), "40");
    let csv = std::fs::read_to_string(dir.path().join("comparison.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "outcome,label,base,variant,change,ci_low,ci_high,clear");
    let outcomes = heartland::Scenario::shipped("baseline_2014").unwrap().unwrap().outcomes.len();
    assert_eq!(lines.len(), 1 + outcomes, "{csv}");
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 8, "{line}");
        let x: Vec<f64> = cells[2..7].iter().map(|c| c.parse().unwrap()).collect();
        assert!((x[1] - x[0] - x[2]).abs() < 1e-9 && x[3] <= x[2] && x[2] <= x[4], "{line}");
        assert_eq!(cells[7], (x[3] > 0.0 || x[4] < 0.0).to_string(), "{line}");
    }
    // The rift makes the rupture much likelier: the largest change, first.
    assert!(lines[1].starts_with("russia_china_rupture,"), "{csv}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["comparison"]["runs"], 40);
    assert_eq!(manifest["comparison"]["base_name"], "Baseline 2014");
    assert!(manifest["files"].as_array().unwrap().iter().any(|f| f == "comparison.csv"));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("<section id=\"comparison\">\n<h2>Compared with Baseline 2014</h2>"), "{html}");
    assert!(html.contains("Each of 40 runs was played under this scenario and under Baseline 2014"));
    assert_eq!(html.matches("<tr><td>").count(), 2 * outcomes, "outcome rows and comparison rows");
    assert_self_contained(&html);
    // `plot` redraws the same page from the files, comparison included.
    let before = html.clone();
    let o = heartland(&["plot", dir.path().to_str().unwrap(), "-q"]);
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(dir.path().join("report.html")).unwrap(), before);
    // A run of a scenario that extends nothing, into the same folder, leaves no stale comparison.
    run(&crate::baseline_path(), dir.path(), "5");
    assert!(!dir.path().join("comparison.csv").exists());
    assert!(!std::fs::read_to_string(dir.path().join("report.html")).unwrap().contains("id=\"comparison\""));
}

#[test]
fn compare_with_out_writes_comparison_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let base = crate::baseline_path();
    let variant = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/russia_china_rift.toml");
    let args =
        ["compare", base.to_str().unwrap(), variant.to_str().unwrap(), "--runs", "30", "--out", out.to_str().unwrap()];
    let o = heartland(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("30 paired runs") && stdout.contains("comparison.csv"), "{stdout}");
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names, ["comparison.csv"]);
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(csv.starts_with(
        "outcome,label,base,variant,change,ci_low,ci_high,clear\nrussia_china_rupture,Russia–China rupture,"
    ));
    let outcomes = heartland::Scenario::shipped("baseline_2014").unwrap().unwrap().outcomes.len();
    assert_eq!(csv.lines().count(), 1 + outcomes);
    // Without --out nothing is written; the terminal shows probabilities, never `0.000`.
    let o = heartland(&args[..5]);
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("0.000") && stdout.contains('%') && stdout.contains(" pts"), "{stdout}");
}
