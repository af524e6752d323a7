//! `datapackage.json`: a Frictionless Data package descriptor beside every result set, so that
//! pandas, polars, R and the frictionless tools read each table typed.
//!
//! One `tabular-data-resource` per CSV table of the set (and per Parquet copy of one, `format:
//! parquet`, with the CSV's schema), with its `path`, and a table schema:
//! each column's `name`, `type` (`integer`, `number`, `date`, `boolean` or `string`) and a
//! `description` with its unit where it has one. Empty cells are missing values
//! (`missingValues: [""]`), so a column that is empty in every row (an outcome never reached)
//! keeps its type (`date`) instead of being guessed from nothing.
//!
//! Types come from the column's name ([`column()`]), as the writers define them, not from the
//! values, so they do not change from one run to the next; a name with no rule is a `number`
//! when every cell is one and a `string` otherwise (labels, ids, claims).

use std::path::Path;

use serde_json::{Value, json};

use super::atomic::{OutputError, write_json};

/// The type and description of a column, from its name; `None` for a name without a rule.
pub fn column(name: &str) -> Option<(&'static str, &'static str)> {
    let is = |prefix: &str| name.starts_with(prefix);
    Some(match name {
        "run" => ("integer", "the run's index: its random stream"),
        "point" => ("integer", "the design point's index"),
        "replication" => ("integer", "the run's index within its design point"),
        "runs" | "reached" | "decisions" | "box" => ("integer", "a count"),
        // A tournament's tables.
        "rank" => ("integer", "1 is the best"),
        "wins" | "opponent_wins" | "draws" | "fixations" | "population" | "repetitions" => ("integer", "a count"),
        "repetition" => ("integer", "the repetition's index"),
        "date" | "median_first_date" => ("date", "ISO 8601 date, the first day of a turn's period"),
        "clear" | "chosen" => ("boolean", "true or false"),
        "probability" | "ci_low" | "ci_high" | "base" | "variant" | "change" => {
            ("number", "a probability or its difference, 0 to 1 (share of runs)")
        }
        "variable" => ("string", "the metric's kind: state, trust, influence, coop, coop_rate, outcome or event"),
        "name" => ("string", "a state variable's, an outcome's or an event's id; empty for other kinds"),
        "issue" => ("string", "the issue of coop and coop_rate; empty for other kinds"),
        "domain" => ("string", "the influence domain of influence; empty for other kinds"),
        "actor" => ("string", "the participant of coop.ISSUE.ACTOR and coop_rate.ISSUE.ACTOR; empty otherwise"),
        "from_actor" => ("string", "who trusts (trust), the patron (influence); empty for other kinds"),
        "to_actor" => ("string", "who is trusted (trust), the client (influence); empty for other kinds"),
        "mean" | "p05" | "p50" | "p95" => (
            "number",
            "across runs, in the metric's own units: state variables in their [min, max], shares and rates 0 to 1",
        ),
        _ if is("outcome.") && !name.ends_with(".probability") && !name.contains(".ci_") => {
            ("date", "the date the outcome was first reached (ISO 8601); empty: never")
        }
        _ if is("event.") => ("date", "the date the event first fired (ISO 8601); empty: never"),
        _ if is("final.") || is("output.") => ("number", "the metric's value at the end of the run, in its own units"),
        _ if is("utility.") => ("number", "utility accumulated over the run (model units)"),
        _ if name.ends_with(".probability") || name.contains(".ci_") => ("number", "a probability, 0 to 1"),
        _ => return None,
    })
}

/// A resource's name: lower case letters, digits and `-._`, as the specification asks.
fn resource_name(path: &str) -> String {
    let stem = path.strip_suffix(".csv").unwrap_or(path);
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() || "-._".contains(c) { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

/// A column of a table: its name, its type and its description when its name has a rule.
pub type TypedColumn = (String, &'static str, Option<&'static str>);

/// The columns of the CSV file at `path`, in its header's order: each name, its type
/// (`integer`, `number`, `date`, `boolean` or `string`) and its description when its name has
/// a rule. `runs.parquet` and `points.parquet` take their column types from here too.
pub fn column_types(path: &Path) -> Result<Vec<TypedColumn>, OutputError> {
    let csv_err = |e: csv::Error| OutputError::Csv { path: path.to_path_buf(), source: e };
    let mut reader = csv::Reader::from_path(path).map_err(csv_err)?;
    let header: Vec<String> = reader.headers().map_err(csv_err)?.iter().map(String::from).collect();
    let ruled: Vec<Option<(&str, &str)>> = header.iter().map(|h| column(h)).collect();
    // Columns without a rule: numbers unless some cell is not one.
    let mut numeric = vec![true; header.len()];
    if ruled.iter().any(Option::is_none) {
        for row in reader.records() {
            let row = row.map_err(csv_err)?;
            for (i, cell) in row.iter().enumerate() {
                if ruled.get(i).is_some_and(Option::is_none) && !cell.is_empty() && cell.parse::<f64>().is_err() {
                    numeric[i] = false;
                }
            }
        }
    }
    Ok(header
        .into_iter()
        .zip(&ruled)
        .zip(&numeric)
        .map(|((name, rule), &numeric)| match rule {
            Some((kind, description)) => (name, *kind, Some(*description)),
            None if numeric => (name, "number", None),
            None => (name, "string", None),
        })
        .collect())
}

/// The table schema of the CSV file at `path`: its header's columns, typed.
fn schema(path: &Path) -> Result<Value, OutputError> {
    let fields: Vec<Value> = column_types(path)?
        .into_iter()
        .map(|(name, kind, description)| match description {
            Some(description) => json!({"name": name, "type": kind, "description": description}),
            None => json!({"name": name, "type": kind}),
        })
        .collect();
    Ok(json!({"fields": fields, "missingValues": [""]}))
}

/// Writes `dir/datapackage.json` describing the CSV tables among `files` (paths relative to
/// `dir`), for the package `name`.
pub fn write_datapackage(dir: &Path, name: &str, files: &[&str]) -> Result<(), OutputError> {
    let mut resources = Vec::new();
    for file in files {
        if file.ends_with(".csv") {
            resources.push(json!({
                "name": resource_name(file),
                "path": file,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema(&dir.join(file))?,
            }));
        } else if let Some(stem) = file.strip_suffix(".parquet") {
            // A Parquet copy of a CSV table: the same columns and types, nulls for empty cells.
            resources.push(json!({
                "name": format!("{}-parquet", resource_name(stem)),
                "path": file,
                "profile": "tabular-data-resource",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "schema": schema(&dir.join(format!("{stem}.csv")))?,
            }));
        }
    }
    let package = json!({
        "profile": "tabular-data-package",
        "name": resource_name(&name.to_lowercase()),
        "title": name,
        "resources": resources,
    });
    write_json(&package, &dir.join("datapackage.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_typed_by_name_and_an_empty_date_column_stays_a_date() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("runs.csv"),
            "run,actors.x.capability,outcome.o,event.e,final.state.t,label\n0,0.5,,,1,a\n1,0.25,,2015-01-01,2,b c\n",
        )
        .unwrap();
        write_datapackage(dir.path(), "Tiny run", &["runs.csv", "manifest.json"]).unwrap();
        let p: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("datapackage.json")).unwrap()).unwrap();
        assert_eq!(p["name"], "tiny-run");
        assert_eq!(p["resources"].as_array().unwrap().len(), 1);
        let fields = p["resources"][0]["schema"]["fields"].as_array().unwrap();
        let types: Vec<&str> = fields.iter().map(|f| f["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["integer", "number", "date", "date", "number", "string"]);
        assert_eq!(p["resources"][0]["schema"]["missingValues"], json!([""]));
    }

    /// `series.csv`'s subject columns are strings even when every cell is empty (a scenario
    /// that records no trust leaves `from_actor` and `to_actor` empty), never guessed numbers.
    #[test]
    fn empty_subject_columns_of_series_stay_strings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("series.csv"),
            "date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n\
             2014-01-01,state,t,,,,,,0.5,0,0.5,1\n2014-01-01,outcome,o,,,,,,0,0,0,0\n",
        )
        .unwrap();
        write_datapackage(dir.path(), "S", &["series.csv"]).unwrap();
        let p: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("datapackage.json")).unwrap()).unwrap();
        let fields = p["resources"][0]["schema"]["fields"].as_array().unwrap();
        let types: Vec<&str> = fields.iter().map(|f| f["type"].as_str().unwrap()).collect();
        assert_eq!(
            types,
            [
                "date", "string", "string", "string", "string", "string", "string", "string", "number", "number",
                "number", "number"
            ]
        );
    }
}
