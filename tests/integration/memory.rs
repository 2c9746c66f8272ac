//! Bounded memory: under a memory pool several times smaller than the input, forecast,
//! forecast with fitted values and cross_validation give the same rows as without a
//! limit (the sort below the exec spills), within a timeout that fails on a hang; what
//! cannot fit is a clear "Resources exhausted" error naming what was too big.

use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::{FairSpillPool, GreedyMemoryPool, MemoryPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::common::session;

/// The panel's rows: long ids make it wide, so that 1.5M rows weigh over 80 MB.
const PANEL: &str = "SELECT 'a-long-series-identifier-to-make-rows-wide-' || unique_id AS unique_id, ds, y \
                     FROM generate_panel(6000, 'D', 100, 400, seed => 5)";
/// The same rows in `(id, ds)` order as they are generated (the ids above sort as text:
/// "-10" before "-9", so that panel arrives out of order).
const SORTED_PANEL: &str = "SELECT 'a-long-series-identifier-to-make-rows-wide-' || lpad(CAST(unique_id AS VARCHAR), 4, '0') AS unique_id, ds, y \
                     FROM generate_panel(6000, 'D', 100, 400, seed => 5)";
/// Pool of the limited runs (fair, as dfcast's default): the panel above is over 5
/// times larger. The spill merges' fan-in is capped (`max_spill_merge_fan_in`) so that
/// one sort's merge cannot take the whole pool from the other's.
const POOL_BYTES: usize = 16 << 20;
/// A hang fails the test instead of blocking CI.
const TIMEOUT: Duration = Duration::from_secs(600);

pub(crate) fn limited_session(pool: Arc<dyn MemoryPool>) -> SessionContext {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(pool)
        .with_disk_manager_builder(DiskManagerBuilder::default().with_max_spill_merge_fan_in(8))
        .build_arc()
        .unwrap();
    let config = SessionConfig::new()
        .with_target_partitions(2)
        .with_batch_size(1024)
        .with_sort_spill_reservation_bytes(2 << 20);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features();
    let ctx = SessionContext::new_with_state(datafusion_forecast::install(state).build());
    datafusion_forecast::register(&ctx).unwrap();
    ctx
}

pub(crate) async fn sorted_rows(
    ctx: &SessionContext,
    sql: &str,
) -> datafusion::common::Result<String> {
    let sql = format!("SELECT * FROM ({sql}) ORDER BY 1, 2, 3");
    let run = async {
        let batches: Vec<RecordBatch> = ctx.sql(&sql).await?.collect().await?;
        Ok(pretty_format_batches(&batches)?.to_string())
    };
    tokio::time::timeout(TIMEOUT, run)
        .await
        .unwrap_or_else(|_| panic!("no answer within {TIMEOUT:?} (a hang?): {sql}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_pool_spills_and_gives_the_unlimited_output() {
    let unlimited = session(2);
    let size: i64 = {
        let batches = unlimited
            .sql(&format!(
                "SELECT sum(octet_length(unique_id) + 12) FROM ({PANEL})"
            ))
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        datafusion::arrow::array::AsArray::as_primitive::<datafusion::arrow::datatypes::Int64Type>(
            batches[0].column(0),
        )
        .value(0)
    };
    assert!(
        size as usize >= 5 * POOL_BYTES,
        "the input ({size} bytes) must be 5x the pool"
    );
    let queries = [
        format!(
            "SELECT * FROM forecast(({PANEL}), h => 7, models => 'Naive(), SeasonalNaive(season_length=7)', level => [80])"
        ),
        format!(
            "SELECT * FROM forecast(({PANEL}), h => 3, models => 'SeasonalNaive(season_length=7)', fitted => true)"
        ),
        format!(
            "SELECT * FROM cross_validation(({PANEL}), h => 7, n_windows => 2, step_size => 7, models => 'Naive(), HistoricAverage()')"
        ),
        // Arriving in order, the rows are held unsorted until the pool refuses them.
        format!(
            "SELECT * FROM forecast(({SORTED_PANEL}), h => 7, models => 'Naive(), SeasonalNaive(season_length=7)', level => [80])"
        ),
    ];
    for sql in &queries {
        let expected = sorted_rows(&unlimited, sql).await.unwrap();
        // The fair pool (dfcast's default) lets the two partitions' sorts spill in turn.
        let fair = limited_session(Arc::new(FairSpillPool::new(POOL_BYTES)));
        let actual = sorted_rows(&fair, sql)
            .await
            .unwrap_or_else(|e| panic!("fair pool of {POOL_BYTES} bytes: {sql}: {e}"));
        assert!(actual == expected, "fair pool: output differs for {sql}");
    }
}

#[tokio::test]
async fn a_horizon_too_large_for_the_pool_names_the_series() {
    let ctx = limited_session(Arc::new(GreedyMemoryPool::new(64 << 20)));
    let error = sorted_rows(
        &ctx,
        "SELECT * FROM forecast((SELECT unique_id, ds, y FROM generate_panel(1, 'D', 20, 20)), h => 100000000, models => 'Naive()', level => [95])",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(error.contains("Resources exhausted"), "{error}");
    assert!(
        error.contains(
            "forecast: the output of series '0' (100000000 rows of 3 value columns) needs ~"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn without_a_limit_a_horizon_the_machine_cannot_hold_is_refused() {
    let ctx = session(2);
    let error = sorted_rows(
        &ctx,
        "SELECT * FROM forecast((SELECT unique_id, ds, y FROM generate_panel(1, 'D', 20, 20)), h => 1000000000000, models => 'Naive()')",
    )
    .await
    .unwrap_err()
    .to_string();
    if std::fs::metadata("/proc/meminfo").is_ok() {
        assert!(error.contains("available on this machine"), "{error}");
    }
    assert!(error.contains("series '0'"), "{error}");
}

#[tokio::test]
async fn generate_panel_streams_within_a_small_pool() {
    let ctx = limited_session(Arc::new(GreedyMemoryPool::new(4 << 20)));
    // ~2.5M rows, several times the pool, counted without holding them.
    let batches = ctx
        .sql("SELECT count(*), count(DISTINCT unique_id) FROM generate_panel(10000, 'D', 200, 300)")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let text = pretty_format_batches(&batches).unwrap().to_string();
    assert!(text.contains("| 10000 "), "{text}");
    let tiny = limited_session(Arc::new(GreedyMemoryPool::new(16 << 10)));
    let error = tiny
        .sql("SELECT count(*) FROM generate_panel(10, 'D')")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("generate_panel: one batch of 1024 rows needs"),
        "{error}"
    );
    assert!(error.contains("Resources exhausted"), "{error}");
}

/// The sort runs below the hash shuffle (one per input partition) and the shuffle merges
/// in order; an input already ordered by (id, ds) is not sorted again.
#[tokio::test]
async fn the_sort_runs_before_an_order_preserving_shuffle() {
    use datafusion::arrow::array::{Float64Array, Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::datasource::MemTable;

    let schema = Arc::new(Schema::new(vec![
        Field::new("unique_id", DataType::Utf8, false),
        Field::new("ds", DataType::Int64, false),
        Field::new("y", DataType::Float64, false),
    ]));
    let part = |id: &str| {
        vec![
            RecordBatch::try_new(
                Arc::clone(&schema),
                vec![
                    Arc::new(StringArray::from(vec![id; 3])),
                    Arc::new(Int64Array::from(vec![1, 2, 3])),
                    Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0])),
                ],
            )
            .unwrap(),
        ]
    };
    let ctx = session(4);
    let table = MemTable::try_new(Arc::clone(&schema), vec![part("a"), part("b")]).unwrap();
    ctx.register_table("two", Arc::new(table)).unwrap();
    let plan = |sql: &'static str| {
        let ctx = ctx.clone();
        async move {
            let batches = ctx
                .sql(&format!("EXPLAIN {sql}"))
                .await
                .unwrap()
                .collect()
                .await
                .unwrap();
            pretty_format_batches(&batches).unwrap().to_string()
        }
    };
    let text = plan("SELECT * FROM forecast('two', h => 2, models => 'Naive()')").await;
    let shuffle = text.find("RepartitionExec: partitioning=Hash([unique_id@0], 4), input_partitions=2, preserve_order=true");
    let sort = text.find("SortUnlessSortedExec: expr=[unique_id@0 ASC, ds@1 ASC]");
    assert!(
        matches!((shuffle, sort), (Some(s), Some(o)) if s < o),
        "{text}"
    );
    let rows = sorted_rows(
        &ctx,
        "SELECT * FROM forecast('two', h => 2, models => 'Naive()')",
    )
    .await
    .unwrap();
    assert_eq!(rows.matches("| 3.0   |").count(), 4, "{rows}");
}
