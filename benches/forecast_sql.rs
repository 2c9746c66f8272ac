//! End to end: `forecast(...)` and `cross_validation(...)` over a synthetic panel of
//! 100,000 daily series (50 to 150 observations each), through SQL, all cores.
//!
//! ```text
//! cargo bench --bench forecast_sql
//! ```

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use datafusion::prelude::{SessionConfig, SessionContext};
use tokio::runtime::Runtime;

const SERIES: usize = 100_000;

fn setup(rt: &Runtime) -> SessionContext {
    let ctx = datafusion_forecast::session_context(SessionConfig::new());
    rt.block_on(async {
        ctx.sql(&format!(
            "CREATE TABLE panel AS SELECT unique_id, ds, y FROM generate_panel(n_series => {SERIES}, freq => 'D', \
             min_length => 50, max_length => 150, seed => 1)"
        ))
        .await
        .expect("panel plans")
        .collect()
        .await
        .expect("panel builds");
    });
    ctx
}

fn run(rt: &Runtime, ctx: &SessionContext, sql: &str) -> usize {
    rt.block_on(async {
        let batches = ctx
            .sql(sql)
            .await
            .expect("plans")
            .collect()
            .await
            .expect("runs");
        batches.iter().map(|b| b.num_rows()).sum()
    })
}

fn end_to_end(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    let ctx = setup(&rt);
    let mut group = c.benchmark_group(format!("sql_{SERIES}_series"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.bench_function("forecast_naive_seasonal_naive_h14_levels", |b| {
        b.iter(|| {
            run(
                &rt,
                &ctx,
                "SELECT * FROM forecast('panel', h => 14, models => 'Naive(), SeasonalNaive(season_length=7)', level => [80, 95])",
            )
        })
    });
    group.bench_function("forecast_ses_optimized_h14", |b| {
        b.iter(|| run(&rt, &ctx, "SELECT * FROM forecast('panel', h => 14, models => 'SimpleExponentialSmoothingOptimized()')"))
    });
    group.bench_function("cross_validation_seasonal_naive_3_windows", |b| {
        b.iter(|| {
            run(
                &rt,
                &ctx,
                "SELECT * FROM cross_validation('panel', h => 7, n_windows => 3, step_size => 7, models => 'SeasonalNaive(season_length=7)')",
            )
        })
    });
    group.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
