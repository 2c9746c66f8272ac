//! Behaviour of the ARIMA models on hand-checkable and degenerate series.

use crate::models::{InfoValue, Model, ModelError, build_model, parse_model_specs, select_arima};

fn model(spec: &str) -> std::sync::Arc<dyn Model> {
    build_model(&parse_model_specs(spec).unwrap()[0]).unwrap()
}

/// A deterministic AR(1) series `y_t = 10 + 0.6 (y_{t-1} - 10) + e_t`.
fn ar1(n: usize) -> Vec<f64> {
    let mut state = 12_345_u64;
    let mut noise = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let mut y = vec![10.0];
    for t in 1..n {
        let previous: f64 = y[t - 1];
        y.push(10.0 + 0.6 * (previous - 10.0) + noise());
    }
    y
}

#[test]
fn an_autoregression_recovers_its_coefficient_and_mean() {
    let y = ar1(400);
    let spec = &parse_model_specs("ARIMA(order=(1,0,0))").unwrap()[0];
    let selection = select_arima(spec, &y, &[]).unwrap();
    let coef: std::collections::HashMap<_, _> = selection.coef.into_iter().collect();
    assert!((coef["ar1"] - 0.6).abs() < 0.1, "{coef:?}");
    assert!((coef["intercept"] - 10.0).abs() < 0.2, "{coef:?}");
    // The forecast decays from the last value towards the mean.
    let fit = model("ARIMA(order=(1,0,0))").fit(&y).unwrap();
    let forecast = fit.predict(50, &[95.0]);
    assert!((forecast.mean[49] - coef["intercept"]).abs() < 1e-6);
    let band = &forecast.intervals[0];
    assert!(band.hi[0] - band.lo[0] < band.hi[49] - band.lo[49]);
}

#[test]
fn a_constant_series_is_forecast_as_itself_with_zero_width_bands() {
    for spec in [
        "AutoARIMA(season_length=4)",
        "ARIMA(order=(0,1,1))",
        "AutoRegressive(lags=2)",
    ] {
        let out = model(spec).forecast(&[3.5; 20], 4, &[80.0], true).unwrap();
        assert_eq!(out.forecast.mean, vec![3.5; 4], "{spec}");
        assert_eq!(out.forecast.intervals[0].lo, vec![3.5; 4], "{spec}");
        assert_eq!(out.forecast.intervals[0].hi, vec![3.5; 4], "{spec}");
    }
}

#[test]
fn a_regression_with_arima_errors_uses_the_future_regressors() {
    let n = 60;
    let x: Vec<f64> = (0..n).map(|t| ((t * 7) % 5) as f64).collect();
    let noise = ar1(n);
    let y: Vec<f64> = (0..n).map(|t| 3.0 * x[t] + noise[t]).collect();
    let spec = &parse_model_specs("ARIMA(order=(1,0,0))").unwrap()[0];
    let selection = select_arima(spec, &y, std::slice::from_ref(&x)).unwrap();
    let names: Vec<&str> = selection.coef.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ar1", "intercept", "ex_1"]);
    assert!((selection.coef[2].1 - 3.0).abs() < 0.05, "{selection:?}");

    let arima = model("ARIMA(order=(1,0,0))");
    assert!(arima.uses_regressors());
    let fit = arima
        .fit_with_regressors(&y, std::slice::from_ref(&x))
        .unwrap();
    let low = fit.predict_with_regressors(3, &[vec![0.0; 3]], &[]);
    let high = fit.predict_with_regressors(3, &[vec![1.0; 3]], &[]);
    for k in 0..3 {
        assert!((high.mean[k] - low.mean[k] - selection.coef[2].1).abs() < 1e-9);
    }
    // Without the future values of its regressor the model gives no number, never a wrong
    // one.
    assert!(fit.predict(3, &[]).mean.iter().all(|v| v.is_nan()));
}

#[test]
fn models_without_regressors_ignore_them() {
    let y = ar1(40);
    let x = vec![vec![1.0; 40]];
    let naive = model("Naive()");
    assert!(!naive.uses_regressors());
    let with = naive
        .forecast_with_regressors(&y, &x, &[vec![1.0; 3]], 3, &[80.0], true)
        .unwrap();
    // NaN-aware equality: the first fitted value is NaN.
    let without = naive.forecast(&y, 3, &[80.0], true).unwrap();
    assert_eq!(format!("{with:?}"), format!("{without:?}"));
}

#[test]
fn too_short_series_are_refused_with_the_needed_length() {
    let err = model("ARIMA(order=(1,1,1), season_length=4, seasonal_order=(0,1,1))")
        .fit(&[1.0, 2.0, 3.0, 4.0, 5.0])
        .err()
        .unwrap();
    assert_eq!(
        err,
        ModelError::NotEnoughData {
            model: "ARIMA",
            needed: 6,
            got: 5
        }
    );
    let err = model("AutoRegressive(lags=[1,2,3])")
        .fit(&[1.0, 2.0])
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            ModelError::NotEnoughData {
                needed: 3,
                got: 2,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn degenerate_series_never_panic() {
    let alternating: Vec<f64> = (0..30)
        .map(|t| if t % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let huge: Vec<f64> = ar1(30).iter().map(|v| v * 1e12).collect();
    let tiny: Vec<f64> = ar1(30).iter().map(|v| v * 1e-12).collect();
    let series = [
        vec![0.0; 25],
        vec![7.0; 3],
        vec![1.0],
        vec![1.0, 2.0],
        vec![1.0, 2.0, 4.0],
        alternating,
        huge,
        tiny,
        (0..24).map(f64::from).collect(),
    ];
    for spec in [
        "AutoARIMA(season_length=4)",
        "AutoARIMA(season_length=12, stepwise=False, max_order=3)",
        "AutoARIMA(approximation=True)",
        "ARIMA(order=(2,1,1), season_length=4, seasonal_order=(1,0,1), include_drift=True)",
        "AutoRegressive(lags=[1,4])",
    ] {
        let model = model(spec);
        for y in &series {
            let regressor = [(0..y.len()).map(|t| (t % 3) as f64).collect::<Vec<_>>()];
            for x in [&[][..], &regressor[..]] {
                let future = vec![vec![1.0; 4]; x.len()];
                if let Ok(out) = model.forecast_with_regressors(y, x, &future, 4, &[80.0], true) {
                    assert_eq!(out.forecast.mean.len(), 4, "{spec} on {y:?}");
                    assert_eq!(out.fitted.map(|f| f.mean.len()), Some(y.len()));
                }
            }
        }
    }
}

/// `info` names the model as statsforecast's `arima_string` does and lists the
/// coefficients by statsforecast's names, equal to the selection's.
#[test]
fn info_names_the_model_and_its_coefficients() {
    let y = ar1(80);
    let x = [
        (0..80).map(|t| ((t * 7) % 5) as f64).collect::<Vec<_>>(),
        (0..80).map(|t| (t as f64 * 0.3).sin()).collect(),
    ];
    /// Spec, regressors, method string, coefficient names.
    type Case<'a> = (&'a str, &'a [Vec<f64>], &'a str, &'a [&'a str]);
    let cases: [Case; 7] = [
        ("ARIMA(order=(0,1,0))", &[], "ARIMA(0,1,0)", &[]),
        (
            "ARIMA(order=(1,0,0))",
            &[],
            "ARIMA(1,0,0) with non-zero mean",
            &["ar1", "intercept"],
        ),
        (
            "ARIMA(order=(1,0,0), include_mean=False)",
            &[],
            "ARIMA(1,0,0) with zero mean",
            &["ar1"],
        ),
        (
            "ARIMA(order=(0,1,1), include_drift=True)",
            &[],
            "ARIMA(0,1,1) with drift",
            &["ma1", "drift"],
        ),
        (
            "ARIMA(order=(0,1,1), season_length=4, seasonal_order=(1,1,0))",
            &[],
            "ARIMA(0,1,1)(1,1,0)[4]",
            &["ma1", "sar1"],
        ),
        (
            "ARIMA(order=(1,0,0))",
            &x,
            "Regression with ARIMA(1,0,0) errors",
            &["ar1", "intercept", "ex_1", "ex_2"],
        ),
        (
            "AutoRegressive(lags=[1,3])",
            &[],
            "ARIMA(3,0,0) with non-zero mean",
            &["ar1", "ar2", "ar3", "intercept"],
        ),
    ];
    for (spec, x, method, names) in cases {
        let info = model(spec).fit_with_regressors(&y, x).unwrap().info();
        assert_eq!(info.method, method, "{spec}");
        let Some((_, InfoValue::Object(coef))) = info.fields.iter().find(|(k, _)| k == "coef")
        else {
            panic!("{spec}: no coefficients");
        };
        let got: Vec<&str> = coef.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(got, names, "{spec}");
        let selection = select_arima(&parse_model_specs(spec).unwrap()[0], &y, x).unwrap();
        for ((name, value), (want_name, want)) in coef.iter().zip(&selection.coef) {
            assert_eq!(
                (name, value),
                (want_name, &InfoValue::Number(*want)),
                "{spec}"
            );
        }
    }
    // A constant series: its mean fixed, CSS (no AIC), loglik -(n + n ln 2π) / 2.
    let constant = model("AutoARIMA(season_length=4)").fit(&[3.0; 12]).unwrap();
    assert_eq!(
        constant.info().to_json(),
        r#"{"method":"ARIMA(0,0,0) with non-zero mean","order":[0,0,0],"seasonal_order":[0,0,0],"period":4,"coef":{"intercept":3.0},"sigma2":0.0,"loglik":-17.027262398456074,"aic":null,"aicc":null,"bic":null,"nobs":12}"#
    );
}
