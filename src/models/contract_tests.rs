//! Contract tests run over every registered model, built from a representative spec.

use super::{Forecast, Model, ModelError, build_model, parse_model_specs, registered_models};

/// One representative spec per registered class (checked to cover the registry).
const REPRESENTATIVE: &str = "Naive(), SeasonalNaive(season_length=4), RandomWalkWithDrift(), \
    HistoricAverage(), WindowAverage(window_size=3), \
    SeasonalWindowAverage(season_length=4, window_size=2), SimpleExponentialSmoothing(alpha=0.3), \
    SimpleExponentialSmoothingOptimized(), SeasonalExponentialSmoothing(season_length=4, alpha=0.3), \
    SeasonalExponentialSmoothingOptimized(season_length=4), ConstantModel(constant=1.5), ZeroModel(), \
    AutoETS(season_length=4), Holt(), HoltWinters(season_length=4), AutoARIMA(season_length=4), \
    ARIMA(order=(1,1,1), season_length=4, seasonal_order=(0,1,1)), AutoRegressive(lags=[1,3]), \
    MSTL(season_length=4), AutoTheta(season_length=4), Theta(season_length=4), \
    OptimizedTheta(season_length=4), DynamicTheta(season_length=4), \
    DynamicOptimizedTheta(season_length=4), AutoCES(season_length=4), CrostonClassic(), \
    CrostonOptimized(), CrostonSBA(), ADIDA(), IMAPA(), TSB(alpha_d=0.2, alpha_p=0.2)";

/// Models whose `forward` re-runs the fitted parameters on the new series (statsforecast's
/// ETS, ARIMA, Theta and CES families, and MSTL through its trend forecaster) instead of
/// refitting.
const REAPPLYING_FORWARD: &[&str] = &[
    "AutoETS",
    "Holt",
    "HoltWinters",
    "AutoARIMA",
    "ARIMA",
    "AutoRegressive",
    "MSTL",
    "AutoTheta",
    "Theta",
    "OptimizedTheta",
    "DynamicTheta",
    "DynamicOptimizedTheta",
    "AutoCES",
];

const LEVELS: [f64; 2] = [80.0, 95.0];

fn models() -> Vec<std::sync::Arc<dyn Model>> {
    let specs = parse_model_specs(REPRESENTATIVE).unwrap();
    let classes: Vec<&str> = specs.iter().map(|s| s.class_name()).collect();
    assert_eq!(
        classes,
        registered_models(),
        "every model needs a representative"
    );
    specs.iter().map(|s| build_model(s).unwrap()).collect()
}

fn series() -> Vec<Vec<f64>> {
    let seasonal: Vec<f64> = (0..30)
        .map(|t| 10.0 + 0.5 * t as f64 + [3.0, -1.0, 4.0, -6.0][t % 4] + ((t * 37) % 7) as f64)
        .collect();
    let negative: Vec<f64> = seasonal.iter().map(|v| -3.0 * v).collect();
    vec![
        seasonal,
        negative,
        vec![5.0; 12],
        vec![1.0, 4.0, 2.0, 8.0, 5.0],
        vec![3.0, 1.0],
        vec![7.0],
    ]
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn same_forecast(a: &Forecast, b: &Forecast) -> bool {
    same(&a.mean, &b.mean)
        && a.intervals.len() == b.intervals.len()
        && a.intervals
            .iter()
            .zip(&b.intervals)
            .all(|(x, y)| x.level == y.level && same(&x.lo, &y.lo) && same(&x.hi, &y.hi))
}

/// Bands ordered lo95 <= lo80 <= mean <= hi80 <= hi95 wherever all are finite.
fn check_bands(name: &str, forecast: &Forecast, has_intervals: bool) {
    if !has_intervals {
        assert!(forecast.intervals.is_empty(), "{name}: unexpected bands");
        return;
    }
    assert_eq!(forecast.intervals.len(), LEVELS.len(), "{name}");
    let (b80, b95) = (&forecast.intervals[0], &forecast.intervals[1]);
    assert_eq!((b80.level, b95.level), (80.0, 95.0));
    for (i, &mean) in forecast.mean.iter().enumerate() {
        assert_eq!(b80.lo.len(), forecast.mean.len());
        let chain = [b95.lo[i], b80.lo[i], mean, b80.hi[i], b95.hi[i]];
        if chain.iter().all(|v| v.is_finite()) {
            assert!(chain.windows(2).all(|w| w[0] <= w[1]), "{name}: {chain:?}");
        }
    }
}

#[test]
fn forecast_equals_fit_then_predict() {
    let h = 6;
    for model in models() {
        let name = model.class_name();
        for y in series() {
            let label = format!("{name} on n={}", y.len());
            let out = match model.forecast(&y, h, &LEVELS, true) {
                Ok(out) => out,
                Err(err @ ModelError::NotEnoughData { needed, got, .. }) => {
                    assert!(got < needed, "{label}");
                    match model.fit(&y) {
                        // The series is too short for the model at all.
                        Err(fit_err) => assert_eq!(fit_err, err, "{label}"),
                        // Only fitted values are refused; point forecasts still work.
                        Ok(_) => {
                            assert!(model.forecast(&y, h, &LEVELS, false).is_ok(), "{label}")
                        }
                    }
                    continue;
                }
                // statsforecast's TSB raises on a series without any positive value (other
                // than all zeros); the port refuses it too, in fit and forecast alike.
                Err(err @ ModelError::Failed(_))
                    if name == "TSB" && y.iter().all(|&v| v <= 0.0) =>
                {
                    assert_eq!(model.fit(&y).err(), Some(err), "{label}");
                    continue;
                }
                Err(e) => panic!("{label}: {e}"),
            };
            let fit = model.fit(&y).unwrap();
            let levels: &[f64] = if model.has_intervals() { &LEVELS } else { &[] };
            assert!(
                same_forecast(&out.forecast, &fit.predict(h, levels)),
                "{label}"
            );
            assert_eq!(out.forecast.mean.len(), h, "{label}");
            check_bands(&label, &out.forecast, model.has_intervals());
            // Levels are ignored, not an error, for models without intervals.
            let unasked = fit.predict(h, &LEVELS);
            check_bands(&label, &unasked, model.has_intervals());

            match out.fitted {
                Some(fitted) => {
                    assert!(model.has_fitted(), "{label}");
                    assert_eq!(fitted.mean.len(), y.len(), "{label}");
                    assert!(
                        same_forecast(&fitted, &fit.predict_in_sample(levels)),
                        "{label}"
                    );
                    check_bands(&label, &fitted, model.has_intervals());
                }
                None => assert!(!model.has_fitted(), "{label}"),
            }
            let without = model.forecast(&y, h, &[], false).unwrap();
            assert!(without.fitted.is_none() && without.forecast.intervals.is_empty());
            assert!(
                model
                    .forecast(&y, 0, &LEVELS, false)
                    .unwrap()
                    .forecast
                    .mean
                    .is_empty()
            );
        }
    }
}

#[test]
fn intervals_widen_with_level() {
    let y = &series()[0];
    for model in models().into_iter().filter(|m| m.has_intervals()) {
        let fit = model.fit(y).unwrap();
        let out = fit.predict(4, &[50.0, 80.0, 99.0]);
        for pair in out.intervals.windows(2) {
            for i in 0..4 {
                assert!(pair[1].lo[i] <= pair[0].lo[i] && pair[0].hi[i] <= pair[1].hi[i]);
            }
        }
    }
}

#[test]
fn forward_matches_refit_when_offered() {
    let all = series();
    let (first, second) = (&all[0], &all[1]);
    for model in models() {
        let fit = model.fit(first).unwrap();
        match fit.forward(second) {
            Ok(moved) if REAPPLYING_FORWARD.contains(&model.class_name()) => {
                assert!(model.has_forward(), "{}", model.class_name());
                // Same parameters on the same data: the fit itself.
                let again = fit.forward(first).unwrap();
                assert!(same_forecast(
                    &again.predict(5, &LEVELS),
                    &fit.predict(5, &LEVELS)
                ));
                assert!(same_forecast(
                    &again.predict_in_sample(&LEVELS),
                    &fit.predict_in_sample(&LEVELS)
                ));
                let moved = moved.predict(5, &LEVELS);
                assert!(moved.mean.iter().all(|v| v.is_finite()));
            }
            Ok(moved) => {
                assert!(model.has_forward(), "{}", model.class_name());
                let refit = model.fit(second).unwrap();
                assert!(same_forecast(
                    &moved.predict(5, &LEVELS),
                    &refit.predict(5, &LEVELS)
                ));
            }
            Err(e) => {
                assert!(!model.has_forward(), "{}", model.class_name());
                assert_eq!(e, ModelError::Unsupported("forward".into()));
            }
        }
    }
}

#[test]
fn empty_series_is_an_error_everywhere() {
    for model in models() {
        assert_eq!(model.fit(&[]).err(), Some(ModelError::EmptySeries));
        assert_eq!(
            model.forecast(&[], 3, &LEVELS, true).err(),
            Some(ModelError::EmptySeries)
        );
    }
}

#[test]
fn non_finite_input_does_not_panic() {
    let y = [
        1.0,
        f64::NAN,
        f64::INFINITY,
        -2.0,
        f64::NEG_INFINITY,
        3.0,
        4.0,
        5.0,
        6.0,
    ];
    for model in models() {
        let _ = model.forecast(&y, 5, &LEVELS, true);
    }
}

/// Degenerate but finite series: every model either refuses the series or gives finite
/// point forecasts (never a panic, never NaN or infinity passed off as a forecast). Too
/// short a series must not panic; some baselines then give NaN where statsforecast does
/// (SeasonalNaive before the first full season, WindowAverage below its window).
#[test]
fn degenerate_series_give_finite_forecasts_or_errors() {
    let seasonal = &series()[0];
    let cases: Vec<(&str, Vec<f64>)> = vec![
        ("zeros", vec![0.0; 30]),
        ("constant", vec![-7.5; 30]),
        ("alternating", (0..30).map(|t| [1.0, -1.0][t % 2]).collect()),
        ("tiny", seasonal.iter().map(|v| v * 1e-12).collect()),
        ("huge", seasonal.iter().map(|v| v * 1e12).collect()),
        (
            "single spike",
            (0..30).map(|t| f64::from(u8::from(t == 20))).collect(),
        ),
    ];
    for model in models() {
        for (what, y) in &cases {
            let label = format!("{} on {what}", model.class_name());
            let _ = model.forecast(&y[..3], 6, &LEVELS, true);
            if let Ok(out) = model.forecast(y, 6, &LEVELS, true) {
                assert!(
                    out.forecast.mean.iter().all(|v| v.is_finite()),
                    "{label}: {:?}",
                    out.forecast.mean
                );
            }
        }
    }
}

/// Every registered model takes `prediction_intervals=ConformalIntervals(...)`: its spec
/// text round-trips, it has intervals (also models without native ones), its point
/// forecasts and fitted values are the unwrapped model's, and `forecast` equals `fit` +
/// `predict`. Too-short series keep the point forecast with NaN bounds.
#[test]
fn every_model_takes_conformal_intervals() {
    use super::{ConformalIntervals, ConformalMethod};

    let h = 5;
    for method in ConformalMethod::ALL {
        let settings = ConformalIntervals::new(3, 3, method).unwrap();
        for spec in parse_model_specs(REPRESENTATIVE).unwrap() {
            let name = spec.class_name().to_owned();
            let with = spec.clone().with_prediction_intervals(Some(settings));
            let text = with.to_string();
            assert!(
                text.ends_with(&format!("prediction_intervals={settings})")),
                "{text}"
            );
            let back: super::ModelSpec = text.parse().unwrap();
            assert_eq!(back, with, "{text}");
            assert_eq!(back.to_string(), text);
            let plain = build_model(&spec).unwrap();
            let model = build_model(&back).unwrap();
            assert!(model.has_intervals(), "{name}");
            assert!(model.conformal_intervals().is_some(), "{name}");
            assert_eq!(model.class_name(), plain.class_name());
            assert_eq!(model.has_fitted(), plain.has_fitted(), "{name}");
            for y in series() {
                let label = format!("{name} ({}) on n={}", method.name(), y.len());
                let (out, want) = match (
                    model.forecast(&y, h, &LEVELS, true),
                    plain.forecast(&y, h, &LEVELS, true),
                ) {
                    (Ok(out), Ok(want)) => (out, want),
                    (Err(err), Err(want)) => {
                        assert_eq!(err, want, "{label}");
                        continue;
                    }
                    (out, want) => panic!("{label}: {out:?} vs {want:?}"),
                };
                assert!(same(&out.forecast.mean, &want.forecast.mean), "{label}");
                match (&out.fitted, &want.fitted) {
                    (Some(got), Some(want)) => {
                        assert!(same(&got.mean, &want.mean), "{label}");
                        // The model's own fitted bounds, when it has native intervals.
                        if plain.has_intervals() {
                            assert!(same_forecast(got, want), "{label}");
                        } else {
                            assert!(got.intervals.is_empty(), "{label}");
                        }
                    }
                    (None, None) => {}
                    _ => panic!("{label}: fitted values differ in presence"),
                }
                check_bands(&label, &out.forecast, true);
                let fit = model.fit(&y).unwrap();
                assert!(
                    same_forecast(&fit.predict(h, &LEVELS), &out.forecast),
                    "{label}"
                );
                // Too short to calibrate: NaN bounds. (A calibration window too short for
                // the model's own forecast, e.g. SeasonalNaive within its first season, also
                // gives NaN bounds on some steps, as in statsforecast.)
                if y.len() < settings.min_observations() {
                    let mut bounds = out
                        .forecast
                        .intervals
                        .iter()
                        .flat_map(|b| b.lo.iter().chain(&b.hi));
                    assert!(bounds.all(|v| v.is_nan()), "{label}");
                }
            }
        }
    }
}

/// `in_sample_bounds` says what `predict_in_sample` gives, for every model and for every
/// model wrapped in conformal intervals (which bound only the forecasts): no bands, bands
/// equal to the fitted values, or `fitted ∓ z · σ` with one `σ` for the series.
#[test]
fn in_sample_bounds_describe_the_fitted_bands() {
    use super::{
        CLASSES_WITH_IN_SAMPLE_BOUNDS, ConformalIntervals, ConformalMethod, InSampleBounds,
        with_conformal_intervals,
    };
    use crate::models::intervals::level_multiplier;

    for model in models() {
        let name = model.class_name();
        let listed = CLASSES_WITH_IN_SAMPLE_BOUNDS.contains(&name);
        assert_eq!(
            model.in_sample_bounds() != InSampleBounds::None,
            listed,
            "{name}"
        );
    }

    let y = &series()[0];
    let settings = ConformalIntervals::new(3, 2, ConformalMethod::Distribution).unwrap();
    let wrapped = models()
        .into_iter()
        .map(|model| with_conformal_intervals(model, settings));
    for model in models().into_iter().chain(wrapped) {
        let name = model.class_name();
        let Some(fitted) = model.forecast(y, 3, &LEVELS, true).unwrap().fitted else {
            assert_eq!(model.in_sample_bounds(), InSampleBounds::None, "{name}");
            continue;
        };
        match model.in_sample_bounds() {
            InSampleBounds::None => assert!(fitted.intervals.is_empty(), "{name}"),
            InSampleBounds::ZeroWidth => {
                for band in &fitted.intervals {
                    assert!(same(&band.lo, &fitted.mean) && same(&band.hi, &fitted.mean));
                }
            }
            InSampleBounds::Gaussian => {
                assert_eq!(fitted.intervals.len(), LEVELS.len(), "{name}");
                let mut sigmas = Vec::new();
                for band in &fitted.intervals {
                    let z = level_multiplier(band.level);
                    for ((lo, hi), mean) in band.lo.iter().zip(&band.hi).zip(&fitted.mean) {
                        if mean.is_finite() {
                            assert!((hi - mean - (mean - lo)).abs() < 1e-9, "{name}");
                            sigmas.push((hi - lo) / (2.0 * z));
                        }
                    }
                }
                let (min, max) = sigmas.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), s| {
                    (lo.min(*s), hi.max(*s))
                });
                assert!(max - min <= 1e-9 * max, "{name}: sigma from {min} to {max}");
            }
        }
    }
}
