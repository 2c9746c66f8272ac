//! Shared helpers: sessions, fixture loading, and keyed tables for value comparison.

use std::collections::HashMap;
use std::path::PathBuf;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema};
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

pub(crate) fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

pub(crate) fn session(target_partitions: usize) -> SessionContext {
    datafusion_forecast::session_context(
        SessionConfig::new().with_target_partitions(target_partitions),
    )
}

/// Registers `<dataset>_train.csv` as table `train` (unique_id Utf8, ds Date32, y Float64).
pub(crate) async fn register_train(ctx: &SessionContext, dataset: &str) {
    let schema = Schema::new(vec![
        Field::new("unique_id", DataType::Utf8, false),
        Field::new("ds", DataType::Date32, false),
        Field::new("y", DataType::Float64, true),
    ]);
    ctx.register_csv(
        "train",
        &fixture(&format!("{dataset}_train.csv")),
        CsvReadOptions::new().schema(&schema),
    )
    .await
    .expect("train CSV registers");
}

pub(crate) async fn query(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
    match ctx.sql(sql).await {
        Ok(df) => df
            .collect()
            .await
            .unwrap_or_else(|e| panic!("query failed: {e}\n{sql}")),
        Err(e) => panic!("planning failed: {e}\n{sql}"),
    }
}

/// Row key: series id, ds (as i64), and the cutoff when present.
pub(crate) type Key = (String, i64, Option<i64>);

/// Float columns of a result, addressable by key and column name.
pub(crate) struct Table {
    pub(crate) rows: HashMap<Key, usize>,
    pub(crate) columns: HashMap<String, Vec<Option<f64>>>,
    pub(crate) order: Vec<Key>,
}

impl Table {
    pub(crate) fn from_batches(batches: &[RecordBatch]) -> Self {
        let mut table = Table {
            rows: HashMap::new(),
            columns: HashMap::new(),
            order: Vec::new(),
        };
        for batch in batches {
            let schema = batch.schema();
            let ids = cast(
                batch.column_by_name("unique_id").expect("unique_id"),
                &DataType::Utf8,
            )
            .unwrap();
            let ids = ids.as_string::<i32>();
            let ds = cast(batch.column_by_name("ds").expect("ds"), &DataType::Int64).unwrap();
            let ds = ds.as_primitive::<Int64Type>();
            let cutoff = batch
                .column_by_name("cutoff")
                .map(|c| cast(c, &DataType::Int64).unwrap());
            let base = table.order.len();
            for row in 0..batch.num_rows() {
                let key = (
                    ids.value(row).to_string(),
                    ds.value(row),
                    cutoff
                        .as_ref()
                        .map(|c| c.as_primitive::<Int64Type>().value(row)),
                );
                table.rows.insert(key.clone(), base + row);
                table.order.push(key);
            }
            for (i, field) in schema.fields().iter().enumerate() {
                if !matches!(field.data_type(), DataType::Float64 | DataType::Float32) {
                    continue;
                }
                let values = cast(batch.column(i), &DataType::Float64).unwrap();
                let values = values.as_primitive::<Float64Type>();
                let column = table.columns.entry(field.name().clone()).or_default();
                column.resize(base, None);
                column.extend(
                    (0..values.len()).map(|r| (!values.is_null(r)).then(|| values.value(r))),
                );
            }
        }
        let n = table.order.len();
        for column in table.columns.values_mut() {
            column.resize(n, None);
        }
        table
    }

    pub(crate) fn value(&self, key: &Key, column: &str) -> Option<Option<f64>> {
        let row = *self.rows.get(key)?;
        Some(self.columns.get(column)?[row])
    }
}

/// Relative tolerance of the parity tests.
pub(crate) const RELATIVE_TOLERANCE: f64 = 1e-6;

/// Equal within [`RELATIVE_TOLERANCE`] (with an absolute floor of 1e-10 for values near
/// zero); NaN equals NaN.
pub(crate) fn close(actual: f64, expected: f64) -> bool {
    if expected.is_nan() || actual.is_nan() {
        return expected.is_nan() && actual.is_nan();
    }
    (actual - expected).abs() <= RELATIVE_TOLERANCE * expected.abs() + 1e-10
}

/// One cell that differs.
pub(crate) struct Mismatch {
    pub(crate) key: Key,
    pub(crate) column: String,
    pub(crate) expected: f64,
    pub(crate) actual: Option<f64>,
}

/// Compares every non-NULL cell of `expected` in `columns` with `actual`. A NULL in the
/// fixture means statsforecast did not produce the value (it raised for that series).
pub(crate) fn compare(
    expected: &Table,
    actual: &Table,
    columns: &[String],
) -> (usize, Vec<Mismatch>) {
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for column in columns {
        let Some(values) = expected.columns.get(column) else {
            panic!("fixture has no column {column}");
        };
        for (row, key) in expected.order.iter().enumerate() {
            let Some(want) = values[row] else { continue };
            checked += 1;
            let got = actual.value(key, column).flatten();
            if !got.is_some_and(|g| close(g, want)) {
                mismatches.push(Mismatch {
                    key: key.clone(),
                    column: column.clone(),
                    expected: want,
                    actual: got,
                });
            }
        }
    }
    (checked, mismatches)
}

pub(crate) async fn read_fixture(ctx: &SessionContext, name: &str) -> Vec<RecordBatch> {
    ctx.read_parquet(fixture(name), Default::default())
        .await
        .expect("fixture parquet reads")
        .collect()
        .await
        .expect("fixture parquet collects")
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (id, ds, cutoff) = &self.key;
        write!(
            f,
            "{id} ds={ds} cutoff={cutoff:?} {}: expected {}, got {:?}",
            self.column, self.expected, self.actual
        )
    }
}
