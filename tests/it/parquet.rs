//! `--parquet` through the built binary: with the cargo feature `parquet`, `runs.parquet` and
//! `points.parquet` read back with the crate's reader equal the CSV files row for row and value
//! for value, are byte-identical at any thread count and after a merge of shards, and are listed
//! in the manifest (with their SHA-256) and in `datapackage.json`; without the feature the flag
//! is refused with exit code 2 and nothing written.

use std::path::Path;
use std::process::{Command, Output};

use crate::fixture;

fn heartland(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Refused with exit code 2 and the message `wants`, and nothing written in `out`.
fn refused(args: &[&str], out: &Path, wants: &str) {
    let o = heartland(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(wants), "{err}");
    assert!(!out.exists(), "{} was created", out.display());
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_flag_without_the_feature_is_refused_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let tiny = s(&fixture("tiny.toml"));
    let wants = "built without Parquet: rebuild with `--features parquet`";
    refused(&["run", &tiny, "--runs", "3", "--parquet", "-q", "--out", &s(&out)], &out, wants);
    let sweep = dir.path().join("sweep");
    refused(&["sweep", &s(&fixture("tiny_sweep.toml")), "--parquet", "-q", "--out", &s(&sweep)], &sweep, wants);
}

#[cfg(feature = "parquet")]
mod with_feature {
    use std::fs::File;

    use ::parquet::basic::Type as PhysicalType;
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    use ::parquet::record::Field;
    use serde_json::Value;

    use super::*;

    fn ok(o: &Output) {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    fn json(path: &Path) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// `dir/TABLE.parquet` read back equals `dir/TABLE.csv`: the same column names in order,
    /// each column of the type `datapackage.json` gives it, the same rows, each cell the same
    /// value (an empty cell a null). Returns the rows compared.
    fn assert_equals_csv(dir: &Path, table: &str) -> usize {
        let reader = SerializedFileReader::new(File::open(dir.join(format!("{table}.parquet"))).unwrap()).unwrap();
        let mut csv = csv::Reader::from_path(dir.join(format!("{table}.csv"))).unwrap();
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let schema = reader.metadata().file_metadata().schema_descr();
        let names: Vec<String> = schema.columns().iter().map(|c| c.name().to_string()).collect();
        assert_eq!(names, header);
        // Column types as datapackage.json's CSV resource states them.
        let package = json(&dir.join("datapackage.json"));
        let resource =
            |path: &str| package["resources"].as_array().unwrap().iter().find(|r| r["path"] == path).cloned().unwrap();
        let parquet_resource = resource(&format!("{table}.parquet"));
        assert_eq!(parquet_resource["format"], "parquet");
        let csv_resource = resource(&format!("{table}.csv"));
        assert_eq!(parquet_resource["schema"], csv_resource["schema"]);
        let fields = csv_resource["schema"]["fields"].as_array().unwrap().clone();
        for (column, field) in schema.columns().iter().zip(&fields) {
            let want = match field["type"].as_str().unwrap() {
                "integer" => PhysicalType::INT64,
                "number" => PhysicalType::DOUBLE,
                "boolean" => PhysicalType::BOOLEAN,
                _ => PhysicalType::BYTE_ARRAY,
            };
            assert_eq!(column.physical_type(), want, "{}", column.name());
        }
        let mut rows = reader.get_row_iter(None).unwrap();
        let mut n = 0;
        for (line, record) in csv.records().enumerate() {
            let record = record.unwrap();
            let row = rows.next().unwrap_or_else(|| panic!("{table}.parquet ends before line {}", line + 2)).unwrap();
            let cells: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
            assert_eq!(cells.len(), record.len());
            for ((cell, value), name) in record.iter().zip(cells).zip(&header) {
                let same = match value {
                    Field::Null => cell.is_empty(),
                    Field::Long(v) => cell.parse::<i64>() == Ok(*v),
                    Field::Double(v) => cell.parse::<f64>() == Ok(*v),
                    Field::Bool(v) => cell.parse::<bool>() == Ok(*v),
                    Field::Str(v) => cell == v,
                    other => panic!("{name}: unexpected {other:?}"),
                };
                assert!(same, "{table} line {}, {name}: CSV {cell:?}, Parquet {value:?}", line + 2);
            }
            n += 1;
        }
        assert!(rows.next().is_none(), "{table}.parquet has more rows than {table}.csv");
        n
    }

    /// The manifest lists `file` with the SHA-256 of its bytes.
    fn assert_listed(dir: &Path, file: &str) {
        let manifest = json(&dir.join("manifest.json"));
        assert!(manifest["files"].as_array().unwrap().iter().any(|f| f == file), "{file} not in files");
        let digest = heartland::results::shard::file_sha256(&dir.join(file)).unwrap();
        assert_eq!(manifest["file_sha256"][file], digest.as_str());
    }

    fn run(out: &Path, threads: &str) {
        let tiny = s(&fixture("tiny.toml"));
        ok(&heartland(&["run", &tiny, "--runs", "9", "--threads", threads, "--parquet", "-q", "--out", &s(out)]));
    }

    #[test]
    fn parquet_runs_equal_the_csv_and_are_listed_in_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        run(&out, "2");
        assert_eq!(assert_equals_csv(&out, "runs"), 9);
        assert_listed(&out, "runs.parquet");
        // The set reads back whole: the report's reader checks every digest.
        ok(&heartland(&["plot", &s(&out), "-q"]));
    }

    #[test]
    fn parquet_is_byte_identical_at_one_and_two_threads() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("one"), dir.path().join("two"));
        run(&one, "1");
        run(&two, "2");
        let read = |d: &Path| std::fs::read(d.join("runs.parquet")).unwrap();
        assert!(read(&one).starts_with(b"PAR1"));
        assert_eq!(read(&one), read(&two));
    }

    #[test]
    fn parquet_points_and_runs_of_a_sweep_equal_the_csv() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sweep");
        let sweep = s(&fixture("tiny_sweep.toml"));
        ok(&heartland(&["sweep", &sweep, "--per-run", "--threads", "2", "--parquet", "-q", "--out", &s(&out)]));
        assert_eq!(assert_equals_csv(&out, "points"), 6);
        assert_eq!(assert_equals_csv(&out, "runs"), 6 * 12);
        assert_listed(&out, "points.parquet");
        assert_listed(&out, "runs.parquet");
        // Without --parquet the next set has none, and the old files go with the old manifest.
        ok(&heartland(&["sweep", &sweep, "--threads", "2", "-q", "--out", &s(&out)]));
        assert!(!out.join("points.parquet").exists() && !out.join("runs.parquet").exists());
    }

    #[test]
    fn parquet_of_merged_shards_equals_the_single_run_and_shards_refuse_it() {
        let dir = tempfile::tempdir().unwrap();
        let single = dir.path().join("single");
        run(&single, "1");
        let tiny = s(&fixture("tiny.toml"));
        let refused_shard = dir.path().join("refused");
        let args = ["run", &tiny, "--runs", "9", "--shard", "0/2", "--parquet", "-q", "--out", &s(&refused_shard)];
        refused(&args, &refused_shard, "--parquet with --shard");
        let mut shards = Vec::new();
        for k in 0..2 {
            let shard = dir.path().join(format!("shard{k}"));
            let index = format!("{k}/2");
            ok(&heartland(&["run", &tiny, "--runs", "9", "--shard", &index, "-q", "--out", &s(&shard)]));
            shards.push(s(&shard));
        }
        let merged = dir.path().join("merged");
        let mut args = vec!["merge", "--parquet", "-q", "--out"];
        let merged_s = s(&merged);
        args.push(&merged_s);
        args.extend(shards.iter().map(String::as_str));
        ok(&heartland(&args));
        let read = |d: &Path| std::fs::read(d.join("runs.parquet")).unwrap();
        assert_eq!(read(&single), read(&merged));
        assert_listed(&merged, "runs.parquet");
    }
}
