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

/// Specs whose states the round trip also covers: MSTL over other trend forecasters, models
/// wrapped in conformal intervals, an ARIMA fitted by CSS (its state covariance is written,
/// not refiltered) (each parsed alone: aliases repeat).
const MORE_STATES: [&str; 6] = [
    "MSTL(season_length=[2, 4], trend_forecaster=AutoARIMA())",
    "MSTL(season_length=4, trend_forecaster=Naive(), \
     prediction_intervals=ConformalIntervals(n_windows=2, h=3))",
    "AutoETS(season_length=4, \
     prediction_intervals=ConformalIntervals(n_windows=3, h=2, method='conformal_error'))",
    "WindowAverage(window_size=2, prediction_intervals=ConformalIntervals(n_windows=2, h=2))",
    "CrostonOptimized(prediction_intervals=ConformalIntervals(n_windows=2, h=1))",
    "ARIMA(order=(2,0,1), method='CSS')",
];

/// Every model with the canonical text of its spec, as `fit_models` stores it.
fn models_with_specs() -> Vec<(String, std::sync::Arc<dyn Model>)> {
    let mut specs = parse_model_specs(REPRESENTATIVE).unwrap();
    for text in MORE_STATES {
        specs.extend(parse_model_specs(text).unwrap());
    }
    specs
        .iter()
        .map(|spec| (spec.to_string(), build_model(spec).unwrap()))
        .collect()
}

/// The series fitted for the state tests: seasonal, trending, short, intermittent,
/// constant; each with a longer version of itself for `forward`.
fn state_series() -> Vec<(Vec<f64>, Vec<f64>)> {
    let seasonal: Vec<f64> = (0..44)
        .map(|t| 20.0 + 0.4 * t as f64 + [3.0, -1.0, 4.0, -6.0][t % 4] + ((t * 37) % 7) as f64)
        .collect();
    let trending: Vec<f64> = (0..30)
        .map(|t| 5.0 + 1.5 * t as f64 + ((t * 13) % 5) as f64 * 0.3)
        .collect();
    let intermittent: Vec<f64> = (0..40)
        .map(|t| [0.0, 0.0, 3.0, 0.0, 1.0, 0.0, 0.0, 0.0, 6.0][(t * 7) % 9])
        .collect();
    let cases = [
        seasonal,
        trending,
        vec![1.0, 4.0, 2.0, 8.0, 5.0, 3.0],
        intermittent,
        vec![5.0; 16],
    ];
    cases
        .into_iter()
        .map(|y| {
            let n = y.len();
            let (train, _) = y.split_at(n - n / 4);
            (train.to_vec(), y)
        })
        .collect()
}

/// The output of a fitted model the state must reproduce: forecasts, fitted values and
/// info, and after `forward` on `longer` the same again.
fn assert_same_fit(
    label: &str,
    model: &dyn Model,
    original: &dyn super::FittedModel,
    restored: &dyn super::FittedModel,
    longer: &[f64],
) {
    for h in [1, 7] {
        assert!(
            same_forecast(&original.predict(h, &LEVELS), &restored.predict(h, &LEVELS)),
            "{label}: predict({h})"
        );
    }
    assert!(
        same_forecast(
            &original.predict_in_sample(&LEVELS),
            &restored.predict_in_sample(&LEVELS)
        ),
        "{label}: predict_in_sample"
    );
    assert_eq!(
        original.info().to_json(),
        restored.info().to_json(),
        "{label}"
    );
    if !model.has_forward() {
        return;
    }
    match (original.forward(longer), restored.forward(longer)) {
        (Ok(a), Ok(b)) => {
            assert!(
                same_forecast(&a.predict(5, &LEVELS), &b.predict(5, &LEVELS)),
                "{label}: forward then predict"
            );
            assert!(
                same_forecast(&a.predict_in_sample(&LEVELS), &b.predict_in_sample(&LEVELS)),
                "{label}: forward then predict_in_sample"
            );
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "{label}: forward"),
        (a, b) => panic!("{label}: forward {:?} vs {:?}", a.is_ok(), b.is_ok()),
    }
}

/// A fitted model written as a state and read back forecasts, fits and moves forward bit
/// for bit as the model itself; writing it again gives the same bytes.
#[test]
fn states_round_trip_bit_for_bit() {
    use super::{decode_state, encode_state};

    for (spec, model) in models_with_specs() {
        let mut fits = 0;
        for (y, longer) in state_series() {
            let label = format!("{spec} on n={}", y.len());
            let Ok(fitted) = model.fit(&y) else {
                continue;
            };
            fits += 1;
            let bytes = encode_state(model.as_ref(), &spec, fitted.as_ref());
            let restored = decode_state(model.as_ref(), &spec, &bytes)
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(
                encode_state(model.as_ref(), &spec, restored.as_ref()),
                bytes,
                "{label}: written again"
            );
            assert_same_fit(
                &label,
                model.as_ref(),
                fitted.as_ref(),
                restored.as_ref(),
                &longer,
            );
        }
        assert!(
            fits >= 3,
            "{spec}: only {fits} of the series could be fitted"
        );
    }
}

/// ARIMA with regressors: the regressor count and coefficients come back, and forecasts
/// with future regressors and `forward` with new ones agree.
#[test]
fn states_with_regressors_round_trip() {
    use super::{decode_state, encode_state};

    let n = 40;
    let x: Vec<Vec<f64>> = vec![
        (0..n + 6).map(|t| ((t * 7) % 5) as f64).collect(),
        (0..n + 6).map(|t| (t as f64 * 0.3).sin()).collect(),
    ];
    let y: Vec<f64> = (0..n + 6)
        .map(|t| 10.0 + 2.0 * x[0][t] - 3.0 * x[1][t] + ((t * 11) % 7) as f64 * 0.5)
        .collect();
    let train: Vec<Vec<f64>> = x.iter().map(|c| c[..n].to_vec()).collect();
    let future: Vec<Vec<f64>> = x.iter().map(|c| c[n..].to_vec()).collect();
    for text in [
        "AutoARIMA()",
        "ARIMA(order=(1,0,0))",
        "ARIMA(order=(0,1,1), include_drift=True)",
    ] {
        let spec = parse_model_specs(text).unwrap().remove(0);
        let model = build_model(&spec).unwrap();
        let spec = spec.to_string();
        let fitted = model.fit_with_regressors(&y[..n], &train).unwrap();
        let bytes = encode_state(model.as_ref(), &spec, fitted.as_ref());
        let restored = decode_state(model.as_ref(), &spec, &bytes).unwrap();
        assert!(
            same_forecast(
                &fitted.predict_with_regressors(6, &future, &LEVELS),
                &restored.predict_with_regressors(6, &future, &LEVELS)
            ),
            "{text}"
        );
        assert_eq!(fitted.info().to_json(), restored.info().to_json());
        let moved = [fitted, restored].map(|f| f.forward_with_regressors(&y, &x).unwrap());
        assert!(
            same_forecast(&moved[0].predict(3, &LEVELS), &moved[1].predict(3, &LEVELS)),
            "{text}"
        );
    }
}

/// A state cut short or with any one byte changed is an error, never a panic or another
/// model: the checksum catches what the field checks might not.
#[test]
fn damaged_states_are_errors() {
    use super::{decode_state, encode_state};

    let (y, _) = &state_series()[0];
    for (spec, model) in models_with_specs() {
        let Ok(fitted) = model.fit(y) else {
            continue;
        };
        let bytes = encode_state(model.as_ref(), &spec, fitted.as_ref());
        for len in 0..bytes.len() {
            assert!(
                decode_state(model.as_ref(), &spec, &bytes[..len]).is_err(),
                "{spec}: cut to {len} bytes"
            );
        }
        let mut changed = bytes.clone();
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xFF] {
                changed[i] ^= flip;
                assert!(
                    decode_state(model.as_ref(), &spec, &changed).is_err(),
                    "{spec}: byte {i} ^ {flip:#x}"
                );
                changed[i] = bytes[i];
            }
        }
    }
}

/// A state read with another class, another spec of its class or by another format version
/// is refused as such.
#[test]
fn mismatched_states_are_refused() {
    use super::{StateError, decode_state, encode_state};

    let build = |text: &str| {
        let spec = parse_model_specs(text).unwrap().remove(0);
        (spec.to_string(), build_model(&spec).unwrap())
    };
    let (naive_spec, naive) = build("Naive()");
    let (seasonal_spec, seasonal) = build("SeasonalNaive(season_length=4)");
    let (other_spec, other) = build("SeasonalNaive(season_length=5)");
    let y = &series()[0];
    let bytes = encode_state(
        seasonal.as_ref(),
        &seasonal_spec,
        seasonal.fit(y).unwrap().as_ref(),
    );
    assert_eq!(
        decode_state(naive.as_ref(), &naive_spec, &bytes).err(),
        Some(StateError::ClassMismatch {
            state: "SeasonalNaive".into(),
            spec: "Naive".into()
        })
    );
    assert_eq!(
        decode_state(other.as_ref(), &other_spec, &bytes).err(),
        Some(StateError::SpecMismatch)
    );
    let mut later = bytes.clone();
    later[4..6].copy_from_slice(&(super::STATE_FORMAT_VERSION + 1).to_le_bytes());
    assert_eq!(
        decode_state(seasonal.as_ref(), &seasonal_spec, &later).err(),
        Some(StateError::Version(super::STATE_FORMAT_VERSION + 1))
    );
    assert_eq!(
        decode_state(seasonal.as_ref(), &seasonal_spec, b"not a state").err(),
        Some(StateError::NotAState)
    );
}

/// A fixed-seed xorshift generator for the fuzz test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// Mutated payloads with a valid checksum reach every field decoder: each is refused, or
/// gives a model whose forecasts, fitted values, info and `forward` neither panic nor
/// produce outputs of another length than asked (fitted values: the stored length).
#[test]
fn decoding_mutated_states_never_panics() {
    use super::state::reseal;
    use super::{decode_state, encode_state};

    const ROUNDS: usize = 120;
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let series = state_series();
    let (mut decoded, mut tried) = (0, 0);
    for (spec, model) in models_with_specs() {
        let fits: Vec<_> = series
            .iter()
            .filter_map(|(y, _)| model.fit(y).ok())
            .collect();
        for round in 0..ROUNDS {
            let Some(fitted) = fits.get(round % fits.len().max(1)) else {
                break;
            };
            let bytes = encode_state(model.as_ref(), &spec, fitted.as_ref());
            // Magic, version, class name (length and text) and spec fingerprint.
            let payload = 4 + 2 + 8 + model.class_name().len() + 8;
            let end = bytes.len() - 4;
            if payload >= end {
                continue;
            }
            let mut mutated = bytes.clone();
            for _ in 0..1 + rng.below(3) {
                let at = payload + rng.below(end - payload);
                match rng.below(4) {
                    0 => mutated[at] = rng.next() as u8,
                    1 => mutated[at] ^= 1 << rng.below(8),
                    // A small count or tag where a field starts, as a little-endian word.
                    2 if at + 8 <= end => {
                        let word = (rng.below(40) as u64).to_le_bytes();
                        mutated[at..at + 8].copy_from_slice(&word);
                    }
                    _ => mutated[at] = [0x00, 0xFF, 0x7F, 0x80][rng.below(4)],
                }
            }
            reseal(&mut mutated);
            tried += 1;
            let Ok(restored) = decode_state(model.as_ref(), &spec, &mutated) else {
                continue;
            };
            decoded += 1;
            let label = format!("{spec}, round {round}");
            let forecast = restored.predict(4, &LEVELS);
            assert_eq!(forecast.mean.len(), 4, "{label}");
            for band in &forecast.intervals {
                assert_eq!((band.lo.len(), band.hi.len()), (4, 4), "{label}");
            }
            let in_sample = restored.predict_in_sample(&LEVELS);
            for band in &in_sample.intervals {
                assert_eq!(band.lo.len(), in_sample.mean.len(), "{label}");
            }
            let _ = restored.info().to_json();
            let _ = restored
                .forward(&series[0].1)
                .map(|moved| moved.predict(2, &LEVELS));
        }
    }
    // Enough mutations get past the field checks to exercise the restored models.
    assert!(decoded * 10 > tried, "{decoded} of {tried} decoded");
}

/// AirPassengers' training months (the reference's `air_passengers_train.csv`).
const AIR_TRAIN: [f64; 132] = [
    112.0, 118.0, 132.0, 129.0, 121.0, 135.0, 148.0, 148.0, 136.0, 119.0, 104.0, 118.0, 115.0,
    126.0, 141.0, 135.0, 125.0, 149.0, 170.0, 170.0, 158.0, 133.0, 114.0, 140.0, 145.0, 150.0,
    178.0, 163.0, 172.0, 178.0, 199.0, 199.0, 184.0, 162.0, 146.0, 166.0, 171.0, 180.0, 193.0,
    181.0, 183.0, 218.0, 230.0, 242.0, 209.0, 191.0, 172.0, 194.0, 196.0, 196.0, 236.0, 235.0,
    229.0, 243.0, 264.0, 272.0, 237.0, 211.0, 180.0, 201.0, 204.0, 188.0, 235.0, 227.0, 234.0,
    264.0, 302.0, 293.0, 259.0, 229.0, 203.0, 229.0, 242.0, 233.0, 267.0, 269.0, 270.0, 315.0,
    364.0, 347.0, 312.0, 274.0, 237.0, 278.0, 284.0, 277.0, 317.0, 313.0, 318.0, 374.0, 413.0,
    405.0, 355.0, 306.0, 271.0, 306.0, 315.0, 301.0, 356.0, 348.0, 355.0, 422.0, 465.0, 467.0,
    404.0, 347.0, 305.0, 336.0, 340.0, 318.0, 362.0, 348.0, 363.0, 435.0, 491.0, 505.0, 404.0,
    359.0, 310.0, 337.0, 360.0, 342.0, 406.0, 396.0, 420.0, 472.0, 548.0, 559.0, 463.0, 407.0,
    362.0, 405.0,
];

/// `info` on AirPassengers names what statsforecast selected there (the reference's
/// `air_passengers__selected.parquet`: `ets_method`, `arima_order`, `theta_modeltype` and
/// `theta_decomposition_type`, `ces_seasontype`), with its estimates.
#[test]
fn info_agrees_with_the_reference_selection() {
    use super::InfoValue;

    let fit = |text: &str| {
        let spec = parse_model_specs(text).unwrap().remove(0);
        build_model(&spec).unwrap().fit(&AIR_TRAIN).unwrap().info()
    };
    let field = |info: &super::FitInfo, name: &str| {
        info.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let number = |info: &super::FitInfo, name: &str| match field(info, name) {
        Some(InfoValue::Number(v)) => v,
        other => panic!("{name}: {other:?}"),
    };

    let ets = fit("AutoETS(season_length=12)");
    assert_eq!(ets.method, "ETS(M,N,M)");
    assert!((number(&ets, "alpha") - 0.41344652800466986).abs() < 1e-6);
    assert!((number(&ets, "gamma") - 0.0030593160898534397).abs() < 1e-6);
    assert!(number(&ets, "beta").is_nan() && number(&ets, "phi").is_nan());

    // The reference writes the orders as ARIMA(p,d,q)(P,D,Q)[m] whatever they are;
    // statsforecast's arima_string leaves out an empty seasonal part.
    let arima = fit("AutoARIMA(season_length=12)");
    assert_eq!(arima.method, "ARIMA(1,1,0)(0,1,0)[12]");

    let theta = fit("AutoTheta(season_length=12)");
    assert_eq!(theta.method, "OTM");
    assert_eq!(
        field(&theta, "decomposition_type"),
        Some(InfoValue::Text("multiplicative".into()))
    );

    let ces = fit("AutoCES(season_length=12)");
    assert_eq!(ces.method, "CES(F)");
    assert_eq!(
        field(&ces, "season_type"),
        Some(InfoValue::Text("F".into()))
    );
}
