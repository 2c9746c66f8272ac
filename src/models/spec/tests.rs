//! Tests of spec parsing, validation, canonical text and model building.

use super::{ModelSpec, ParamValue, build_model, parse_model_specs, registered_models};
use crate::models::{ConformalIntervals, ConformalMethod};

fn specs(text: &str) -> Vec<ModelSpec> {
    parse_model_specs(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn error(text: &str) -> String {
    match parse_model_specs(text) {
        Ok(specs) => panic!("{text:?} should fail, got {specs:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn registry_lists_the_baselines_then_ets_then_arima() {
    assert_eq!(
        registered_models(),
        vec![
            "Naive",
            "SeasonalNaive",
            "RandomWalkWithDrift",
            "HistoricAverage",
            "WindowAverage",
            "SeasonalWindowAverage",
            "SimpleExponentialSmoothing",
            "SimpleExponentialSmoothingOptimized",
            "SeasonalExponentialSmoothing",
            "SeasonalExponentialSmoothingOptimized",
            "ConstantModel",
            "ZeroModel",
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
            "CrostonClassic",
            "CrostonOptimized",
            "CrostonSBA",
            "ADIDA",
            "IMAPA",
            "TSB",
        ]
    );
}

#[test]
fn default_aliases_match_statsforecast() {
    let text = "Naive, SeasonalNaive(season_length=7), RandomWalkWithDrift(), HistoricAverage(), \
                WindowAverage(window_size=3), SeasonalWindowAverage(season_length=7, window_size=2), \
                SimpleExponentialSmoothing(alpha=0.3), SimpleExponentialSmoothingOptimized(), \
                SeasonalExponentialSmoothing(season_length=7, alpha=0.3), \
                SeasonalExponentialSmoothingOptimized(season_length=7), \
                ConstantModel(constant=1.0), ZeroModel()";
    let aliases: Vec<String> = specs(text).iter().map(|s| s.alias().to_owned()).collect();
    assert_eq!(
        aliases,
        [
            "Naive",
            "SeasonalNaive",
            "RWD",
            "HistoricAverage",
            "WindowAverage",
            "SeasWA",
            "SES",
            "SESOpt",
            "SeasonalES",
            "SeasESOpt",
            "ConstantModel",
            "ZeroModel"
        ]
    );
}

#[test]
fn syntax_variants_give_equal_specs() {
    let reference = specs("SeasonalNaive(season_length=12)");
    for text in [
        "SeasonalNaive(12)",
        "  SeasonalNaive ( season_length = 12 , ) ",
        "SeasonalNaive(season_length=12, alias='SeasonalNaive')",
        "SeasonalNaive(season_length=12, alias=\"SeasonalNaive\")",
        "SeasonalNaive(season_length=12, alias=SeasonalNaive)",
        "SeasonalNaive(12, 'SeasonalNaive')",
        "SeasonalNaive(season_length=+12),",
    ] {
        assert_eq!(specs(text), reference, "{text}");
    }
    assert_eq!(specs("Naive"), specs("Naive()"));
}

#[test]
fn typed_parameters() {
    let all = specs(
        "SimpleExponentialSmoothing(alpha=1), ConstantModel(constant=-2), \
         ConstantModel(constant=1e-3, alias='small'), SeasonalExponentialSmoothing(7, .5)",
    );
    assert_eq!(all[0].param("alpha"), Some(&ParamValue::Float(1.0)));
    assert_eq!(all[1].param("constant"), Some(&ParamValue::Float(-2.0)));
    assert_eq!(all[2].param("constant"), Some(&ParamValue::Float(1e-3)));
    assert_eq!(all[2].alias(), "small");
    assert_eq!(
        all[3].params(),
        &[
            ("season_length", ParamValue::Int(7)),
            ("alpha", ParamValue::Float(0.5))
        ]
    );
    assert_eq!(all[3].class_name(), "SeasonalExponentialSmoothing");
    assert_eq!(all[3].param("alias"), None);
}

#[test]
fn canonical_text_round_trips() {
    let text = "Naive(), SeasonalNaive(season_length=12, alias='it''s'), \
                SimpleExponentialSmoothing(alpha=0.1), ConstantModel(constant=-1e-7), \
                ZeroModel(alias=\"a\\\\b\"), SeasonalWindowAverage(4, 2, \"q'\")";
    // The SQL layer would already have turned '' into '; emulate that.
    let text = text.replace("''", "\\'");
    for spec in specs(&text) {
        let canonical = spec.to_string();
        let back: ModelSpec = canonical.parse().unwrap();
        assert_eq!(back, spec, "{canonical}");
        assert_eq!(back.to_string(), canonical);
    }
    let list: Vec<String> = specs(&text).iter().map(ToString::to_string).collect();
    assert_eq!(specs(&list.join(", ")), specs(&text));
    assert_eq!(
        specs("SeasonalNaive(7)")[0].to_string(),
        "SeasonalNaive(season_length=7, alias='SeasonalNaive')"
    );
    assert_eq!(
        specs("ConstantModel(constant=1)")[0].to_string(),
        "ConstantModel(constant=1.0, alias='ConstantModel')"
    );
}

#[test]
fn single_spec_from_str() {
    assert!("Naive(), ZeroModel()".parse::<ModelSpec>().is_err());
    let spec: ModelSpec = "ZeroModel".parse().unwrap();
    assert_eq!(spec.alias(), "ZeroModel");
}

#[test]
fn unknown_model_lists_the_registry() {
    let err = error("AutoFoo(season_length=7)");
    assert!(err.starts_with("unknown model 'AutoFoo'; registered models: Naive, SeasonalNaive, "));
    assert!(
        err.ends_with(
            "AutoARIMA, ARIMA, AutoRegressive, MSTL, AutoTheta, Theta, OptimizedTheta, \
             DynamicTheta, DynamicOptimizedTheta, AutoCES, CrostonClassic, CrostonOptimized, \
             CrostonSBA, ADIDA, IMAPA, TSB"
        ),
        "{err}"
    );
    let err = error("naive()");
    assert!(
        err.contains("unknown model 'naive' (did you mean Naive?)"),
        "{err}"
    );
    // statsforecast's aliases are not class names.
    assert!(error("RWD()").starts_with("unknown model 'RWD'"));
}

#[test]
fn unknown_parameter_lists_allowed_ones() {
    assert_eq!(
        error("SeasonalNaive(season_length=7, seasonality=3)"),
        "SeasonalNaive: unknown parameter 'seasonality'; allowed parameters: season_length, \
         alias, prediction_intervals"
    );
    assert_eq!(
        error("Naive(h=3)"),
        "Naive: unknown parameter 'h'; allowed parameters: alias, prediction_intervals"
    );
}

#[test]
fn ill_typed_values() {
    let cases = [
        (
            "SeasonalNaive(season_length='a')",
            "SeasonalNaive: season_length must be a positive integer, got 'a'",
        ),
        (
            "SeasonalNaive(season_length=0)",
            "SeasonalNaive: season_length must be a positive integer, got 0",
        ),
        (
            "SeasonalNaive(season_length=7.0)",
            "SeasonalNaive: season_length must be a positive integer, got 7.0",
        ),
        (
            "WindowAverage(window_size=0)",
            "WindowAverage: window_size must be a positive integer, got 0",
        ),
        (
            "WindowAverage(window_size=-3)",
            "WindowAverage: window_size must be a positive integer, got -3",
        ),
        (
            "SimpleExponentialSmoothing(alpha=1.5)",
            "SimpleExponentialSmoothing: alpha must be a number between 0 and 1, got 1.5",
        ),
        (
            "SeasonalExponentialSmoothing(season_length=4, alpha=-0.1)",
            "SeasonalExponentialSmoothing: alpha must be a number between 0 and 1, got -0.1",
        ),
        (
            "SimpleExponentialSmoothing(alpha=True)",
            "SimpleExponentialSmoothing: alpha must be a number between 0 and 1, got True",
        ),
        (
            "ConstantModel(constant=1e999)",
            "ConstantModel: constant must be a finite number, got inf",
        ),
        (
            "ConstantModel(constant=None)",
            "ConstantModel: constant must be a finite number, got None",
        ),
        (
            "Naive(alias='')",
            "Naive: alias must be a non-empty string, got ''",
        ),
        (
            "Naive(alias=3)",
            "Naive: alias must be a non-empty string, got 3",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(error(text), want, "{text}");
    }
}

#[test]
fn missing_and_repeated_parameters() {
    assert_eq!(
        error("SeasonalNaive()"),
        "SeasonalNaive: missing required parameter season_length (a positive integer)"
    );
    assert_eq!(
        error("SeasonalWindowAverage(season_length=4)"),
        "SeasonalWindowAverage: missing required parameter window_size (a positive integer)"
    );
    assert_eq!(
        error("SimpleExponentialSmoothing"),
        "SimpleExponentialSmoothing: missing required parameter alpha (a number between 0 and 1)"
    );
    assert_eq!(
        error("ConstantModel()"),
        "ConstantModel: missing required parameter constant (a finite number)"
    );
    assert_eq!(
        error("SeasonalNaive(7, season_length=7)"),
        "SeasonalNaive: parameter season_length given more than once"
    );
    assert_eq!(
        error("SeasonalNaive(season_length=7, 'x')"),
        "SeasonalNaive: positional argument 'x' follows keyword arguments"
    );
    assert_eq!(
        error("Naive('a', None, 'b')"),
        "Naive: takes at most 2 positional arguments (alias, prediction_intervals), got 3"
    );
}

#[test]
fn conformal_intervals_are_accepted_and_round_trip() {
    let spec = &specs(
        "SeasonalNaive(season_length=12, alias='SN_conformal', \
         prediction_intervals=ConformalIntervals(h=12, n_windows=2))",
    )[0];
    let settings = ConformalIntervals::new(2, 12, ConformalMethod::Distribution).unwrap();
    assert_eq!(spec.prediction_intervals(), Some(&settings));
    assert_eq!(spec.param("prediction_intervals"), None);
    assert_eq!(
        spec.to_string(),
        "SeasonalNaive(season_length=12, alias='SN_conformal', \
         prediction_intervals=ConformalIntervals(n_windows=2, h=12, \
         method='conformal_distribution'))"
    );
    assert_eq!(&spec.to_string().parse::<ModelSpec>().unwrap(), spec);
    // Positionally after alias, as in statsforecast; None is no setting.
    assert_eq!(
        &specs("SeasonalNaive(12, 'SN_conformal', ConformalIntervals(2, 12))")[0],
        spec
    );
    assert_eq!(specs("Naive(prediction_intervals=None)"), specs("Naive()"));
    let plain = specs("SeasonalNaive(12, 'SN_conformal')").remove(0);
    assert_eq!(
        &plain.clone().with_prediction_intervals(Some(settings)),
        spec
    );
    assert_eq!(spec.clone().with_prediction_intervals(None), plain);
    // Nested specs carry their own.
    let mstl = &specs(
        "MSTL(season_length=12, trend_forecaster=AutoETS(model='ZZN', \
         prediction_intervals=ConformalIntervals(h=3, method='conformal_error')))",
    )[0];
    let Some(ParamValue::Model(trend)) = mstl.param("trend_forecaster") else {
        panic!("{mstl:?}");
    };
    assert_eq!(
        trend.prediction_intervals(),
        Some(&ConformalIntervals::new(2, 3, ConformalMethod::Error).unwrap())
    );
    assert_eq!(mstl.prediction_intervals(), None);
    assert_eq!(&mstl.to_string().parse::<ModelSpec>().unwrap(), mstl);
    for spec in [spec, mstl] {
        let model = build_model(spec).unwrap();
        assert!(model.has_intervals());
        assert!(model.conformal_intervals().is_some());
    }
    // Models without native intervals get them.
    for text in [
        "WindowAverage(window_size=3)",
        "SimpleExponentialSmoothing(alpha=0.3)",
    ] {
        let plain = build_model(&specs(text)[0]).unwrap();
        let with = format!(
            "{}, prediction_intervals=ConformalIntervals())",
            &text[..text.len() - 1]
        );
        let conformal = build_model(&specs(&with)[0]).unwrap();
        assert!(
            !plain.has_intervals() && conformal.has_intervals(),
            "{text}"
        );
        assert_eq!(plain.class_name(), conformal.class_name());
    }
}

#[test]
fn conformal_intervals_validation() {
    let cases = [
        (
            "SeasonalNaive(season_length=12, prediction_intervals=ConformalIntervals(n_windows=1))",
            "SeasonalNaive: prediction_intervals: ConformalIntervals: n_windows must be an \
             integer of at least 2 (conformal intervals need at least two windows), got 1",
        ),
        (
            "Naive(prediction_intervals=ConformalIntervals(method='split'))",
            "Naive: prediction_intervals: ConformalIntervals: method must be one of \
             'conformal_distribution', 'conformal_error', got 'split'",
        ),
        (
            "Naive(prediction_intervals=ConformalIntervals(h=0))",
            "Naive: prediction_intervals: ConformalIntervals: h must be a positive integer, got 0",
        ),
        (
            "Naive(prediction_intervals=ConformalIntervals(level=[80]))",
            "Naive: prediction_intervals: ConformalIntervals: unknown parameter 'level'; \
             allowed parameters: n_windows, h, method",
        ),
        (
            "Naive(prediction_intervals=12)",
            "Naive: prediction_intervals must be None or a call such as \
             ConformalIntervals(h=12, n_windows=2), got 12",
        ),
        (
            "Naive(prediction_intervals=AutoETS())",
            "Naive: prediction_intervals must be None or a call such as \
             ConformalIntervals(h=12, n_windows=2), got AutoETS()",
        ),
        (
            "MSTL(season_length=12, trend_forecaster=Naive(prediction_intervals=ConformalIntervals(n_windows=0)))",
            "MSTL: trend_forecaster: Naive: prediction_intervals: ConformalIntervals: n_windows \
             must be an integer of at least 2",
        ),
    ];
    for (text, want) in cases {
        let err = error(text);
        assert!(err.starts_with(want), "{text}: {err}");
    }
}

#[test]
fn duplicate_aliases() {
    assert_eq!(
        error("Naive(), SeasonalNaive(7), Naive()"),
        "duplicate alias 'Naive': each model needs a distinct alias (set alias='...')"
    );
    assert_eq!(
        error("Naive(alias='x'), ZeroModel(alias='x')"),
        "duplicate alias 'x': each model needs a distinct alias (set alias='...')"
    );
    // Distinct aliases make the same class usable twice.
    assert_eq!(specs("Naive(), Naive(alias='Naive2')").len(), 2);
}

#[test]
fn syntax_errors_surface() {
    assert!(error("").starts_with("no model given"));
    assert!(error("Naive(").starts_with("syntax error at character 7"));
}

#[test]
fn build_every_model() {
    let text = "Naive, SeasonalNaive(season_length=7), RandomWalkWithDrift(), HistoricAverage(), \
                WindowAverage(window_size=3), SeasonalWindowAverage(season_length=7, window_size=2), \
                SimpleExponentialSmoothing(alpha=0.3), SimpleExponentialSmoothingOptimized(), \
                SeasonalExponentialSmoothing(season_length=7, alpha=0.3), \
                SeasonalExponentialSmoothingOptimized(season_length=7), \
                ConstantModel(constant=1.0), ZeroModel()";
    for spec in specs(text) {
        let model = build_model(&spec).unwrap();
        assert_eq!(model.class_name(), spec.class_name());
    }
}

#[test]
fn ets_defaults_and_canonical_text() {
    let all = specs("AutoETS, Holt(), HoltWinters(season_length=12)");
    assert_eq!(
        all[0].to_string(),
        "AutoETS(season_length=1, model='ZZZ', damped=None, phi=None, alias='AutoETS')"
    );
    assert_eq!(
        all[1].to_string(),
        "Holt(season_length=1, error_type='A', alias='Holt')"
    );
    assert_eq!(
        all[2].to_string(),
        "HoltWinters(season_length=12, error_type='A', alias='HoltWinters')"
    );
    // Positional order: season_length, model, damped, phi, alias.
    assert_eq!(
        specs("AutoETS(12, 'AAN', True, 0.9, 'x')"),
        specs("AutoETS(season_length=12, model=AAN, damped=True, phi=0.9, alias='x')")
    );
    for spec in specs(
        "AutoETS(season_length=4, model='MAM', damped=False), Holt(7, 'M', alias='h'), \
         AutoETS(model='ZZN', phi=0.95, alias='p')",
    ) {
        let back: ModelSpec = spec.to_string().parse().unwrap();
        assert_eq!(back, spec);
        assert_eq!(build_model(&spec).unwrap().class_name(), spec.class_name());
    }
}

#[test]
fn ets_validation() {
    let cases = [
        (
            "AutoETS(model='XYZ')",
            "AutoETS: model must be a three-letter string: error A, M or Z, then trend and \
             season N, A, M or Z (e.g. 'ZZZ', 'AAN', 'MAM'), got 'XYZ'",
        ),
        (
            "AutoETS(damped=1)",
            "AutoETS: damped must be True, False or None, got 1",
        ),
        (
            "AutoETS(phi=1)",
            "AutoETS: phi must be None or a float between 0.8 and 0.98, got 1",
        ),
        (
            "AutoETS(phi=0.99)",
            "AutoETS: phi must be None or a float between 0.8 and 0.98, got 0.99",
        ),
        (
            "Holt(error_type='Z')",
            "Holt: error_type must be 'A' or 'M', got 'Z'",
        ),
        (
            "AutoETS(season_length=1, model='AAA')",
            "AutoETS: model 'AAA' has a seasonal component but season_length is 1 \
             (statsforecast raises 'Nonseasonal data'); give season_length > 1 or a season of \
             N or Z",
        ),
        (
            "AutoETS(model='ANN', damped=True)",
            "AutoETS: damped=True needs a trend, model 'ANN' has none",
        ),
        (
            "AutoETS(season_length=12, model='AAM')",
            "AutoETS: model 'AAM' is a forbidden combination (additive errors with a \
             multiplicative trend or season, or M,M,A)",
        ),
        (
            "HoltWinters()",
            "HoltWinters: season_length must be at least 2 (statsforecast raises 'Nonseasonal \
             data' for every series with season_length=1)",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(error(text), want, "{text}");
    }
    // Multiplicative trends are allowed when asked for explicitly.
    assert_eq!(specs("AutoETS(season_length=12, model='MMM')").len(), 1);
}

#[test]
fn mstl_nested_trend_forecaster_and_stl_kwargs() {
    let default = &specs("MSTL(season_length=12)")[0];
    assert_eq!(
        default.to_string(),
        "MSTL(season_length=12, trend_forecaster=AutoETS(season_length=1, model='ZZN', \
         damped=None, phi=None, alias='AutoETS'), stl_kwargs=None, alias='MSTL')"
    );
    let given = &specs(
        "MSTL([30, 7], AutoARIMA(max_p=2, alias='trend'), {'robust': True, 'trend': 61}, 'M')",
    )[0];
    assert_eq!(given.alias(), "M");
    assert_eq!(
        given.param("season_length"),
        Some(&ParamValue::List(vec![
            ParamValue::Int(30),
            ParamValue::Int(7)
        ]))
    );
    let Some(ParamValue::Model(trend)) = given.param("trend_forecaster") else {
        panic!("{given:?}");
    };
    assert_eq!((trend.class_name(), trend.alias()), ("AutoARIMA", "trend"));
    let same = &specs(
        "MSTL(season_length=[30, 7], trend_forecaster=AutoARIMA(max_p=2, alias='trend'), stl_kwargs=dict(robust=True, trend=61), alias='M')",
    )[0];
    assert_eq!(same, given);
    for spec in [default, given] {
        let back: ModelSpec = spec.to_string().parse().unwrap();
        assert_eq!(&back, spec);
    }
    for spec in [default, given] {
        build_model(spec).unwrap();
    }
}

#[test]
fn mstl_validation() {
    let cases = [
        (
            "MSTL(season_length=12, trend_forecaster=AutoETS(model='ZZZ'))",
            "MSTL: trend_forecaster should not adjust seasonal models: AutoETS model 'ZZZ'",
        ),
        (
            "MSTL(season_length=12, trend_forecaster=AutoARIMA(season_length=12))",
            "pass season_length=1 to AutoARIMA (it has season_length=12)",
        ),
        (
            "MSTL(season_length=12, trend_forecaster=Foo())",
            "MSTL: trend_forecaster: unknown model 'Foo'",
        ),
        (
            "MSTL(season_length=12, trend_forecaster=Naive(h=1))",
            "MSTL: trend_forecaster: Naive: unknown parameter 'h'",
        ),
        (
            "MSTL(season_length=12, trend_forecaster='AutoETS')",
            "MSTL: trend_forecaster must be a model such as AutoETS(model='ZZN'), got 'AutoETS'",
        ),
        (
            "MSTL(season_length=1)",
            "MSTL: season_length 1 is not supported",
        ),
        (
            "MSTL(season_length=[7, 0])",
            "season_length must be a positive integer or a non-empty list",
        ),
        ("MSTL()", "missing required parameter season_length"),
        (
            "MSTL(season_length=7, stl_kwargs={'seasonal': 9})",
            "stl_kwargs must be None or a dict of STL settings",
        ),
        (
            "MSTL(season_length=7, stl_kwargs={'robust': 1})",
            "stl_kwargs must be None or a dict of STL settings",
        ),
        (
            "MSTL(season_length=7, stl_kwargs={'trend': 4})",
            "MSTL: stl_kwargs: trend must be an odd positive integer >= 3 where trend > period",
        ),
        (
            "MSTL(season_length=[7, 30], stl_kwargs={'low_pass': 9})",
            "MSTL: stl_kwargs: low_pass must be an odd positive integer >= 3 where low_pass > period",
        ),
    ];
    for (text, want) in cases {
        let err = error(text);
        assert!(err.contains(want), "{text}: {err}");
    }
}
