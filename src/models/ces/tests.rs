//! AutoCES against statsforecast 2.1.1 numbers and by hand, and its refusals.

use super::model::AutoCes;
use super::recursion::{SeasonType, Smoothing, forecast_into};
use super::search::{FREE, search};
use super::select_ces;
use crate::models::{FittedModel, Model, ModelError, build_model, parse_model_specs};

/// `10 + t/2 + a season of 4 + a bounded wiggle` (the contract tests' seasonal series).
fn seasonal() -> Vec<f64> {
    (0..30)
        .map(|t| 10.0 + 0.5 * t as f64 + [3.0, -1.0, 4.0, -6.0][t % 4] + ((t * 37) % 7) as f64)
        .collect()
}

fn auto(season_length: usize, model: Option<SeasonType>) -> AutoCes {
    AutoCes {
        season_length,
        model,
    }
}

/// Simulated bounds follow numpy's normal draws to about 1e-14; quantiles of 5000 paths
/// keep that precision up to a few orders of magnitude.
fn assert_close(got: &[f64], want: &[f64], rel: f64) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= rel * w.abs(), "{got:?} vs {want:?}");
    }
}

#[test]
fn point_forecasts_by_hand() {
    // No season: f = l, then l' = l - (1 - a1)·c, c' = l + (1 - a0)·c (the error is 0).
    let p = Smoothing {
        alpha_0: 1.5,
        alpha_1: 0.5,
        beta_0: f64::NAN,
        beta_1: f64::NAN,
    };
    let mut buf = vec![10.0, 4.0, 0.0, 0.0, 0.0, 0.0];
    let mut out = [0.0; 2];
    forecast_into(&mut buf, SeasonType::None, 1, &p, &mut out);
    assert_eq!(out, [10.0, 10.0 - 0.5 * 4.0]);
    assert_eq!(&buf[2..4], &[8.0, 10.0 - 0.5 * 4.0]);

    // Simple seasonality repeats the levels of the last season while the error is 0.
    let mut buf = vec![1.0, 0.5, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let mut out = [0.0; 2];
    forecast_into(&mut buf, SeasonType::Simple, 2, &p, &mut out);
    assert_eq!(out, [1.0, 2.0]);

    // Partial seasonality adds the seasonal state of one season back.
    let p = Smoothing { beta_0: 0.2, ..p };
    let mut buf = vec![5.0, 2.0, 1.0, 5.0, 2.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let mut out = [0.0; 2];
    forecast_into(&mut buf, SeasonType::Partial, 2, &p, &mut out);
    assert_eq!(out[0], 5.0 + 1.0);
}

#[test]
fn matches_statsforecast_on_a_short_seasonal_series() {
    let y = seasonal();
    let spec = &parse_model_specs("AutoCES(season_length=4)").unwrap()[0];
    let s = select_ces(spec, &y).unwrap();
    assert_eq!(s.season_type, "P");
    assert_eq!(s.alpha_0, 1.2607130037967402);
    assert_eq!(s.alpha_1, 1.0251068220936077);
    assert_eq!(s.beta_0, 0.016686870650046877);
    assert!(s.beta_1.is_nan());
    assert_eq!(s.loglik, -77.80488921417285);
    assert_eq!(s.aicc, 165.2097784283457);
    assert_eq!(s.sigma2, 7.157185301806084);

    let model = build_model(spec).unwrap();
    let out = model.forecast(&y, 6, &[80.0, 95.0], true).unwrap();
    assert_eq!(
        out.forecast.mean,
        [
            31.370236773015126,
            21.952763838564305,
            31.5936859018876,
            28.092496810703533,
            33.63048946024683,
            24.237607298012954
        ]
    );
    let (b80, b95) = (&out.forecast.intervals[0], &out.forecast.intervals[1]);
    assert_close(
        &b80.lo,
        &[
            26.54485106195666,
            17.05436608932649,
            26.77825171309257,
            23.144648956340355,
            28.677087528462145,
            19.12004138277909,
        ],
        1e-11,
    );
    assert_close(
        &b95.hi,
        &[
            38.64013574929258,
            29.387422927729105,
            38.72069821016051,
            35.55310741643104,
            41.099625612258905,
            31.966114306605878,
        ],
        1e-11,
    );
    let fitted = out.fitted.unwrap();
    assert_eq!(
        &fitted.mean[..5],
        &[
            17.99500534001361,
            13.067239037586857,
            17.629221169881394,
            8.234577663265547,
            18.467732167769583
        ]
    );
    assert_close(
        &fitted.intervals[0].lo[..3],
        &[14.865205289934181, 9.937438987507429, 14.499421119801966],
        1e-14,
    );
}

#[test]
fn each_form_on_request() {
    let y = seasonal();
    // statsforecast's AICc and first forecasts of AutoCES(season_length=4, model=...).
    let cases = [
        (
            "N",
            202.23397968558197,
            [27.43664782981027, 27.87241652888957, 28.423670243081975],
        ),
        (
            "S",
            170.78051537753157,
            [30.997800238244245, 23.131851469019857, 30.698739535355806],
        ),
        (
            "F",
            167.92692229641867,
            [31.091641386070577, 22.223946492066155, 31.445845313807386],
        ),
    ];
    for (letter, aicc, mean) in cases {
        let spec =
            &parse_model_specs(&format!("AutoCES(season_length=4, model='{letter}')")).unwrap()[0];
        let s = select_ces(spec, &y).unwrap();
        assert_eq!((s.season_type.as_str(), s.aicc), (letter, aicc));
        let out = build_model(spec).unwrap().forecast(&y, 3, &[], false);
        assert_eq!(out.unwrap().forecast.mean, mean, "{letter}");
    }
}

#[test]
fn five_observations_fit_without_a_season() {
    // Shorter than two seasons: only N is fitted (statsforecast's numbers).
    let y = [1.0, 4.0, 2.0, 8.0, 5.0];
    let out = auto(4, None).forecast(&y, 3, &[80.0], true).unwrap();
    assert_eq!(
        out.forecast.mean,
        [11.547406320451389, 8.290716077819607, 15.265872380293203]
    );
    assert_close(
        &out.forecast.intervals[0].lo,
        &[7.464004983423054, 4.022840624186509, 9.714292813119984],
        1e-11,
    );
    let fitted = out.fitted.unwrap();
    assert_eq!(
        fitted.mean,
        [
            1.7903261456819812,
            4.40966933642529,
            1.6018628414992102,
            5.053755924803237,
            4.753642291069226
        ]
    );
    assert_close(
        &fitted.intervals[0].hi,
        &[
            3.574585048137827,
            6.193928238881136,
            3.386121743955056,
            6.838014827259083,
            6.537901193525071,
        ],
        1e-14,
    );
}

#[test]
fn short_series_are_refused() {
    let short = |n: usize, needed: usize, model: AutoCes| {
        let y: Vec<f64> = (0..n).map(|t| (t * t) as f64 + 1.0).collect();
        let err = model.fit(&y).err();
        assert_eq!(
            err,
            Some(ModelError::NotEnoughData {
                model: "AutoCES",
                needed,
                got: n
            }),
            "n = {n}"
        );
    };
    // `tiny datasets`.
    short(2, 3, auto(4, None));
    // No degrees of freedom left for the variance (a scipy error or `no model able to be
    // fitted` in statsforecast).
    short(3, 5, auto(1, None));
    short(4, 5, auto(4, None));
    // Two seasons of 2 with `Z`: statsforecast needs more than 4 observations, then picks
    // the full form, whose variance is negative at 5.
    short(4, 5, auto(2, None));
    short(5, 7, auto(2, None));
    assert!(auto(1, None).fit(&[1.0, 4.0, 2.0, 8.0, 5.0]).is_ok());
}

#[test]
fn constant_series_are_forecast_naively() {
    for value in [5.0, 0.0] {
        let y = vec![value; 12];
        let out = auto(4, None).forecast(&y, 3, &[80.0], true).unwrap();
        assert_eq!(out.forecast.mean, vec![value; 3]);
        assert_eq!(out.forecast.intervals[0].lo, vec![value; 3]);
        let fitted = out.fitted.unwrap();
        assert!(fitted.mean[0].is_nan());
        assert_eq!(&fitted.mean[1..], &vec![value; 11][..]);
        let spec = &parse_model_specs("AutoCES(season_length=4)").unwrap()[0];
        assert!(matches!(
            select_ces(spec, &y),
            Err(ModelError::Unsupported(_))
        ));
    }
    // Two equal observations are constant too, and so is a single one; statsforecast fails
    // only on the fitted intervals of the latter.
    assert!(auto(1, None).fit(&[3.0, 3.0]).is_ok());
    let single = auto(4, None).forecast(&[7.0], 2, &[80.0], false).unwrap();
    assert_eq!(single.forecast.mean, [7.0, 7.0]);
    assert_eq!(single.forecast.intervals[0].hi, [7.0, 7.0]);
    assert!(auto(4, None).forecast(&[7.0], 2, &[], true).is_ok());
    assert_eq!(
        auto(4, None).forecast(&[7.0], 2, &[80.0], true).err(),
        Some(ModelError::NotEnoughData {
            model: "AutoCES",
            needed: 2,
            got: 1
        })
    );
}

#[test]
fn an_exactly_seasonal_series_has_no_model() {
    // Every seasonal form fits it exactly (infinite likelihood), as statsforecast finds.
    let y: Vec<f64> = [1.0, 5.0, 3.0, 8.0].repeat(6);
    match auto(4, None).fit(&y) {
        Err(ModelError::Failed(reason)) => assert!(reason.contains("no model able to be fitted")),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn missing_values_are_refused() {
    let mut y = seasonal();
    y[3] = f64::NAN;
    assert!(matches!(auto(4, None).fit(&y), Err(ModelError::Failed(_))));
    assert_eq!(auto(4, None).fit(&[]).err(), Some(ModelError::EmptySeries));
}

#[test]
fn degenerate_series_never_panic() {
    let base = seasonal();
    let cases: Vec<Vec<f64>> = vec![
        (0..24)
            .map(|t| if t % 2 == 0 { 1.0 } else { -1.0 })
            .collect(),
        (0..24).map(|t| t as f64).collect(),
        [vec![3.0; 12], vec![9.0; 12]].concat(),
        base.iter().map(|v| v * 1e12).collect(),
        base.iter().map(|v| v * 1e-12).collect(),
        base.iter().map(|v| -v).collect(),
        (0..40).map(|t| if t == 20 { 1e6 } else { 0.0 }).collect(),
    ];
    for y in cases {
        for model in [auto(4, None), auto(1, None), auto(12, None)] {
            match model.forecast(&y, 5, &[80.0, 95.0], true) {
                Ok(out) => {
                    let f = &out.forecast;
                    assert!(f.mean.iter().all(|v| v.is_finite()), "{y:?}");
                    for band in &f.intervals {
                        for ((lo, hi), mean) in band.lo.iter().zip(&band.hi).zip(&f.mean) {
                            assert!(lo <= mean && mean <= hi, "{y:?}");
                        }
                    }
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
}

#[test]
fn scaled_series_give_scaled_forecasts() {
    let y = seasonal();
    let base = auto(4, None)
        .forecast(&y, 4, &[], false)
        .unwrap()
        .forecast
        .mean;
    for scale in [1e12, 1e-12] {
        let scaled: Vec<f64> = y.iter().map(|v| v * scale).collect();
        let mean = auto(4, None)
            .forecast(&scaled, 4, &[], false)
            .unwrap()
            .forecast
            .mean;
        let want: Vec<f64> = base.iter().map(|v| v * scale).collect();
        assert_close(&mean, &want, 1e-6);
    }
}

#[test]
fn forward_reuses_the_form_and_parameters() {
    let y = seasonal();
    let fitted = auto(4, None).fit_ces(&y).unwrap().unwrap();
    let again = fitted.forward(&y).unwrap();
    assert_eq!(again.predict(5, &[80.0]), fitted.predict(5, &[80.0]));
    assert_eq!(
        again.predict_in_sample(&[80.0]),
        fitted.predict_in_sample(&[80.0])
    );

    // On a series shorter than two seasons the form falls back to N, alphas kept.
    let short = &y[..7];
    let moved = fitted.forward(short).unwrap().predict(3, &[]);
    let par = fitted.model().par;
    let direct = search(short, 4, Some(SeasonType::None), par).unwrap();
    assert_eq!(direct.season, SeasonType::None);
    assert_eq!(direct.par.alpha_0, par.alpha_0);
    let refit = super::model::CesFitted::new(direct, short).predict(3, &[]);
    assert_eq!(moved, refit);
    // Free parameters are estimated instead.
    let estimated = search(short, 4, Some(SeasonType::None), FREE).unwrap();
    assert_ne!(estimated.par.alpha_0, par.alpha_0);
}

#[test]
fn spec_checks() {
    let spec = &parse_model_specs("AutoCES(season_length=12, model='F')").unwrap()[0];
    assert_eq!(spec.alias(), "CES");
    assert!(parse_model_specs("AutoCES(model='X')").is_err());
    assert!(parse_model_specs("AutoCES(distribution='t')").is_err());
    assert!(parse_model_specs("CES()").is_err());
}
