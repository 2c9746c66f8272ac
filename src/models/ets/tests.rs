//! Behaviour of the ETS models on awkward inputs, and properties across model classes.

use crate::models::{Model, ModelError, build_model, parse_model_specs, select_ets};

/// Every ETS configuration worth exercising: automatic search, each interval class, fixed
/// and free damping, and the Holt / Holt-Winters wrappers.
const SPECS: &str = "AutoETS(season_length=4), AutoETS(season_length=4, model='ZZN', alias='zzn'), \
    AutoETS(season_length=4, model='AAN', damped=True, alias='aadn'), \
    AutoETS(season_length=4, model='ANA', alias='ana'), AutoETS(season_length=4, model='MNN', alias='mnn'), \
    AutoETS(season_length=4, model='MAA', damped=False, alias='maa'), \
    AutoETS(season_length=4, model='MAM', alias='mam'), AutoETS(season_length=4, model='MMN', alias='mmn'), \
    AutoETS(season_length=4, phi=0.9, alias='phi'), Holt(season_length=4), Holt(error_type='M', alias='holt_m'), \
    HoltWinters(season_length=4), HoltWinters(season_length=4, error_type='M', alias='hw_m'), \
    AutoETS(season_length=12, alias='monthly')";

const LEVELS: [f64; 2] = [80.0, 95.0];

fn models() -> Vec<(String, std::sync::Arc<dyn Model>)> {
    parse_model_specs(SPECS)
        .unwrap()
        .into_iter()
        .map(|spec| (spec.alias().to_owned(), build_model(&spec).unwrap()))
        .collect()
}

fn seasonal(n: usize, scale: f64) -> Vec<f64> {
    (0..n)
        .map(|t| {
            scale * (20.0 + 0.3 * t as f64 + [3.0, -2.0, 4.0, -5.0][t % 4] + ((t * 7) % 5) as f64)
        })
        .collect()
}

/// The awkward series of the issue: constant, all zero, every length 1..=10, huge and tiny
/// scales, alternating signs.
fn awkward() -> Vec<(String, Vec<f64>)> {
    let mut out = vec![
        ("constant".to_owned(), vec![4.2; 24]),
        ("zeros".to_owned(), vec![0.0; 24]),
        ("huge".to_owned(), seasonal(40, 1e12)),
        ("tiny_scale".to_owned(), seasonal(40, 1e-9)),
        (
            "alternating".to_owned(),
            (0..30)
                .map(|t| {
                    if t % 2 == 0 {
                        5.0 + t as f64
                    } else {
                        -5.0 - t as f64
                    }
                })
                .collect(),
        ),
    ];
    for n in 1..=10 {
        out.push((format!("len{n}"), seasonal(n, 1.0)));
    }
    out
}

/// The documented outcomes: a fit, or one of the refusals statsforecast also makes (too
/// short, multiplicative components on non-positive data).
#[test]
fn awkward_series_never_panic_and_give_finite_or_refused_output() {
    for (name, model) in models() {
        for (series, y) in awkward() {
            let label = format!("{name} on {series}");
            match model.forecast(&y, 6, &LEVELS, true) {
                Ok(out) => {
                    let f = &out.forecast;
                    assert_eq!(f.mean.len(), 6, "{label}");
                    assert!(
                        f.mean.iter().all(|v| v.is_finite()),
                        "{label}: {:?}",
                        f.mean
                    );
                    for band in &f.intervals {
                        assert!(
                            band.lo.iter().chain(&band.hi).all(|v| v.is_finite()),
                            "{label}: {band:?}"
                        );
                    }
                    let fitted = out.fitted.unwrap();
                    assert_eq!(fitted.mean.len(), y.len(), "{label}");
                    assert!(fitted.mean.iter().all(|v| v.is_finite()), "{label}");
                }
                Err(ModelError::NotEnoughData { got, needed, .. }) => {
                    assert_eq!(got, y.len(), "{label}");
                    assert!(needed > got, "{label}");
                }
                Err(ModelError::Failed(reason)) => {
                    // Multiplicative errors or seasons need strictly positive data.
                    assert!(y.iter().any(|v| *v <= 0.0), "{label}: {reason}");
                    assert!(reason.contains("negative or zero"), "{label}: {reason}");
                }
                Err(other) => panic!("{label}: unexpected {other}"),
            }
        }
    }
}

#[test]
fn short_series_thresholds_follow_statsforecast() {
    // AutoETS: n <= 6 is "tiny"; a constant series needs 4 observations; AAN needs 9,
    // damped 10, seasonal Holt-Winters 11 (once the series is longer than a season).
    let check = |text: &str, n: usize, needed: Option<usize>| {
        let spec = parse_model_specs(text).unwrap().remove(0);
        let model = build_model(&spec).unwrap();
        let got = model.fit(&seasonal(n, 1.0)).err();
        match needed {
            None => assert!(got.is_none(), "{text} n={n}: {got:?}"),
            Some(needed) => assert_eq!(
                got,
                Some(ModelError::NotEnoughData {
                    model: model.class_name(),
                    needed,
                    got: n
                }),
                "{text} n={n}"
            ),
        }
    };
    check("AutoETS(season_length=4)", 6, Some(7));
    check("AutoETS(season_length=4)", 7, None);
    check("AutoETS(season_length=4, model='AAN')", 8, Some(9));
    check("AutoETS(season_length=4, model='AAN')", 9, None);
    check(
        "AutoETS(season_length=4, model='AAN', damped=True)",
        9,
        Some(10),
    );
    check("HoltWinters(season_length=4)", 10, Some(11));
    check("HoltWinters(season_length=4)", 11, None);
    // Not longer than one season: the season is dropped, so Holt's threshold applies.
    check("HoltWinters(season_length=12)", 8, Some(9));
    let constant = build_model(&parse_model_specs("AutoETS()").unwrap()[0]).unwrap();
    assert!(constant.fit(&[2.0; 3]).is_err());
    assert!(constant.fit(&[2.0; 4]).is_ok());
}

#[test]
fn selection_reports_the_form_and_estimates() {
    let spec = parse_model_specs("AutoETS(season_length=4)")
        .unwrap()
        .remove(0);
    let y = seasonal(48, 1.0);
    let sel = select_ets(&spec, &y).unwrap();
    assert_eq!(sel.components.len(), 4);
    assert!(sel.method.starts_with("ETS("));
    assert!(sel.aicc.is_finite() && sel.aicc >= sel.aic);
    assert!(sel.alpha > 0.0 && sel.alpha < 1.0);
    assert_eq!(sel.initial_states.len(), {
        let trend = usize::from(&sel.components[1..2] != "N");
        let season = if &sel.components[2..3] != "N" { 4 } else { 0 };
        1 + trend + season
    });
    let constant = select_ets(&spec, &[3.0; 10]).unwrap();
    assert_eq!(constant.components, "ANNN");
    let naive = parse_model_specs("Naive()").unwrap().remove(0);
    assert!(matches!(
        select_ets(&naive, &y),
        Err(ModelError::Unsupported(_))
    ));
}

#[test]
fn intervals_are_ordered_for_every_class() {
    let y = seasonal(60, 1.0);
    for (name, model) in models() {
        let fit = model.fit(&y).unwrap();
        let out = fit.predict(8, &[50.0, 80.0, 95.0]);
        for k in 0..8 {
            let chain = [
                out.intervals[2].lo[k],
                out.intervals[1].lo[k],
                out.intervals[0].lo[k],
                out.intervals[0].hi[k],
                out.intervals[1].hi[k],
                out.intervals[2].hi[k],
            ];
            assert!(
                chain.windows(2).all(|w| w[0] <= w[1]),
                "{name} step {k}: {chain:?}"
            );
        }
    }
}

#[test]
fn simulated_intervals_are_deterministic() {
    // MMN has no closed form: its bands come from simulated paths with a fixed seed.
    let spec = parse_model_specs("AutoETS(model='MMN')").unwrap().remove(0);
    let model = build_model(&spec).unwrap();
    let y: Vec<f64> = (0..40)
        .map(|t| 50.0 * 1.02f64.powi(t) + ((t * 13) % 7) as f64)
        .collect();
    let a = model.fit(&y).unwrap().predict(5, &LEVELS);
    let b = model.fit(&y).unwrap().predict(5, &LEVELS);
    assert_eq!(a, b);
    assert!(a.intervals[1].lo[0] < a.mean[0] && a.mean[0] < a.intervals[1].hi[0]);
    // statsforecast simulates undamped multiplicative trends with phi = 0, so its paths do
    // not grow and by step 5 the mean leaves its own 95 % band. Its numbers for this series
    // (AutoETS(model='MMN').forecast(y, 5, level=[95])): mean 122.15255321, band
    // 104.39676258 .. 117.35264191.
    assert!(a.mean[4] > a.intervals[1].hi[4]);
    assert!(
        (a.intervals[1].lo[4] - 104.39676258).abs() < 1e-6,
        "{:?}",
        a.intervals[1]
    );
    assert!(
        (a.intervals[1].hi[4] - 117.35264191).abs() < 1e-6,
        "{:?}",
        a.intervals[1]
    );
}

#[test]
fn forward_reuses_parameters() {
    let spec = parse_model_specs("AutoETS(season_length=4)")
        .unwrap()
        .remove(0);
    let model = build_model(&spec).unwrap();
    let y = seasonal(48, 1.0);
    let fit = model.fit(&y[..40]).unwrap();
    let moved = fit.forward(&y).unwrap();
    let refit = model.fit(&y).unwrap();
    // Same parameters, new data: forecasts move with the data but are not a refit.
    assert_ne!(moved.predict(4, &[]), fit.predict(4, &[]));
    assert_eq!(moved.predict_in_sample(&[]).mean.len(), 48);
    assert!(moved.predict(4, &LEVELS).mean.iter().all(|v| v.is_finite()));
    let _ = refit;
    // A constant new series is refitted, as statsforecast's constant shortcut comes first.
    assert_eq!(
        fit.forward(&[2.0; 12]).unwrap().predict(2, &[]).mean.len(),
        2
    );
}

/// Every interval class comes back from its state with the same forecasts, bounds and
/// fitted values, and moves forward the same.
#[test]
fn states_round_trip_for_every_interval_class() {
    use crate::models::{decode_state, encode_state};

    let y = seasonal(40, 1.0);
    let longer = seasonal(48, 1.0);
    let same = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    };
    for spec in parse_model_specs(SPECS).unwrap() {
        let model = build_model(&spec).unwrap();
        let text = spec.to_string();
        let fitted = model.fit(&y).unwrap();
        let bytes = encode_state(model.as_ref(), &text, fitted.as_ref());
        let restored = decode_state(model.as_ref(), &text, &bytes).unwrap();
        let pairs = [
            (fitted.predict(9, &LEVELS), restored.predict(9, &LEVELS)),
            (
                fitted.predict_in_sample(&LEVELS),
                restored.predict_in_sample(&LEVELS),
            ),
            (
                fitted.forward(&longer).unwrap().predict(5, &LEVELS),
                restored.forward(&longer).unwrap().predict(5, &LEVELS),
            ),
        ];
        for (a, b) in pairs {
            assert!(same(&a.mean, &b.mean), "{text}");
            for (x, y) in a.intervals.iter().zip(&b.intervals) {
                assert!(same(&x.lo, &y.lo) && same(&x.hi, &y.hi), "{text}");
            }
        }
    }
}
