//! The Theta models against statsforecast's numbers (printed by
//! `tests/data/theta/expected.py`) and on awkward inputs.

use super::ModelType;
use super::recursion::{Buffers, Params, SeriesSummary, forecast, in_sample};
use super::seasonal::{DecompositionType, deseasonalise, is_seasonal};
use crate::models::{Forecast, Model, ModelError, build_model, parse_model_specs, select_theta};
use expected::*;

const LEVELS: [f64; 2] = [80.0, 95.0];
const CLASSES: [&str; 5] = [
    "AutoTheta",
    "Theta",
    "OptimizedTheta",
    "DynamicTheta",
    "DynamicOptimizedTheta",
];

fn model(spec: &str) -> std::sync::Arc<dyn Model> {
    build_model(&parse_model_specs(spec).unwrap()[0]).unwrap()
}

/// The test series of `expected.py`: trend, a season of period 4 and a little noise.
fn seasonal(n: usize, scale: f64) -> Vec<f64> {
    (0..n)
        .map(|t| {
            scale * (20.0 + 0.3 * t as f64 + [3.0, -2.0, 4.0, -5.0][t % 4] + ((t * 7) % 5) as f64)
        })
        .collect()
}

/// Equal up to rounding noise (statsforecast's simulated draws use numpy's ziggurat tables,
/// ours agree with them to about 1e-14); NaN matches NaN.
fn assert_close(label: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{label}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let same = (g.is_nan() && w.is_nan()) || (g - w).abs() <= 1e-12 * w.abs();
        assert!(same, "{label}[{k}]: {g} vs {w}");
    }
}

fn band(forecast: &Forecast, level: f64) -> (&[f64], &[f64]) {
    let band = forecast
        .intervals
        .iter()
        .find(|b| b.level == level)
        .unwrap();
    (&band.lo, &band.hi)
}

#[test]
fn standard_model_on_a_line_by_hand() {
    // y = 1..8 lies on the line 0 + 1 t, so An = 0 and Bn = 1 (the means 36 / 8 and
    // 204 / 8 are exact, Bn = 6 (51 - 40.5) / 63); with theta = 2,
    // alpha = 0.5 and an initial smoothed value of 0.5 every step is exact in binary:
    // mu_0 = 0.5 + 0.5 (0 + 1) = 1, level_0 = 0.5 + 0.25 = 0.75,
    // mu_1 = 0.75 + 0.5 (1 - 0.25) / 0.5 = 1.5, level_1 = 1 + 0.375 = 1.375,
    // mu_2 = 1.375 + 0.5 (1 - 0.125) / 0.5 = 2.25.
    let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    let p = Params {
        initial_smoothed: 0.5,
        alpha: 0.5,
        theta: 2.0,
    };
    let summary = SeriesSummary::of(&y);
    let mut buffers = Buffers::new(y.len());
    let (_, last) = in_sample(&y, ModelType::Stm, &summary, &p, &mut buffers);
    assert_eq!(buffers.residuals[..3], [0.0, 0.5, 0.75]);
    assert_eq!((last.a, last.b), (0.0, 1.0));
}

#[test]
fn recursion_matches_statsforecast() {
    let y = [3.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 11.0, 10.0, 12.0];
    let p = Params {
        initial_smoothed: 1.5,
        alpha: 0.3,
        theta: 2.0,
    };
    let summary = SeriesSummary::of(&y);
    let cases = [
        (
            ModelType::Stm,
            STM_RESIDUALS,
            STM_LAST_STATE,
            STM_MSE,
            STM_FORECAST,
        ),
        (
            ModelType::Dstm,
            DSTM_RESIDUALS,
            DSTM_LAST_STATE,
            DSTM_MSE,
            DSTM_FORECAST,
        ),
    ];
    for (model, residuals, last_state, mse, future) in cases {
        let mut buffers = Buffers::new(y.len());
        let (value, last) = in_sample(&y, model, &summary, &p, &mut buffers);
        assert_eq!(buffers.residuals, residuals, "{model:?}");
        let kept = [last.level, last.a, last.b, last.mu];
        assert_eq!(kept, [0, 2, 3, 4].map(|k| last_state[k]), "{model:?}");
        // The static models do not keep the running mean (they never read it).
        if model.is_dynamic() {
            assert_eq!(last.mean_y, last_state[1]);
        }
        assert_eq!(value, mse[0]);
        assert_eq!(forecast(&last, y.len(), model, &p, 5), future);
    }
}

#[test]
fn the_five_classes_match_statsforecast() {
    let y = seasonal(24, 1.0);
    let expected = [
        (
            "AutoTheta",
            AUTOTHETA_MEAN,
            AUTOTHETA_LO_80,
            AUTOTHETA_HI_80,
            AUTOTHETA_LO_95,
            AUTOTHETA_HI_95,
        ),
        (
            "Theta",
            THETA_MEAN,
            THETA_LO_80,
            THETA_HI_80,
            THETA_LO_95,
            THETA_HI_95,
        ),
        (
            "OptimizedTheta",
            OPTIMIZEDTHETA_MEAN,
            OPTIMIZEDTHETA_LO_80,
            OPTIMIZEDTHETA_HI_80,
            OPTIMIZEDTHETA_LO_95,
            OPTIMIZEDTHETA_HI_95,
        ),
        (
            "DynamicTheta",
            DYNAMICTHETA_MEAN,
            DYNAMICTHETA_LO_80,
            DYNAMICTHETA_HI_80,
            DYNAMICTHETA_LO_95,
            DYNAMICTHETA_HI_95,
        ),
        (
            "DynamicOptimizedTheta",
            DYNAMICOPTIMIZEDTHETA_MEAN,
            DYNAMICOPTIMIZEDTHETA_LO_80,
            DYNAMICOPTIMIZEDTHETA_HI_80,
            DYNAMICOPTIMIZEDTHETA_LO_95,
            DYNAMICOPTIMIZEDTHETA_HI_95,
        ),
    ];
    for (class, mean, lo80, hi80, lo95, hi95) in expected {
        let out = model(&format!("{class}(season_length=4)"))
            .forecast(&y, 6, &LEVELS, true)
            .unwrap();
        let f = &out.forecast;
        assert_close(class, &f.mean, &mean);
        assert_close(class, band(f, 80.0).0, &lo80);
        assert_close(class, band(f, 80.0).1, &hi80);
        assert_close(class, band(f, 95.0).0, &lo95);
        assert_close(class, band(f, 95.0).1, &hi95);
        if class == "AutoTheta" {
            let fitted = out.fitted.unwrap();
            assert_close("fitted", &fitted.mean, &AUTOTHETA_FITTED);
            assert_close(
                "fitted lo 95",
                band(&fitted, 95.0).0,
                &AUTOTHETA_FITTED_LO_95,
            );
        }
    }
}

#[test]
fn selection_matches_statsforecast() {
    let spec = parse_model_specs("AutoTheta(season_length=4)")
        .unwrap()
        .remove(0);
    let selected = select_theta(&spec, &seasonal(24, 1.0)).unwrap();
    let codes = ["STM", "OTM", "DSTM", "DOTM"];
    assert_eq!(selected.model_type, codes[AUTO_SELECTED[0] as usize]);
    assert_eq!(
        [selected.initial_smoothed, selected.alpha, selected.theta],
        AUTO_PARAMS
    );
    assert_eq!(selected.mse, AUTO_MSE[0]);
    assert_eq!(
        selected.decomposition_type.as_deref(),
        Some("multiplicative")
    );

    let undecomposed = select_theta(&spec, &[1.0, 3.0, 2.0, 5.0, 4.0]).unwrap();
    assert_eq!(undecomposed.decomposition_type, None);
    let naive = parse_model_specs("Naive()").unwrap().remove(0);
    assert!(matches!(
        select_theta(&naive, &[1.0; 8]),
        Err(ModelError::Unsupported(_))
    ));
}

#[test]
fn additive_decomposition_and_forward_match_statsforecast() {
    let y = seasonal(24, 1.0);
    let additive = model("AutoTheta(season_length=4, decomposition_type='additive')");
    let out = additive.forecast(&y, 6, &LEVELS, true).unwrap();
    assert_close("additive", &out.forecast.mean, &ADDITIVE_MEAN);
    assert_close(
        "additive lo 80",
        band(&out.forecast, 80.0).0,
        &ADDITIVE_LO_80,
    );
    assert_close(
        "additive hi 95",
        band(&out.forecast, 95.0).1,
        &ADDITIVE_HI_95,
    );
    assert_close(
        "additive fitted",
        &out.fitted.unwrap().mean,
        &ADDITIVE_FITTED,
    );

    // The fitted model type and parameters on a new (negative, hence additively
    // deseasonalised) series.
    let fit = model("AutoTheta(season_length=4)").fit(&y).unwrap();
    let moved = fit.forward(&seasonal(30, -3.0)).unwrap();
    let f = moved.predict(5, &LEVELS);
    assert_close("forward", &f.mean, &FORWARD_MEAN);
    assert_close("forward lo 95", band(&f, 95.0).0, &FORWARD_LO_95);
    assert_close("forward hi 80", band(&f, 80.0).1, &FORWARD_HI_80);
    let fitted = moved.predict_in_sample(&LEVELS);
    assert_close("forward fitted", &fitted.mean, &FORWARD_FITTED);
    assert_close(
        "forward fitted hi 80",
        band(&fitted, 80.0).1,
        &FORWARD_FITTED_HI_80,
    );
}

#[test]
fn awkward_series_match_statsforecast() {
    let alternating: Vec<f64> = (0..30)
        .map(|t| {
            if t % 2 == 0 {
                5.0 + t as f64
            } else {
                -5.0 - t as f64
            }
        })
        .collect();
    // Name, series, then statsforecast's mean, lo-95, hi-95, fitted and fitted lo-80.
    type Case<'a> = (&'a str, Vec<f64>, [[f64; 6]; 3], &'a [f64], &'a [f64]);
    let cases: [Case; 6] = [
        (
            "constant",
            vec![4.2; 24],
            [CONSTANT_MEAN, CONSTANT_LO_95, CONSTANT_HI_95],
            &CONSTANT_FITTED,
            &CONSTANT_FITTED_LO_80,
        ),
        (
            "zeros",
            vec![0.0; 24],
            [ZEROS_MEAN, ZEROS_LO_95, ZEROS_HI_95],
            &ZEROS_FITTED,
            &ZEROS_FITTED_LO_80,
        ),
        (
            "alternating",
            alternating,
            [ALTERNATING_MEAN, ALTERNATING_LO_95, ALTERNATING_HI_95],
            &ALTERNATING_FITTED,
            &ALTERNATING_FITTED_LO_80,
        ),
        (
            "huge",
            seasonal(40, 1e12),
            [HUGE_MEAN, HUGE_LO_95, HUGE_HI_95],
            &HUGE_FITTED,
            &HUGE_FITTED_LO_80,
        ),
        (
            "tiny",
            seasonal(40, 1e-12),
            [TINY_MEAN, TINY_LO_95, TINY_HI_95],
            &TINY_FITTED,
            &TINY_FITTED_LO_80,
        ),
        (
            // One residual after the first three: the fitted bands are NaN, as statsforecast's.
            "four",
            vec![1.0, 4.0, 2.0, 8.0],
            [FOUR_MEAN, FOUR_LO_95, FOUR_HI_95],
            &FOUR_FITTED,
            &FOUR_FITTED_LO_80,
        ),
    ];
    for (name, y, [mean, lo95, hi95], fitted, fitted_lo80) in cases {
        let out = model("AutoTheta(season_length=4)")
            .forecast(&y, 6, &LEVELS, true)
            .unwrap();
        assert_close(name, &out.forecast.mean, &mean);
        assert_close(name, band(&out.forecast, 95.0).0, &lo95);
        assert_close(name, band(&out.forecast, 95.0).1, &hi95);
        let in_sample = out.fitted.unwrap();
        assert_close(name, &in_sample.mean, fitted);
        assert_close(name, band(&in_sample, 80.0).0, fitted_lo80);
    }
}

#[test]
fn every_class_refuses_three_observations_or_fewer() {
    for class in CLASSES {
        let m = model(&format!("{class}(season_length=4)"));
        for n in 1..=3 {
            let y = seasonal(n, 1.0);
            let err = m.forecast(&y, 4, &LEVELS, true).unwrap_err();
            assert_eq!(
                err,
                ModelError::NotEnoughData {
                    model: class,
                    needed: 4,
                    got: n
                }
            );
        }
        let out = m.forecast(&seasonal(4, 1.0), 4, &LEVELS, true).unwrap();
        assert!(out.forecast.mean.iter().all(|v| v.is_finite()), "{class}");
        assert_eq!(m.fit(&[]).err(), Some(ModelError::EmptySeries));
        let missing = [1.0, 2.0, f64::NAN, 4.0, 5.0];
        assert!(
            matches!(m.fit(&missing), Err(ModelError::Failed(_))),
            "{class}"
        );
        // Squares overflow: every candidate's objective is infinite, and statsforecast
        // raises "no model able to be fitted".
        let overflowing: Vec<f64> = (0..20)
            .map(|t| if t % 2 == 0 { 1e200 } else { -1e200 })
            .collect();
        assert_eq!(
            m.fit(&overflowing).err(),
            Some(ModelError::Failed(format!(
                "{class}: no model able to be fitted"
            )))
        );
    }
}

#[test]
fn awkward_series_never_panic_and_stay_finite() {
    let mut series = vec![
        vec![-7.5; 30],
        vec![1e-300; 12],
        seasonal(60, -1.0),
        (0..50)
            .map(|t| if t % 7 == 0 { 9.0 } else { 0.0 })
            .collect(),
    ];
    series.extend((4..=12).map(|n| seasonal(n, 1.0)));
    for class in CLASSES {
        for season_length in [1, 4, 12] {
            let m = model(&format!("{class}(season_length={season_length})"));
            for y in &series {
                let out = m.forecast(y, 5, &LEVELS, true).unwrap();
                let f = &out.forecast;
                assert!(f.mean.iter().all(|v| v.is_finite()), "{class} {y:?}");
                for band in &f.intervals {
                    assert!(band.lo.iter().zip(&band.hi).all(|(l, h)| l <= h));
                }
                let refit = m.fit(y).unwrap().forward(y).unwrap();
                assert_eq!(refit.predict(5, &LEVELS), *f, "{class} forward");
            }
        }
    }
}

#[test]
fn seasonality_test() {
    let y = seasonal(24, 1.0);
    assert!(is_seasonal(&y, 4));
    // Too few observations for two seasons, or a season below 4: no test.
    assert!(!is_seasonal(&y[..7], 4));
    assert!(!is_seasonal(&y, 3));
    assert!(!is_seasonal(&[5.0; 24], 4));
    let line: Vec<f64> = (0..24).map(|t| t as f64).collect();
    assert!(!is_seasonal(&line, 4));
}

#[test]
fn multiplicative_decomposition_falls_back_to_additive() {
    let y = seasonal(24, 1.0);
    let multiplicative = deseasonalise(&y, 4, DecompositionType::Multiplicative);
    assert_eq!(multiplicative.kind, DecompositionType::Multiplicative);
    for ((a, v), s) in multiplicative
        .y
        .iter()
        .zip(&y)
        .zip(&multiplicative.seasonal)
    {
        assert_eq!(*a, v / s);
    }
    // A value <= 0.
    let mut shifted = y.clone();
    shifted[5] = 0.0;
    let adjusted = deseasonalise(&shifted, 4, DecompositionType::Multiplicative);
    assert_eq!(adjusted.kind, DecompositionType::Additive);
    // A seasonal index below 0.01.
    let spiky: Vec<f64> = (0..24)
        .map(|t| if t % 4 == 3 { 0.001 } else { 100.0 })
        .collect();
    let adjusted = deseasonalise(&spiky, 4, DecompositionType::Multiplicative);
    assert_eq!(adjusted.kind, DecompositionType::Additive);
    for ((a, v), s) in adjusted.y.iter().zip(&spiky).zip(&adjusted.seasonal) {
        assert_eq!(*a, v - s);
    }
}

#[test]
fn fixed_model_equals_the_named_class() {
    let y = seasonal(30, 1.0);
    for (code, class) in [
        ("STM", "Theta"),
        ("OTM", "OptimizedTheta"),
        ("DSTM", "DynamicTheta"),
        ("DOTM", "DynamicOptimizedTheta"),
    ] {
        let auto = model(&format!("AutoTheta(season_length=4, model='{code}')"));
        let named = model(&format!("{class}(season_length=4)"));
        assert_eq!(named.class_name(), class);
        assert_eq!(
            auto.forecast(&y, 6, &LEVELS, true).unwrap(),
            named.forecast(&y, 6, &LEVELS, true).unwrap()
        );
    }
    for bad in [
        "AutoTheta(model='XTM')",
        "AutoTheta(distribution='t')",
        "Theta(decomposition_type='mult')",
        "Theta(model='STM')",
    ] {
        assert!(parse_model_specs(bad).is_err(), "{bad}");
    }
}

/// statsforecast's numbers, printed by `tests/data/theta/expected.py`.
#[rustfmt::skip]
mod expected {
    pub(super) const STM_RESIDUALS: [f64; 10] = [-0.08181818181818112, 1.4609090909090914, -0.45918181818181836, 1.1967545454545458, 2.3559100000000006, 0.16731881818181904, 1.6353049909090913, 2.6628953118181826, 0.3822085364545469, 1.7857277937000013];
    pub(super) const STM_LAST_STATE: [f64; 5] = [9.62643290865, 7.5, 2.1999999999999984, 0.963636363636364, 10.214272206299999];
    pub(super) const STM_MSE: [f64; 1] = [2.681422657414763];
    pub(super) const STM_FORECAST: [f64; 5] = [11.23180872622818, 11.713626908046363, 12.195445089864544, 12.677263271682724, 13.159081453500907];
    pub(super) const DSTM_RESIDUALS: [f64; 10] = [0.0, 2.0000000000000004, -1.3000000000000007, 1.6467500000000008, 2.5467850000000007, -0.00800499999999893, 1.7427148571428575, 2.7144383607142863, 0.2737205696428582, 1.8068042370500024];
    pub(super) const DSTM_LAST_STATE: [f64; 5] = [9.62643290865, 7.5, 2.2, 0.9636363636363636, 10.193195762949998];
    pub(super) const DSTM_MSE: [f64; 1] = [3.059021155658823];
    pub(super) const DSTM_FORECAST: [f64; 5] = [11.23180872622818, 11.599287849755436, 11.946108370237237, 12.275061832566783, 12.588292756949905];
    pub(super) const AUTOTHETA_MEAN: [f64; 6] = [32.78812917901158, 27.252949298037425, 34.77617375891207, 24.212735747680114, 34.18244162581085, 28.399687448115923];
    pub(super) const AUTOTHETA_LO_80: [f64; 6] = [30.607513401174856, 25.551321393561217, 32.158903707905026, 22.45170814736374, 31.910580112547354, 26.40403349968225];
    pub(super) const AUTOTHETA_HI_80: [f64; 6] = [35.04146670310992, 28.85763231834381, 37.00718708603145, 25.837403830721996, 35.8070476198622, 30.111445479338617];
    pub(super) const AUTOTHETA_LO_95: [f64; 6] = [29.459499324587135, 24.89824403501159, 31.388332977410478, 21.716434024687306, 30.086798240148603, 25.37669340116704];
    pub(super) const AUTOTHETA_HI_95: [f64; 6] = [35.75873232465701, 30.10748411739178, 38.21705254012285, 26.718310040977492, 37.21434738134095, 31.188893824056443];
    pub(super) const AUTOTHETA_FITTED: [f64; 24] = [24.014447182774866, 19.953464641313875, 25.602494902881798, 18.09852290070054, 25.470765108580437, 21.377462730073926, 27.119072313324672, 18.98349130216508, 27.17186955497097, 22.570259424043392, 29.00606938309322, 20.098111553174732, 28.46112565327986, 23.870636349212283, 30.38219480088348, 21.24147444611172, 29.78651823254301, 24.785416581340918, 31.953323900140813, 22.16026366652214, 31.53014366161792, 26.009677634555377, 33.242970388450615, 23.250011570076488];
    pub(super) const AUTOTHETA_FITTED_LO_95: [f64; 24] = [21.024066342441618, 16.963083800980627, 22.61211406254855, 15.108142060367292, 22.48038426824719, 18.387081889740678, 24.128691472991424, 15.993110461831833, 24.181488714637723, 19.579878583710144, 26.01568854275997, 17.107730712841484, 25.470744812946613, 20.880255508879035, 27.39181396055023, 18.251093605778472, 26.79613739220976, 21.79503574100767, 28.962943059807564, 19.169882826188893, 28.539762821284672, 23.01929679422213, 30.252589548117367, 20.25963072974324];
    pub(super) const THETA_MEAN: [f64; 6] = [31.966755316570108, 26.43661427211249, 33.56752851711904, 23.25737313249466, 32.676254604051564, 27.02013477519355];
    pub(super) const THETA_LO_80: [f64; 6] = [29.629468906805457, 24.574775498963955, 30.59640175005559, 21.33392691968968, 30.084402740081696, 24.6041155420104];
    pub(super) const THETA_HI_80: [f64; 6] = [34.38199172075485, 28.177548225600393, 35.93796816421264, 25.017632566413738, 34.58724320066385, 28.859597210009202];
    pub(super) const THETA_LO_95: [f64; 6] = [28.398973262019094, 23.848597152991506, 29.90818922649736, 20.524774280131947, 28.19765526574622, 23.68090417555563];
    pub(super) const THETA_HI_95: [f64; 6] = [35.15078939093624, 29.498329105033907, 37.27551586644194, 25.821863635213035, 36.06945620065523, 29.942952510296116];
    pub(super) const OPTIMIZEDTHETA_MEAN: [f64; 6] = [32.78812917901158, 27.252949298037425, 34.77617375891207, 24.212735747680114, 34.18244162581085, 28.399687448115923];
    pub(super) const OPTIMIZEDTHETA_LO_80: [f64; 6] = [30.607513401174856, 25.551321393561217, 32.158903707905026, 22.45170814736374, 31.910580112547354, 26.40403349968225];
    pub(super) const OPTIMIZEDTHETA_HI_80: [f64; 6] = [35.04146670310992, 28.85763231834381, 37.00718708603145, 25.837403830721996, 35.8070476198622, 30.111445479338617];
    pub(super) const OPTIMIZEDTHETA_LO_95: [f64; 6] = [29.459499324587135, 24.89824403501159, 31.388332977410478, 21.716434024687306, 30.086798240148603, 25.37669340116704];
    pub(super) const OPTIMIZEDTHETA_HI_95: [f64; 6] = [35.75873232465701, 30.10748411739178, 38.21705254012285, 26.718310040977492, 37.21434738134095, 31.188893824056443];
    pub(super) const DYNAMICTHETA_MEAN: [f64; 6] = [32.21158215145478, 26.628741906051815, 33.79482642625221, 23.401015809393005, 32.85556770032243, 27.147417132301992];
    pub(super) const DYNAMICTHETA_LO_80: [f64; 6] = [29.604106043229752, 24.569022927740008, 30.593998084934924, 21.147293445944097, 29.849505080359812, 24.215144184435307];
    pub(super) const DYNAMICTHETA_HI_80: [f64; 6] = [34.9060153596117, 28.67487984978675, 36.798298617927514, 25.490054509886146, 35.324014122844765, 29.52822703696392];
    pub(super) const DYNAMICTHETA_LO_95: [f64; 6] = [28.231367182983433, 23.848823466406536, 29.327999850357397, 20.312009463879253, 28.343334946573748, 23.20239691527075];
    pub(super) const DYNAMICTHETA_HI_95: [f64; 6] = [35.763685442337646, 30.072863427994594, 38.055987038802165, 26.539457350778978, 37.1354899935641, 30.801883849411627];
    pub(super) const DYNAMICOPTIMIZEDTHETA_MEAN: [f64; 6] = [32.20016794303284, 26.616466947570906, 33.775689030382544, 23.385328934312913, 32.830163199325256, 27.123665200722638];
    pub(super) const DYNAMICOPTIMIZEDTHETA_LO_80: [f64; 6] = [29.59707952745024, 24.560547578065442, 30.580273932471766, 21.13321720401992, 29.830537327381244, 24.196214558480325];
    pub(super) const DYNAMICOPTIMIZEDTHETA_HI_80: [f64; 6] = [34.89007024563118, 28.658674756649937, 36.77536300042128, 25.470838401726343, 35.29532145018229, 29.5014448618176];
    pub(super) const DYNAMICOPTIMIZEDTHETA_LO_95: [f64; 6] = [28.226648709120568, 23.84054460589851, 29.314958028638166, 20.301534334057788, 28.32730024131735, 23.185188323890543];
    pub(super) const DYNAMICOPTIMIZEDTHETA_HI_95: [f64; 6] = [35.74629833544063, 30.054881160521138, 38.02990339536371, 26.51974969616005, 37.10211511017424, 30.77218591538327];
    pub(super) const AUTO_SELECTED: [f64; 1] = [1.0];
    pub(super) const AUTO_PARAMS: [f64; 3] = [0.0627882120449817, 0.10027157254381924, 57.48161743132785];
    pub(super) const AUTO_MSE: [f64; 1] = [1.956464706486442];
    pub(super) const ADDITIVE_MEAN: [f64; 6] = [32.0795214636038, 27.36652479180706, 33.653528120010314, 24.94053144821357, 33.22753477641683, 28.514538104620087];
    pub(super) const ADDITIVE_LO_80: [f64; 6] = [26.731224060058594, 22.31964111328125, 27.533937454223633, 18.98379135131836, 27.763294219970703, 22.700956344604492];
    pub(super) const ADDITIVE_HI_95: [f64; 6] = [39.365386962890625, 35.90441131591797, 41.82615280151367, 33.60261535644531, 40.74795150756836, 36.94425964355469];
    pub(super) const ADDITIVE_FITTED: [f64; 24] = [22.002804617364085, 22.074693327955018, 22.385896100368786, 22.910709003002708, 23.089155421154295, 23.495470890308987, 23.56814729225905, 23.88005315270917, 24.405493627019652, 24.584500211450347, 24.991315681277438, 25.064438380481946, 25.376742602875, 25.902538652390117, 26.081862620869156, 26.488961385574026, 26.56233695189078, 26.874866881776175, 27.400864396288632, 27.580368191076204, 27.98762746754077, 28.061146305580174, 28.3738041188465, 28.899915781209053];
    pub(super) const FORWARD_MEAN: [f64; 5] = [-106.1509948081075, -79.54252342413807, -104.82690918302579, -89.19165208477065, -109.85996641508694];
    pub(super) const FORWARD_LO_95: [f64; 5] = [-129.3854533604213, -99.081298828125, -127.04706137520927, -112.68064444405692, -136.77403368268693];
    pub(super) const FORWARD_HI_80: [f64; 5] = [-90.42227281842912, -65.81732177734375, -89.66956656319755, -73.08074515206474, -97.37529863630022];
    pub(super) const FORWARD_FITTED: [f64; 30] = [-64.18963165892865, -64.65312861333986, -65.91869818191506, -67.57466098018402, -68.3060949608543, -69.62024948071462, -70.14710625479779, -71.13842815213664, -72.77593940834731, -73.40124382232608, -74.81239616204869, -75.09527032990952, -76.09537102454205, -77.65125262446543, -78.3955981241673, -79.5826008105965, -79.89209804730156, -80.82662408402808, -82.51599190812095, -83.0491844562282, -84.2745037134832, -84.52894726843157, -85.60642555065368, -87.09315727163397, -87.6723292412586, -88.84948930135953, -89.25308826559314, -90.13351160750436, -91.67124428083298, -92.20677506734148];
    pub(super) const FORWARD_FITTED_HI_80: [f64; 30] = [-48.92564580891906, -49.38914276333027, -50.65471233190547, -52.31067513017443, -53.042109110844706, -54.35626363070503, -54.8831204047882, -55.87444230212705, -57.51195355833772, -58.13725797231649, -59.548410312039096, -59.831284479899935, -60.83138517453246, -62.38726677445584, -63.1316122741577, -64.31861496058691, -64.62811219729197, -65.5626382340185, -67.25200605811136, -67.78519860621861, -69.01051786347361, -69.26496141842198, -70.34243970064409, -71.82917142162438, -72.408343391249, -73.58550345134994, -73.98910241558355, -74.86952575749477, -76.40725843082339, -76.94278921733189];
    pub(super) const CONSTANT_MEAN: [f64; 6] = [4.2, 4.199999999999999, 4.199999999999999, 4.2, 4.199999999999999, 4.199999999999999];
    pub(super) const CONSTANT_LO_95: [f64; 6] = [4.199999809265137, 4.199999809265137, 4.199999809265137, 4.199999809265137, 4.199999809265137, 4.199999809265137];
    pub(super) const CONSTANT_HI_95: [f64; 6] = [4.199999809265137, 4.199999809265137, 4.199999809265137, 4.199999809265137, 4.199999809265137, 4.199999809265137];
    pub(super) const CONSTANT_FITTED: [f64; 24] = [4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.199999999999999, 4.2, 4.2, 4.199999999999999, 4.2, 4.2, 4.2, 4.199999999999999, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2];
    pub(super) const CONSTANT_FITTED_LO_80: [f64; 24] = [4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.199999999999999, 4.2, 4.2, 4.199999999999999, 4.2, 4.2, 4.2, 4.199999999999999, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2, 4.2];
    pub(super) const ZEROS_MEAN: [f64; 6] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    pub(super) const ZEROS_LO_95: [f64; 6] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    pub(super) const ZEROS_HI_95: [f64; 6] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    pub(super) const ZEROS_FITTED: [f64; 24] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    pub(super) const ZEROS_FITTED_LO_80: [f64; 24] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    pub(super) const ALTERNATING_MEAN: [f64; 6] = [18.78047491762724, -20.21952508237276, 18.780474917627245, -20.219525082372755, 18.780474917627245, -20.219525082372755];
    pub(super) const ALTERNATING_LO_95: [f64; 6] = [-26.096813201904297, -57.43540954589844, -22.84923553466797, -66.58138656616211, -29.854835510253906, -63.68569564819336];
    pub(super) const ALTERNATING_HI_95: [f64; 6] = [58.83077621459961, 26.774044036865234, 63.34765625, 27.455936431884766, 60.15424346923828, 26.60439682006836];
    pub(super) const ALTERNATING_FITTED: [f64; 30] = [2.4082611057908956, 0.7174349952118018, 1.9956914956906253, 0.5461223461215585, 1.6415101115094046, 0.42735910035846203, 1.334623190322617, 0.3511608712903538, 1.0660447841613205, 0.309440305745186, 0.8284962751706679, 0.2956466476536015, 0.6160819828882396, 0.3044737845994163, 0.4240264061394754, 0.33162376552552786, 0.24846138897297365, 0.37361525007567664, 0.08625372506810791, 0.4276283525612996, -0.0651344826948339, 0.4913789655746541, -0.20775893098281628, 0.5630169621154693, -0.3432847340960805, 0.6410437393135311, -0.47306063461782344, 0.7242454288439575, -0.5981791140404411, 0.8116387973636066];
    pub(super) const ALTERNATING_FITTED_LO_80: [f64; 30] = [-27.074077443762008, -28.764903554341103, -27.486647053862278, -28.936216203431343, -27.8408284380435, -29.05497944919444, -28.147715359230286, -29.13117767826255, -28.416293765391583, -29.172898243807715, -28.653842274382235, -29.1866919018993, -28.866256566664664, -29.177864764953487, -29.058312143413428, -29.150714784027375, -29.23387716057993, -29.108723299477226, -29.396084824484795, -29.054710196991604, -29.547473032247737, -28.99095958397825, -29.69009748053572, -28.919321587437434, -29.825623283648984, -28.841294810239372, -29.955399184170727, -28.758093120708946, -30.080517663593344, -28.670699752189297];
    pub(super) const HUGE_MEAN: [f64; 6] = [38311067293297.07, 32100844233713.707, 40321995456216.2, 28658334238701.156, 39703121142075.95, 33256746104407.953];
    pub(super) const HUGE_LO_95: [f64; 6] = [34803156180594.242, 29673530794062.24, 36922653872039.53, 26034058578143.848, 35807311965018.76, 30389419976462.055];
    pub(super) const HUGE_HI_95: [f64; 6] = [41441668085922.08, 35147937105374.184, 43920640448549.61, 31400048766655.105, 42924978406510.28, 36288471868647.125];
    pub(super) const HUGE_FITTED: [f64; 40] = [23996517162185.5, 20131908625002.38, 25442826825225.867, 18399081479928.9, 25408722698298.203, 21536030100837.43, 26916423239014.965, 19276995497025.207, 27070525699049.316, 22711502536292.438, 28756288154047.207, 20387126242549.7, 28332705650274.07, 24003506676337.29, 30104267467420.89, 21537624173193.723, 29644776478389.73, 24917616761728.527, 31651300053345.688, 22462097224396.875, 31364123026750.277, 26136092723913.348, 32916897847068.504, 23560364709585.34, 32611640859246.734, 27417139548310.44, 34252600502151.07, 24350853142966.934, 34165392257655.227, 28511862704957.004, 36001993322095.95, 25403623963016.195, 35356679552582.98, 29750887243175.64, 37290613893882.836, 26516488046555.93, 36622237708902.18, 30630237411808.695, 38798701209452.516, 27416269530673.95];
    pub(super) const HUGE_FITTED_LO_80: [f64; 40] = [21926888291599.22, 18062279754416.098, 23373197954639.586, 16329452609342.617, 23339093827711.92, 19466401230251.15, 24846794368428.684, 17207366626438.926, 25000896828463.035, 20641873665706.156, 26686659283460.926, 18317497371963.418, 26263076779687.79, 21933877805751.008, 28034638596834.61, 19467995302607.44, 27575147607803.45, 22847987891142.246, 29581671182759.406, 20392468353810.594, 29294494156163.996, 24066463853327.066, 30847268976482.223, 21490735838999.06, 30542011988660.453, 25347510677724.16, 32182971631564.79, 22281224272380.652, 32095763387068.945, 26442233834370.723, 33932364451509.67, 23333995092429.914, 33287050681996.695, 27681258372589.36, 35220985023296.555, 24446859175969.65, 34552608838315.9, 28560608541222.414, 36729072338866.234, 25346640660087.668];
    pub(super) const TINY_MEAN: [f64; 6] = [3.899156511139841e-11, 3.252978997886694e-11, 4.0686545247157786e-11, 2.8795777217428436e-11, 3.972794695101272e-11, 3.314124990672973e-11];
    pub(super) const TINY_LO_95: [f64; 6] = [3.4622916145938495e-11, 2.8888197043790327e-11, 3.438849806511084e-11, 2.4461868477976247e-11, 3.3942622475508306e-11, 2.7605289507763068e-11];
    pub(super) const TINY_HI_95: [f64; 6] = [4.28903266215955e-11, 3.639065186281087e-11, 4.588278730670334e-11, 3.261167890772172e-11, 4.642263910428923e-11, 3.83246223423826e-11];
    pub(super) const TINY_FITTED: [f64; 40] = [2.4188014784433195e-11, 1.9744317788019354e-11, 2.511583048488813e-11, 1.9054170817147314e-11, 2.4871159478768284e-11, 2.177169485105607e-11, 2.5879809611896216e-11, 1.904148332869899e-11, 2.7746276598431327e-11, 2.263323902286819e-11, 2.9030360664338548e-11, 1.986940855226975e-11, 2.776545077951698e-11, 2.4384949753376147e-11, 2.962275167029296e-11, 2.155741332498916e-11, 2.8375177834124126e-11, 2.4305952502761514e-11, 3.2187864036890273e-11, 2.2179131814882896e-11, 3.168589451415337e-11, 2.534834827997042e-11, 3.233874294756857e-11, 2.3711624542964584e-11, 3.218884297494449e-11, 2.7300911727273717e-11, 3.305615444466273e-11, 2.3682534723936127e-11, 3.505269783001104e-11, 2.8157780048102502e-11, 3.6203795020235444e-11, 2.4509434801845622e-11, 3.5071168119559403e-11, 2.990919853792399e-11, 3.67960041213855e-11, 2.619737550296121e-11, 3.568085118094548e-11, 2.983018302226646e-11, 3.9361105118932544e-11, 2.6819089988379704e-11];
    pub(super) const TINY_FITTED_LO_80: [f64; 40] = [2.1610559180667875e-11, 1.7166862184254034e-11, 2.253837488112281e-11, 1.6476715213381994e-11, 2.2293703875002964e-11, 1.919423924729075e-11, 2.3302354008130896e-11, 1.646402772493367e-11, 2.5168820994666007e-11, 2.005578341910287e-11, 2.6452905060573228e-11, 1.729195294850443e-11, 2.518799517575166e-11, 2.1807494149610827e-11, 2.7045296066527637e-11, 1.897995772122384e-11, 2.5797722230358806e-11, 2.1728496898996194e-11, 2.9610408433124956e-11, 1.9601676211117576e-11, 2.910843891038805e-11, 2.27708926762051e-11, 2.9761287343803245e-11, 2.1134168939199264e-11, 2.9611387371179174e-11, 2.4723456123508397e-11, 3.0478698840897405e-11, 2.1105079120170807e-11, 3.247524222624572e-11, 2.5580324444337182e-11, 3.362633941647013e-11, 2.1931979198080302e-11, 3.2493712515794086e-11, 2.733174293415867e-11, 3.4218548517620186e-11, 2.361991989919589e-11, 3.310339557718016e-11, 2.725272741850114e-11, 3.678364951516723e-11, 2.4241634384614384e-11];
    pub(super) const FOUR_MEAN: [f64; 6] = [8.944991904962077, 9.894991904962076, 10.844991904962075, 11.794991904962076, 12.744991904962074, 13.694991904962077];
    pub(super) const FOUR_LO_95: [f64; 6] = [3.75384521484375, 4.986147880554199, 4.244100093841553, 4.902235507965088, 5.048163890838623, 5.101205825805664];
    pub(super) const FOUR_HI_95: [f64; 6] = [13.577781677246094, 15.308119773864746, 15.811347961425781, 16.814241409301758, 17.00057029724121, 17.352462768554688];
    pub(super) const FOUR_FITTED: [f64; 4] = [6.555467009544395, 6.949920308589955, 7.6049282777309575, 7.994435449957862];
    pub(super) const FOUR_FITTED_LO_80: [f64; 4] = [f64::NAN, f64::NAN, f64::NAN, f64::NAN];
}
