//! `detect_anomalies` against statsforecast 2.1.1's fitted values and 99 % bounds
//! (`forecast(fitted=True, level=[99])`), through SQL.
//!
//! The fixtures (`tests/data/anomalies/generate.py`) hold, for AirPassengers and the first
//! five M1 monthly series, each observation with SeasonalNaive's, AutoETS's and AutoARIMA's
//! fitted value and bounds, whether it lies outside them and the probability of a less
//! extreme value (scipy's normal distribution with `σ` from the bounds). Every flag must be
//! the same (NULL where statsforecast has no fitted value); the values within the parity
//! criteria: SeasonalNaive 1e-6 relative, AutoETS and AutoARIMA 1e-4, on every series; the
//! probabilities within 1e-9.

use std::collections::HashMap;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};

use crate::common::*;
use crate::tolerance::Criterion;

const MODELS: &str =
    "SeasonalNaive(season_length=12), AutoETS(season_length=12), AutoARIMA(season_length=12)";

const SEASONAL_NAIVE: Criterion = Criterion {
    tolerance: 1e-6,
    required_share: 1.0,
    min_series_for_share: 0,
    known: &[],
};

/// The optimised models: the ETS and ARIMA parity criterion, with no series left out.
const OPTIMISED: Criterion = Criterion {
    tolerance: 1e-4,
    required_share: 1.0,
    min_series_for_share: 0,
    known: &[],
};

/// Absolute tolerance of the anomaly probabilities.
const PROBABILITY_TOLERANCE: f64 = 1e-9;

/// The `<alias>-anomaly` flags of every row, by series, date and alias.
fn flags(
    batches: &[RecordBatch],
    aliases: &[&str],
) -> HashMap<(String, i64, String), Option<bool>> {
    let mut out = HashMap::new();
    for batch in batches {
        let ids = cast(batch.column_by_name("unique_id").unwrap(), &DataType::Utf8).unwrap();
        let ds = cast(batch.column_by_name("ds").unwrap(), &DataType::Int64).unwrap();
        for alias in aliases {
            let flag = batch
                .column_by_name(&format!("{alias}-anomaly"))
                .unwrap_or_else(|| panic!("no {alias}-anomaly column"))
                .as_boolean();
            for row in 0..batch.num_rows() {
                let key = (
                    ids.as_string::<i32>().value(row).to_string(),
                    ds.as_primitive::<Int64Type>().value(row),
                    alias.to_string(),
                );
                out.insert(key, flag.is_valid(row).then(|| flag.value(row)));
            }
        }
    }
    out
}

/// Runs `detect_anomalies` with `level_argument` (empty for the default) on the fixture's
/// series and compares it with the fixture.
async fn check(dataset: &str, level_argument: &str) {
    let file = format!("{dataset}__anomalies.parquet");
    let ctx = session(4);
    register_train(&ctx, dataset).await;
    ctx.register_parquet("expected", &fixture(&file), Default::default())
        .await
        .unwrap();
    let sql = format!(
        "SELECT * FROM detect_anomalies((SELECT * FROM train WHERE unique_id IN (SELECT DISTINCT unique_id FROM expected)), \
         models => '{MODELS}'{level_argument})"
    );
    let output = query(&ctx, &sql).await;
    let expected_batches = read_fixture(&ctx, &file).await;
    let aliases = ["SeasonalNaive", "AutoETS", "AutoARIMA"];

    let expected_flags = flags(&expected_batches, &aliases);
    let actual_flags = flags(&output, &aliases);
    assert_eq!(actual_flags.len(), expected_flags.len(), "{dataset}: rows");
    let differing: Vec<_> = expected_flags
        .iter()
        .filter(|(key, want)| actual_flags.get(*key) != Some(*want))
        .take(10)
        .collect();
    assert!(
        differing.is_empty(),
        "{dataset}: flags differ: {differing:?}"
    );
    for alias in aliases {
        let count = |flags: &HashMap<(String, i64, String), Option<bool>>| {
            flags
                .iter()
                .filter(|((_, _, a), flag)| a == alias && **flag == Some(true))
                .count()
        };
        println!(
            "{dataset:16} anomalies {alias:13} {} flagged, as statsforecast's bounds",
            count(&actual_flags)
        );
        assert_eq!(count(&actual_flags), count(&expected_flags));
    }

    let mut expected = Table::from_batches(&expected_batches);
    let actual = Table::from_batches(&output);
    // Probabilities in [0, 1] are compared absolutely: near 0 (an observation on its fitted
    // value) their relative error is the rounding of `y - fitted`.
    let mut largest = 0.0_f64;
    for alias in aliases {
        let column = format!("{alias}-anomaly-probability");
        let values = expected
            .columns
            .remove(&column)
            .expect("probability column");
        for (key, want) in expected.order.iter().zip(values) {
            let got = actual.value(key, &column).flatten();
            match (want, got) {
                (Some(want), Some(got)) => largest = largest.max((got - want).abs()),
                (want, got) => assert_eq!(got, want, "{dataset} {key:?} {column}"),
            }
        }
    }
    println!("{dataset:16} anomalies probabilities: largest absolute difference {largest:.2e}");
    assert!(largest <= PROBABILITY_TOLERANCE, "{dataset}: {largest}");
    SEASONAL_NAIVE.check(
        dataset,
        "anomalies",
        &SEASONAL_NAIVE.tally(&expected, &actual, &["y", "SeasonalNaive"]),
    );
    OPTIMISED.check(
        dataset,
        "anomalies",
        &OPTIMISED.tally(&expected, &actual, &["AutoETS", "AutoARIMA"]),
    );
}

#[tokio::test]
async fn anomalies_are_the_observations_outside_statsforecasts_bounds() {
    check("air_passengers", "").await;
    check("m1_monthly", ", level => 99").await;
}
