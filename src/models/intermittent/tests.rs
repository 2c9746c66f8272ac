//! Tests of the intermittent-demand models: hand-checkable series, degenerate inputs, the
//! kernels against the shared SES code, and the registry entries.
//!
//! Parity with statsforecast 2.1.1 on the reference datasets is checked outside the unit
//! tests (every series bit-identical); the values below are worked out by hand.

use std::sync::Arc;

use super::kernels::{
    ALPHA_BOUNDS, chunk_forecast, expand_demand, expand_intervals, golden_alpha, golden_alpha_pair,
    intervals, mean_interval, ses_last,
};
use super::{Adida, CrostonClassic, CrostonOptimized, CrostonSba, Imapa, Tsb};
use crate::models::ses::{golden_section_ses, ses_forecast};
use crate::models::{InfoValue, Model, ModelError, build_model, parse_model_specs};

const TSB: Tsb = Tsb {
    alpha_d: 0.2,
    alpha_p: 0.2,
};

fn all_models() -> Vec<Arc<dyn Model>> {
    vec![
        Arc::new(CrostonClassic),
        Arc::new(CrostonOptimized),
        Arc::new(CrostonSba),
        Arc::new(Adida),
        Arc::new(Imapa),
        Arc::new(TSB),
    ]
}

fn point(model: &dyn Model, y: &[f64]) -> f64 {
    let out = model.forecast(y, 3, &[], false).unwrap();
    assert!(
        out.forecast
            .mean
            .iter()
            .all(|v| v.to_bits() == out.forecast.mean[0].to_bits())
    );
    out.forecast.mean[0]
}

fn fitted(model: &dyn Model, y: &[f64]) -> Vec<f64> {
    model
        .forecast(y, 1, &[], true)
        .unwrap()
        .fitted
        .unwrap()
        .mean
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

/// NaN where `want` is NaN, else within 1e-12.
fn assert_values(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.is_nan() && w.is_nan()) || close(*g, *w),
            "{what}: {got:?} != {want:?}"
        );
    }
}

#[test]
fn all_zero_series_forecast_zero() {
    let y = [0.0; 6];
    for model in all_models() {
        let name = model.class_name();
        assert_eq!(point(model.as_ref(), &y), 0.0, "{name}");
        // Croston's Naive fallback and the explicit all-zero branch agree here.
        assert_values(
            &fitted(model.as_ref(), &y),
            &[f64::NAN, 0.0, 0.0, 0.0, 0.0, 0.0],
            name,
        );
        assert_eq!(point(model.as_ref(), &[0.0]), 0.0, "{name}");
        assert_values(&fitted(model.as_ref(), &[0.0]), &[f64::NAN], name);
    }
}

#[test]
fn a_single_observation_is_its_own_forecast() {
    for model in all_models() {
        let name = model.class_name();
        let want = if name == "CrostonSBA" {
            0.95 * 3.5
        } else {
            3.5
        };
        assert_eq!(point(model.as_ref(), &[3.5]), want, "{name}");
        assert_values(&fitted(model.as_ref(), &[3.5]), &[f64::NAN], name);
    }
}

#[test]
fn demand_only_at_the_end() {
    let y = [0.0, 0.0, 0.0, 4.0];
    // One size 4, one interval 4.
    assert_eq!(point(&CrostonClassic, &y), 1.0);
    assert_eq!(point(&CrostonOptimized, &y), 1.0);
    assert_eq!(point(&CrostonSba, &y), 0.95);
    // Before the first demand: the previous value over an interval of 1.
    for model in [
        &CrostonClassic as &dyn Model,
        &CrostonOptimized,
        &Adida,
        &Imapa,
    ] {
        assert_values(&fitted(model, &y), &[f64::NAN, 0.0, 0.0, 0.0], "fitted");
    }
    // ADIDA: buckets of 4, one bucket summing to 4.
    assert_eq!(point(&Adida, &y), 1.0);
    // IMAPA: levels 1..=4. Sums [0,0,0,4] and [0,4] have alpha-independent errors, so the
    // search stops at alpha = 0.2: 0.8 and 0.8 / 2; then one bucket each: 4 / 3 and 4 / 4.
    assert!(close(
        point(&Imapa, &y),
        (0.8 + 0.4 + 4.0 / 3.0 + 1.0) / 4.0
    ));
    // TSB: occurrence level 0 until the last step, 0.2 after it; size 4.
    assert!(close(point(&TSB, &y), 0.2 * 4.0));
    assert_values(&fitted(&TSB, &y), &[f64::NAN, 0.0, 0.0, 0.0], "TSB");
}

#[test]
fn demand_only_at_the_start() {
    let y = [4.0, 0.0, 0.0, 0.0];
    assert_eq!(point(&CrostonClassic, &y), 4.0);
    assert_values(
        &fitted(&CrostonClassic, &y),
        &[f64::NAN, 4.0, 4.0, 4.0],
        "Croston",
    );
    assert_values(
        &fitted(&CrostonSba, &y),
        &[f64::NAN, 3.8, 3.8, 3.8],
        "CrostonSBA",
    );
    // TSB: occurrence levels 1, 1, 0.8, 0.64 -> forecast 0.512 of size 4.
    assert!(close(point(&TSB, &y), 0.512 * 4.0));
    assert_values(&fitted(&TSB, &y), &[f64::NAN, 4.0, 3.2, 2.56], "TSB");
    // ADIDA (buckets of 1 = SES of the series): the errors 4, 4c, 4c^2 fall as alpha
    // grows, so alpha goes to the top of [0.1, 0.3] and the forecast is 4 * 0.7^3.
    assert!((point(&Adida, &y) - 4.0 * 0.7f64.powi(3)).abs() < 1e-9);
}

#[test]
fn negative_values_are_occasions_but_not_sizes() {
    // Sizes [2]; intervals between non-zero values [2, 1] -> SES 0.1: level 2, then
    // 0.1 * 1 + 0.9 * 2 = 1.9.
    let y = [0.0, -1.0, 2.0, 0.0];
    assert!(close(point(&CrostonClassic, &y), 2.0 / 1.9));
    // Without a positive value Croston falls back to Naive, SBA scaling it.
    let negative = [-1.0, 0.0, -3.0];
    assert_eq!(point(&CrostonClassic, &negative), -3.0);
    assert_eq!(point(&CrostonOptimized, &negative), -3.0);
    assert_eq!(point(&CrostonSba, &negative), 0.95 * -3.0);
    assert_values(
        &fitted(&CrostonClassic, &negative),
        &[f64::NAN, -1.0, 0.0],
        "Naive fallback",
    );
}

#[test]
fn tsb_refuses_series_without_positive_values() {
    // statsforecast raises `ses_forecast requires at least 1 data point` (edge case
    // E12_negative24); an all-zero series is fine.
    for y in [&[-2.0, 0.0, -1.0][..], &[-45.2, -44.6][..], &[-1.0][..]] {
        let err = TSB.fit(y).err().unwrap();
        assert!(
            matches!(&err, ModelError::Failed(text) if text.contains("no positive value")),
            "{err}"
        );
        assert!(TSB.forecast(y, 2, &[], true).is_err());
    }
    assert_eq!(point(&TSB, &[0.0, 0.0]), 0.0);
}

#[test]
fn constant_series() {
    let y = [5.0; 10];
    for model in all_models() {
        let name = model.class_name();
        let want = if name == "CrostonSBA" { 4.75 } else { 5.0 };
        assert!(close(point(model.as_ref(), &y), want), "{name}");
        let fitted = fitted(model.as_ref(), &y);
        assert!(fitted[0].is_nan(), "{name}");
        assert!(
            fitted[1..].iter().all(|v| close(*v, want)),
            "{name}: {fitted:?}"
        );
    }
}

#[test]
fn short_series_never_panic() {
    let cases: [&[f64]; 8] = [
        &[0.0],
        &[2.0],
        &[-2.0],
        &[0.0, 1.0],
        &[1.0, 0.0],
        &[-1.0, 1.0],
        &[0.0, 0.0, 7.0],
        &[3.0, 0.0, -7.0],
    ];
    for model in all_models() {
        for y in cases {
            if let Ok(out) = model.forecast(y, 2, &[80.0], true) {
                assert!(out.forecast.mean.iter().all(|v| v.is_finite()));
                assert!(out.forecast.intervals.is_empty());
                let fitted = out.fitted.unwrap();
                assert_eq!(fitted.mean.len(), y.len());
                assert!(fitted.mean[0].is_nan());
            }
        }
        assert_eq!(model.fit(&[]).err(), Some(ModelError::EmptySeries));
    }
}

#[test]
fn huge_and_tiny_values() {
    let pattern = [0.0, 1.0, 0.0, 0.0, 3.0, 0.0, 2.0, 0.0, 0.0, 0.0, 5.0, 1.0];
    for scale in [1e-300, 1e-3, 1e6, 1e300] {
        let y: Vec<f64> = pattern.iter().map(|v| v * scale).collect();
        for model in all_models() {
            let name = model.class_name();
            let value = point(model.as_ref(), &y);
            // Forecasts stay within the range of the demand sizes.
            assert!(
                value.is_finite() && value > 0.0,
                "{name} at {scale}: {value}"
            );
            assert!(value <= 5.0 * scale, "{name} at {scale}: {value}");
            let fitted = fitted(model.as_ref(), &y);
            assert!(fitted[1..].iter().all(|v| v.is_finite()), "{name}");
        }
    }
    // Bucket sums beyond the float range: refused instead of an infinite forecast.
    // Mean interval 3: ADIDA's last bucket of 3 (and IMAPA's of 2) holds two maxima.
    let y = [0.0, 0.0, 0.0, 0.0, f64::MAX, f64::MAX];
    for model in [&Adida as &dyn Model, &Imapa] {
        let err = model.forecast(&y, 1, &[], false).err().unwrap();
        assert!(err.to_string().contains("overflows"), "{err}");
    }
    assert!(point(&CrostonClassic, &y).is_finite());
}

#[test]
fn non_finite_values_do_not_panic() {
    // The SQL layer refuses them first; here they follow statsforecast's comparisons
    // (NaN is an occasion but not a size).
    let y = [1.0, f64::NAN, 0.0, f64::INFINITY, -2.0, 3.0];
    for model in all_models() {
        let _ = model.forecast(&y, 2, &[], true);
    }
    assert!(point(&CrostonClassic, &[1.0, f64::NAN, 2.0]).is_finite());
}

#[test]
fn forecast_equals_fit_then_predict() {
    let y = [
        0.0, 3.0, 0.0, 0.0, 1.5, 0.0, 2.0, 0.0, 0.0, 0.0, 4.0, 0.0, 1.0,
    ];
    for model in all_models() {
        let out = model.forecast(&y, 4, &[], true).unwrap();
        let fit = model.fit(&y).unwrap();
        assert_eq!(out.forecast, fit.predict(4, &[80.0]));
        let in_sample = fit.predict_in_sample(&[95.0]);
        assert!(in_sample.intervals.is_empty());
        let same = out
            .fitted
            .unwrap()
            .mean
            .iter()
            .zip(&in_sample.mean)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{}", model.class_name());
        assert!(!model.has_intervals() && model.has_fitted() && !model.has_forward());
        assert_eq!(
            fit.forward(&y).err(),
            Some(ModelError::Unsupported("forward".into()))
        );
    }
}

#[test]
fn streaming_ses_matches_the_shared_kernel() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for n in 1..40 {
        let x: Vec<f64> = (0..n).map(|_| next() * 100.0 - 20.0).collect();
        for alpha in [0.0, 0.1, 0.2, 0.237, 0.3, 1.0] {
            let (want, _) = ses_forecast(&x, alpha);
            assert_eq!(ses_last(x.iter().copied(), alpha).to_bits(), want.to_bits());
        }
    }
    assert!(ses_last([], 0.1).is_nan());
}

#[test]
fn speculative_search_matches_the_shared_kernel() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut cases: Vec<Vec<f64>> = vec![
        vec![],
        vec![2.0],
        vec![2.0, 2.0],
        vec![1.0, 5.0],
        vec![3.0; 9],
        vec![1.0, f64::NAN, 2.0, 4.0],
        vec![1.0, f64::INFINITY, 2.0],
        vec![1e300, 0.0, 3e300, 1e300],
        vec![1e-300, 0.0, 3e-300],
    ];
    for n in 0..300 {
        let len = 1 + n % 60;
        let sparse = n % 3 == 0;
        cases.push(
            (0..len)
                .map(|_| {
                    let v = next();
                    if sparse && v < 0.6 {
                        0.0
                    } else {
                        (v * 40.0).round() / 4.0 - 2.0
                    }
                })
                .collect(),
        );
    }
    let (lower, upper) = ALPHA_BOUNDS;
    for x in &cases {
        let want = golden_section_ses(x, lower, upper);
        assert_eq!(golden_alpha(x).to_bits(), want.to_bits(), "{x:?}");
    }
    // Two searches sharing passes: each its own result, whatever the lengths (one ending
    // early on a tie, one empty, one longer than the other).
    for (x, y) in cases
        .iter()
        .zip(cases.iter().rev().chain(cases.iter().skip(7)))
    {
        let (x_alpha, y_alpha) = golden_alpha_pair(x, y);
        let want = (
            golden_section_ses(x, lower, upper),
            golden_section_ses(y, lower, upper),
        );
        assert_eq!(x_alpha.to_bits(), want.0.to_bits(), "{x:?} with {y:?}");
        assert_eq!(y_alpha.to_bits(), want.1.to_bits(), "{y:?} with {x:?}");
    }
}

#[test]
fn intervals_and_expansion_by_hand() {
    let y = [0.0, 2.0, 0.0, -1.0, 0.0, 0.0, 3.0];
    assert_eq!(intervals(&y).collect::<Vec<_>>(), vec![2.0, 2.0, 3.0]);
    assert_eq!(mean_interval(&y), Some((3, 7.0 / 3.0)));
    assert_eq!(mean_interval(&[0.0, 0.0]), None);
    // Sizes: [2, 3] with values after the 1st / 2nd positive at [_, 10, 20].
    let demand = expand_demand(&[f64::NAN, 10.0, 20.0], &y);
    assert_values(
        &demand,
        &[f64::NAN, 0.0, 10.0, 10.0, 10.0, 10.0, 10.0],
        "demand",
    );
    // Occasions at 1, 3, 6; a level of 0 counts as 1.
    let gaps = expand_intervals(&[f64::NAN, 0.0, 5.0, 6.0], &y);
    assert_values(
        &gaps,
        &[f64::NAN, 1.0, 1.0, 1.0, 5.0, 5.0, 5.0],
        "intervals",
    );
    assert!(expand_demand(&[], &[]).is_empty());
}

#[test]
fn chunk_forecast_by_hand() {
    let mut scratch = Vec::new();
    // Shorter than a bucket: the last value.
    assert_eq!(chunk_forecast(&[1.0, 2.0], 3, &mut scratch), 2.0);
    // One bucket (the oldest value dropped): its sum.
    assert_eq!(chunk_forecast(&[9.0, 1.0, 2.0, 3.0], 3, &mut scratch), 6.0);
    // Two equal buckets: SES of a constant.
    assert!(close(
        chunk_forecast(&[1.0, 2.0, 2.0, 1.0], 2, &mut scratch),
        3.0
    ));
}

#[test]
fn registry_entries() {
    let specs = parse_model_specs(
        "CrostonClassic(), CrostonOptimized(), CrostonSBA(), ADIDA(), IMAPA(), \
         TSB(alpha_d=0.2, alpha_p=0.3), TSB(0.1, 0.5, 'TSB2')",
    )
    .unwrap();
    let aliases: Vec<&str> = specs.iter().map(|s| s.alias()).collect();
    assert_eq!(
        aliases,
        [
            "CrostonClassic",
            "CrostonOptimized",
            "CrostonSBA",
            "ADIDA",
            "IMAPA",
            "TSB",
            "TSB2"
        ]
    );
    for spec in &specs {
        assert_eq!(build_model(spec).unwrap().class_name(), spec.class_name());
    }
    let tsb = build_model(&specs[6]).unwrap();
    // alpha_p = 0.5 on occurrences [1, 0]: 0.5 * 0 + 0.5 * 1; alpha_d irrelevant (one size).
    assert_eq!(point(tsb.as_ref(), &[2.0, 0.0]), 0.5 * 2.0);
    for bad in [
        "TSB()",
        "TSB(alpha_d=0.2)",
        "TSB(alpha_d=1.5, alpha_p=0.1)",
        "TSB(alpha_d=0.2, alpha_p=-0.1)",
        "CrostonClassic(alpha=0.2)",
        "ADIDA(season_length=12)",
    ] {
        assert!(parse_model_specs(bad).is_err(), "{bad}");
    }
}

#[test]
fn info_reports_the_chosen_constants_and_levels() {
    let info = |model: &dyn Model, y: &[f64]| model.fit(y).unwrap().info().to_json();
    let y = [0.0, 0.0, 0.0, 4.0];
    assert_eq!(
        info(&CrostonClassic, &y),
        r#"{"method":"CrostonClassic","alpha":0.1,"forecast":1.0}"#
    );
    // One bucket of 4: forecast without smoothing.
    assert_eq!(
        info(&Adida, &y),
        r#"{"method":"ADIDA","aggregation_level":4,"alpha":null,"forecast":1.0}"#
    );
    // Every level's sums have alpha-independent errors: the search stops at 0.2.
    let imapa = point(&Imapa, &y);
    assert_eq!(
        info(&Imapa, &y),
        format!(
            r#"{{"method":"IMAPA","aggregation_levels":4,"alpha":[0.2,0.2,0.2,0.2],"forecast":{imapa:?}}}"#
        )
    );
    assert_eq!(
        info(&CrostonOptimized, &[0.0, -1.0, 0.0]),
        r#"{"method":"CrostonOptimized","fallback":"Naive","forecast":0.0}"#
    );
    let walk = [1.0, 0.0, 3.0, 0.0, 0.0, 2.0, 5.0, 0.0, 1.0, 4.0];
    let sizes = [1.0, 3.0, 2.0, 5.0, 1.0, 4.0];
    let gaps = [1.0, 2.0, 3.0, 1.0, 2.0, 1.0];
    let optimized = CrostonOptimized.fit(&walk).unwrap().info();
    assert_eq!(
        optimized.fields[..2],
        [
            (
                "alpha_demand".to_owned(),
                InfoValue::Number(golden_section_ses(&sizes, 0.1, 0.3))
            ),
            (
                "alpha_interval".to_owned(),
                InfoValue::Number(golden_section_ses(&gaps, 0.1, 0.3))
            ),
        ]
    );
    assert_eq!(
        info(&TSB, &y),
        format!(
            r#"{{"method":"TSB","alpha_d":0.2,"alpha_p":0.2,"forecast":{:?}}}"#,
            point(&TSB, &y)
        )
    );
}
