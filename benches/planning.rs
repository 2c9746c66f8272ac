//! Planning cost of wide outputs: `forecast(...)` with 500 to 2000 models and two levels
//! (up to 10,002 output columns), SQL text to physical plan, no execution. Compared with
//! a plain DataFusion `SELECT *` of as many literal columns, which pays the same
//! per-column costs of DataFusion's SQL planner.
//!
//! ```text
//! cargo bench --bench planning
//! ```

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use datafusion::prelude::{SessionConfig, SessionContext};
use tokio::runtime::Runtime;

fn forecast_sql(models: usize) -> String {
    let specs: Vec<String> = (0..models)
        .map(|i| format!("Naive(alias='n{i}')"))
        .collect();
    format!(
        "SELECT * FROM forecast((SELECT 'a' AS unique_id, CAST(1 AS BIGINT) AS ds, 1.0 AS y \
         UNION ALL SELECT 'a', 2, 2.0), h => 1, models => \"{}\", level => [80, 95])",
        specs.join(", ")
    )
}

fn plain_sql(columns: usize) -> String {
    let columns: Vec<String> = (0..columns).map(|i| format!("1.0 AS c{i}")).collect();
    format!("SELECT * FROM (SELECT {})", columns.join(", "))
}

fn plan(rt: &Runtime, ctx: &SessionContext, sql: &str) {
    rt.block_on(async {
        ctx.sql(sql)
            .await
            .expect("plans")
            .create_physical_plan()
            .await
            .expect("physical plan");
    });
}

fn planning(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    let ctx = datafusion_forecast::session_context(SessionConfig::new());
    let mut group = c.benchmark_group("planning");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for models in [500, 1000, 2000] {
        let sql = forecast_sql(models);
        group.bench_with_input(
            BenchmarkId::new("forecast_models_x2_levels", models),
            &sql,
            |b, sql| b.iter(|| plan(&rt, &ctx, sql)),
        );
        let sql = plain_sql(5 * models + 2);
        group.bench_with_input(
            BenchmarkId::new("plain_select_columns", 5 * models + 2),
            &sql,
            |b, sql| b.iter(|| plan(&rt, &ctx, sql)),
        );
    }
    group.finish();
}

criterion_group!(benches, planning);
criterion_main!(benches);
