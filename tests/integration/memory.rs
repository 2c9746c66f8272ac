//! Bounded memory: under a memory pool far smaller than the input, forecast,
//! forecast with fitted values and cross_validation give the same rows as without a
//! limit (the sort below the exec spills), within a timeout that fails on a hang; what
//! cannot fit is a clear "Resources exhausted" error naming what was too big.

use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::memory_pool::{FairSpillPool, GreedyMemoryPool, MemoryPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::common::session;

/// The panel's rows: long ids make it wide, so that a few million rows weigh 100+ MB.
const PANEL: &str = "SELECT 'a-long-series-identifier-to-make-rows-wide-' || unique_id AS unique_id, ds, y \
                     FROM generate_panel(8000, 'D', 100, 400, seed => 5)";
/// Pool of the limited runs: the panel above is over 20 times larger.
const POOL_BYTES: usize = 8 << 20;
/// A hang fails the test instead of blocking CI.
const TIMEOUT: Duration = Duration::from_secs(600);

fn limited_session(pool: Arc<dyn MemoryPool>) -> SessionContext {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(pool)
        .build_arc()
        .unwrap();
    let config = SessionConfig::new()
        .with_target_partitions(2)
        .with_batch_size(1024)
        .with_sort_spill_reservation_bytes(256 << 10);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features();
    let ctx = SessionContext::new_with_state(datafusion_forecast::install(state).build());
    datafusion_forecast::register(&ctx).unwrap();
    ctx
}

async fn sorted_rows(ctx: &SessionContext, sql: &str) -> datafusion::common::Result<String> {
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
        size as usize >= 20 * POOL_BYTES,
        "the input ({size} bytes) must be 20x the pool"
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
    ];
    let pools: [(&str, fn() -> Arc<dyn MemoryPool>); 2] = [
        ("greedy", || Arc::new(GreedyMemoryPool::new(POOL_BYTES))),
        ("fair", || Arc::new(FairSpillPool::new(POOL_BYTES))),
    ];
    for sql in &queries {
        let expected = sorted_rows(&unlimited, sql).await.unwrap();
        for (name, pool) in &pools {
            let actual = sorted_rows(&limited_session(pool()), sql)
                .await
                .unwrap_or_else(|e| panic!("{name} pool of {POOL_BYTES} bytes: {sql}: {e}"));
            assert!(actual == expected, "{name} pool: output differs for {sql}");
        }
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
    let tiny = limited_session(Arc::new(GreedyMemoryPool::new(64 << 10)));
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
