//! Inputs on disk (a Ballista cluster cannot read memory tables) and exact comparison of
//! results.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionContext};
use datafusion_forecast::logical::Freq;
use datafusion_forecast::panel::PanelSpec;

/// Longest a single query may take in these tests.
pub(crate) const QUERY_TIMEOUT: Duration = Duration::from_secs(180);

/// Writes a generated daily panel of `n_series` series as `files` Parquet files under
/// `dir/panel/` and returns that directory.
pub(crate) fn write_panel(
    dir: &Path,
    n_series: usize,
    min_length: usize,
    max_length: usize,
    files: usize,
) -> PathBuf {
    let spec = PanelSpec {
        n_series,
        freq: Freq::days(1),
        season_length: 7,
        min_length,
        max_length,
        n_static_features: 0,
        equal_ends: false,
        seed: 42,
    };
    let out = dir.join("panel");
    fs::create_dir_all(&out).unwrap();
    for (i, batches) in spec.generate(files, 8192).unwrap().into_iter().enumerate() {
        let file = fs::File::create(out.join(format!("part-{i}.parquet"))).unwrap();
        let mut writer = ArrowWriter::try_new(file, spec.schema(), None).unwrap();
        for batch in &batches {
            writer.write(batch).unwrap();
        }
        writer.close().unwrap();
    }
    out
}

/// Writes the future values of the regressor `promo` (the day of the week, as
/// [`PANEL_WITH_PROMO`] computes it) for the 14 days after each series of the panel
/// under `panel` as Parquet under `dir/panel_future/`, and returns that directory. The
/// forecasts read 7 of them: the others are past the horizon.
pub(crate) async fn write_future(dir: &Path, panel: &Path) -> PathBuf {
    let ctx = SessionContext::new();
    register_parquet_dir(&ctx, "panel", panel).await;
    let out = dir.join("panel_future");
    fs::create_dir_all(&out).unwrap();
    let sql = format!(
        "COPY (SELECT unique_id, ds, CAST(date_part('dow', ds) AS DOUBLE) AS promo FROM ( \
           SELECT unique_id, CAST(CAST(last AS INT) + k AS DATE) AS ds \
           FROM (SELECT unique_id, max(ds) AS last FROM panel GROUP BY unique_id) \
           CROSS JOIN (SELECT value AS k FROM generate_series(1, 14)))) \
         TO '{}/part-0.parquet' STORED AS PARQUET",
        out.display()
    );
    ctx.sql(&sql)
        .await
        .expect("future plans")
        .collect()
        .await
        .expect("future is written");
    out
}

/// The panel with the regressor `promo` (the day of the week).
pub(crate) const PANEL_WITH_PROMO: &str =
    "(SELECT unique_id, ds, y, CAST(date_part('dow', ds) AS DOUBLE) AS promo FROM panel)";

/// Registers the Parquet directory written by [`write_future`] as `panel_future`.
pub(crate) async fn register_future(ctx: &SessionContext, future: &Path) {
    register_parquet_dir(ctx, "panel_future", future).await;
}

/// Registers the Parquet directory `dir` as table `name`.
async fn register_parquet_dir(ctx: &SessionContext, name: &str, dir: &Path) {
    ctx.register_parquet(
        name,
        &format!("{}/", dir.display()),
        ParquetReadOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("{name} registers: {e}"));
}

/// The vendored monthly M1 training CSV.
pub(crate) fn m1_csv() -> String {
    format!(
        "{}/tests/fixtures/m1_monthly_train.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Registers `panel` (Parquet directory) and `m1` (CSV) on `ctx`.
pub(crate) async fn register_inputs(ctx: &SessionContext, panel: &Path) {
    register_parquet_dir(ctx, "panel", panel).await;
    ctx.register_csv("m1", &m1_csv(), CsvReadOptions::new())
        .await
        .expect("m1 registers");
}

/// Runs `sql` within [`QUERY_TIMEOUT`].
pub(crate) async fn run(
    ctx: &SessionContext,
    sql: &str,
) -> datafusion::common::Result<Vec<RecordBatch>> {
    let query = async { ctx.sql(sql).await?.collect().await };
    match tokio::time::timeout(QUERY_TIMEOUT, query).await {
        Ok(result) => result,
        Err(_) => panic!("query did not finish within {QUERY_TIMEOUT:?}:\n{sql}"),
    }
}

/// Every row as text, floats at full (round-trip) precision, in sorted order: equal
/// vectors mean the same multiset of rows, value for value.
pub(crate) fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let options = FormatOptions::default().with_null("NULL");
    let mut rows = Vec::new();
    for batch in batches {
        let formatters: Vec<ArrayFormatter> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap())
            .collect();
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = formatters
                .iter()
                .map(|f| f.value(row).to_string())
                .collect();
            rows.push(cells.join("|"));
        }
    }
    rows.sort();
    rows
}

/// The `key` columns (leading) of each row appear once.
pub(crate) fn assert_unique_keys(rows: &[String], key_columns: usize, what: &str) {
    let mut keys: Vec<String> = rows
        .iter()
        .map(|r| r.split('|').take(key_columns).collect::<Vec<_>>().join("|"))
        .collect();
    let total = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), total, "{what}: duplicated rows");
}
