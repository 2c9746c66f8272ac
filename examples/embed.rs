//! Embedding datafusion-forecast in your own DataFusion application.
//!
//! ```text
//! cargo run --example embed
//! ```

use datafusion::error::Result;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

#[tokio::main]
async fn main() -> Result<()> {
    // 1. Your application's context, as you configure it; one call installs the extension.
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(4));
    datafusion_forecast::install_on(&ctx)?;

    // 2. Register your data as usual.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/air_passengers.csv");
    ctx.register_csv("air", path, CsvReadOptions::new()).await?;

    // 3. Forecast with SQL; the result is an ordinary DataFrame.
    let forecasts = ctx
        .sql(
            "SELECT * FROM forecast('air', h => 12,
                                     models => 'SeasonalNaive(season_length=12), RandomWalkWithDrift()',
                                     level => [80, 95])",
        )
        .await?;
    forecasts.clone().show().await?;

    // 4. Evaluate with cross-validation and keep working with the DataFrame API.
    let cv = ctx
        .sql(
            "SELECT cutoff, avg(abs(y - \"SeasonalNaive\")) AS mae
             FROM cross_validation('air', h => 12, n_windows => 3, step_size => 12,
                                   models => 'SeasonalNaive(season_length=12)')
             GROUP BY cutoff ORDER BY cutoff",
        )
        .await?;
    cv.show().await?;
    Ok(())
}
