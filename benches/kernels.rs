//! Per-model kernel cost: fit + forecast of one monthly series (n = 132, h = 18) with
//! 80/95% intervals and fitted values, and of a panel of intermittent series; one thread.
//!
//! ```text
//! cargo bench --bench kernels
//! ```

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datafusion_forecast::models::{build_model, parse_model_specs};

fn series(n: usize) -> Vec<f64> {
    // A trending seasonal series with deterministic noise.
    (0..n)
        .map(|t| {
            let noise = ((t as f64 * 12.9898).sin() * 43_758.545_3).fract();
            100.0
                + 0.8 * t as f64
                + 15.0 * (t as f64 * std::f64::consts::TAU / 12.0).sin()
                + 5.0 * noise
        })
        .collect()
}

fn kernels(c: &mut Criterion) {
    let y = series(132);
    let specs = parse_model_specs(
        "Naive(), SeasonalNaive(season_length=12), RandomWalkWithDrift(), HistoricAverage(), \
         WindowAverage(window_size=6), SeasonalWindowAverage(season_length=12, window_size=2), \
         SimpleExponentialSmoothing(alpha=0.3), SimpleExponentialSmoothingOptimized(), \
         SeasonalExponentialSmoothing(season_length=12, alpha=0.3), \
         SeasonalExponentialSmoothingOptimized(season_length=12)",
    )
    .expect("specs parse");
    let mut group = c.benchmark_group("forecast_n132_h18");
    bench_models(&mut group, &specs, &y);
    group.finish();

    // Optimised state-space models: milliseconds per series, so fewer samples.
    let specs = parse_model_specs(
        "AutoETS(season_length=12), AutoETS(season_length=12, model='MAM', alias='ETS_MAM'), \
         Holt(), HoltWinters(season_length=12)",
    )
    .expect("specs parse");
    let mut group = c.benchmark_group("forecast_n132_h18_ets");
    group.sample_size(20);
    bench_models(&mut group, &specs, &y);
    group.finish();

    // ARIMA: the automatic search fits dozens of seasonal candidates per series.
    let specs = parse_model_specs(
        "AutoARIMA(season_length=12), ARIMA(order=(0,1,1), alias='ARIMA_011'), \
         ARIMA(order=(1,1,1), season_length=12, seasonal_order=(0,1,1), alias='SARIMA_111_011'), \
         AutoRegressive(lags=[1,2,3])",
    )
    .expect("specs parse");
    let mut group = c.benchmark_group("forecast_n132_h18_arima");
    group.sample_size(10);
    bench_models(&mut group, &specs, &y);
    group.finish();

    // Intermittent demand: point forecasts (h = 12) of 100 zero-inflated monthly series of
    // 60 observations, as in the 100,000-series panel of benches/compare; the cost varies
    // with the demand's sparsity (IMAPA's levels), so a panel rather than one series.
    let panel = intermittent_panel(100, 60);
    let specs = parse_model_specs(
        "CrostonClassic(), CrostonOptimized(), CrostonSBA(), ADIDA(), IMAPA(), \
         TSB(alpha_d=0.2, alpha_p=0.2)",
    )
    .expect("specs parse");
    let mut group = c.benchmark_group("intermittent_100_series_n60_h12");
    group.throughput(Throughput::Elements(panel.len() as u64));
    for spec in &specs {
        let model = build_model(spec).expect("model builds");
        group.bench_function(spec.alias(), |b| {
            b.iter(|| {
                for y in &panel {
                    black_box(
                        model
                            .forecast(black_box(y), 12, &[], false)
                            .expect("forecast"),
                    );
                }
            })
        });
    }
    group.finish();
}

/// Series with demand in a period with probability 0.05 to 0.5 and sizes 1 to 10
/// (deterministic).
fn intermittent_panel(series: usize, n: usize) -> Vec<Vec<f64>> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..series)
        .map(|_| {
            let p = 0.05 + 0.45 * uniform();
            (0..n)
                .map(|_| {
                    if uniform() < p {
                        (1.0 + 10.0 * uniform()).floor()
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

fn bench_models(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    specs: &[datafusion_forecast::models::ModelSpec],
    y: &[f64],
) {
    for spec in specs {
        let model = build_model(spec).expect("model builds");
        group.bench_function(spec.alias(), |b| {
            b.iter(|| {
                model
                    .forecast(black_box(y), 18, &[80.0, 95.0], true)
                    .expect("forecast")
            })
        });
    }
}

criterion_group!(benches, kernels);
criterion_main!(benches);
