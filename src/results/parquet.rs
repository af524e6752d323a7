//! `runs.parquet` and `points.parquet` (`--parquet`, cargo feature `parquet`): typed copies of
//! `runs.csv` and `points.csv` for readers of millions of rows.
//!
//! Same columns (names and order) and rows as the CSV file, converted from it once it is
//! complete, so the two can never disagree and the Monte Carlo's hot path is untouched. Each
//! column is typed as `datapackage.json` types it ([`column_types`]): `integer` as INT64,
//! `number` as DOUBLE, `boolean` as BOOLEAN, `date` and `string` as UTF8 byte arrays; every
//! column is optional and an empty cell ("never", "none") is a null. Plain encoding, no
//! dictionary, no compression (the crate is built without codecs), row groups of
//! [`ROW_GROUP`] rows; nothing in the file depends on the clock or the thread count, so equal
//! CSV files give byte-identical Parquet files.
//!
//! Numbers are the CSV's decimal text parsed back: a DOUBLE holds exactly the value the CSV
//! cell shows (rounded to 9 places, as every writer rounds), not the engine's unrounded one.

use std::path::Path;
use std::sync::Arc;

use ::parquet::basic::{Compression, Encoding, LogicalType, Repetition, Type as PhysicalType};
use ::parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use ::parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::types::Type;

use super::atomic::{AtomicFile, OutputError};
use super::datapackage::column_types;

/// Rows per row group: bounds the memory a conversion holds (about 100 columns × 64 Ki cells).
pub const ROW_GROUP: usize = 65_536;

/// One column's cells of the current row group, typed, with the definition level of each row
/// (1: a value, 0: null).
enum Cells {
    Int(Vec<i64>),
    Double(Vec<f64>),
    Bool(Vec<bool>),
    Text(Vec<ByteArray>),
}

struct Column {
    cells: Cells,
    defined: Vec<i16>,
}

/// Writes `dir/parquet_name` from `dir/csv_name` (complete), atomically.
pub fn write_from_csv(dir: &Path, csv_name: &str, parquet_name: &str) -> Result<(), OutputError> {
    let (src, dest) = (dir.join(csv_name), dir.join(parquet_name));
    let fail = |message: String| OutputError::Parquet { path: dest.clone(), message };
    let types = column_types(&src)?;
    let fields = types
        .iter()
        .map(|(name, kind, _)| {
            let (physical, logical) = match *kind {
                "integer" => (PhysicalType::INT64, None),
                "number" => (PhysicalType::DOUBLE, None),
                "boolean" => (PhysicalType::BOOLEAN, None),
                _ => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
            };
            Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))?;
    let schema = Type::group_type_builder("schema").with_fields(fields).build().map_err(|e| fail(e.to_string()))?;
    let props = WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .set_encoding(Encoding::PLAIN)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .build();
    let mut file = AtomicFile::create(&dest)?;
    let mut writer =
        SerializedFileWriter::new(file.writer(), Arc::new(schema), Arc::new(props)).map_err(|e| fail(e.to_string()))?;
    let fresh = || -> Vec<Column> {
        types
            .iter()
            .map(|(_, kind, _)| Column {
                cells: match *kind {
                    "integer" => Cells::Int(Vec::new()),
                    "number" => Cells::Double(Vec::new()),
                    "boolean" => Cells::Bool(Vec::new()),
                    _ => Cells::Text(Vec::new()),
                },
                defined: Vec::new(),
            })
            .collect()
    };
    let mut columns = fresh();
    let mut rows = 0;
    let csv_err = |e: csv::Error| OutputError::Csv { path: src.clone(), source: e };
    let mut reader = csv::Reader::from_path(&src).map_err(csv_err)?;
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(csv_err)?;
        for (i, column) in columns.iter_mut().enumerate() {
            let cell = record.get(i).unwrap_or("");
            if cell.is_empty() {
                column.defined.push(0);
                continue;
            }
            let bad = || {
                fail(format!("{csv_name} line {}, column {:?}: {cell:?} is not a {}", line + 2, types[i].0, types[i].1))
            };
            match &mut column.cells {
                Cells::Int(v) => v.push(cell.parse().map_err(|_| bad())?),
                Cells::Double(v) => v.push(cell.parse().map_err(|_| bad())?),
                Cells::Bool(v) => v.push(cell.parse().map_err(|_| bad())?),
                Cells::Text(v) => v.push(ByteArray::from(cell)),
            }
            column.defined.push(1);
        }
        rows += 1;
        if rows == ROW_GROUP {
            write_group(&mut writer, std::mem::replace(&mut columns, fresh())).map_err(|e| fail(e.to_string()))?;
            rows = 0;
        }
    }
    if rows > 0 {
        write_group(&mut writer, columns).map_err(|e| fail(e.to_string()))?;
    }
    writer.close().map_err(|e| fail(e.to_string()))?;
    file.commit()
}

/// Writes one row group: every column's cells, in the schema's order.
fn write_group<W: std::io::Write + Send>(
    writer: &mut SerializedFileWriter<W>,
    columns: Vec<Column>,
) -> ::parquet::errors::Result<()> {
    let mut group = writer.next_row_group()?;
    for column in columns {
        let mut out = group.next_column()?.expect("one column writer per field of the schema");
        let defined = Some(column.defined.as_slice());
        match &column.cells {
            Cells::Int(v) => out.typed::<Int64Type>().write_batch(v, defined, None)?,
            Cells::Double(v) => out.typed::<DoubleType>().write_batch(v, defined, None)?,
            Cells::Bool(v) => out.typed::<BoolType>().write_batch(v, defined, None)?,
            Cells::Text(v) => out.typed::<ByteArrayType>().write_batch(v, defined, None)?,
        };
        out.close()?;
    }
    group.close()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    use ::parquet::record::{Field, RowAccessor};

    use super::*;

    /// Every column type, an empty cell as a null, and the schema's physical types.
    #[test]
    fn a_csv_table_becomes_typed_columns_with_nulls_for_empty_cells() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("runs.csv"),
            "run,actors.x.capability,outcome.o,label,clear\n0,0.5,,a,true\n1,-0.25,2015-01-01,b c,false\n",
        )
        .unwrap();
        write_from_csv(dir.path(), "runs.csv", "runs.parquet").unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(dir.path().join("runs.parquet")).unwrap()).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr();
        let physical: Vec<PhysicalType> = schema.columns().iter().map(|c| c.physical_type()).collect();
        use PhysicalType::*;
        assert_eq!(physical, [INT64, DOUBLE, BYTE_ARRAY, BYTE_ARRAY, BOOLEAN]);
        let rows: Vec<Vec<Field>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().get_column_iter().map(|(_, f)| f.clone()).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec![Field::Long(0), Field::Double(0.5), Field::Null, Field::Str("a".into()), Field::Bool(true)],
                vec![
                    Field::Long(1),
                    Field::Double(-0.25),
                    Field::Str("2015-01-01".into()),
                    Field::Str("b c".into()),
                    Field::Bool(false)
                ],
            ]
        );
    }

    /// More rows than a row group: several groups, every row kept in order.
    #[test]
    fn rows_beyond_one_row_group_are_kept_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("run,final.x\n");
        for i in 0..ROW_GROUP + 3 {
            text.push_str(&format!("{i},{}\n", i as f64 / 4.0));
        }
        std::fs::write(dir.path().join("points.csv"), text).unwrap();
        write_from_csv(dir.path(), "points.csv", "points.parquet").unwrap();
        let reader =
            SerializedFileReader::new(std::fs::File::open(dir.path().join("points.parquet")).unwrap()).unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 2);
        let runs: Vec<i64> = reader.get_row_iter(None).unwrap().map(|r| r.unwrap().get_long(0).unwrap()).collect();
        assert_eq!(runs, (0..(ROW_GROUP + 3) as i64).collect::<Vec<_>>());
    }

    /// A cell that is not of its column's type is a located error, and no file is left.
    #[test]
    fn a_cell_of_the_wrong_type_is_refused_with_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("runs.csv"), "run\n0\nx\n").unwrap();
        let err = write_from_csv(dir.path(), "runs.csv", "runs.parquet").unwrap_err().to_string();
        assert!(err.contains("runs.csv line 3, column \"run\""), "{err}");
        assert!(!dir.path().join("runs.parquet").exists());
    }
}
