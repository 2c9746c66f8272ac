//! The registered models: one [`ModelEntry`] per statsforecast class.
//!
//! Adding a model is one entry here: its class name, default alias, parameters in
//! statsforecast's positional order (without `alias`, which every model accepts) and a
//! constructor reading the validated parameters.

use std::sync::Arc;

use super::error::SpecError;
use super::registry::{DefaultValue, ModelEntry, ParamDesc, ParamKind};
use crate::models::Model;
use crate::models::arima::{Arima, AutoArima};
use crate::models::baselines::{
    ConstantModel, HistoricAverage, Naive, RandomWalkWithDrift, SeasonalExponentialSmoothing,
    SeasonalExponentialSmoothingOptimized, SeasonalNaive, SeasonalWindowAverage,
    SimpleExponentialSmoothing, SimpleExponentialSmoothingOptimized, WindowAverage,
};
use crate::models::ces::AutoCes;
use crate::models::ets::{AutoEts, Holt, HoltWinters};
use crate::models::intermittent::{
    Adida, CrostonClassic, CrostonOptimized, CrostonSba, Imapa, Tsb,
};
use crate::models::mstl::Mstl;
use crate::models::theta::AutoTheta;

const SEASON_LENGTH: ParamDesc = ParamDesc::required("season_length", ParamKind::PositiveInt);
const WINDOW_SIZE: ParamDesc = ParamDesc::required("window_size", ParamKind::PositiveInt);
const ALPHA: ParamDesc = ParamDesc::required("alpha", ParamKind::UnitInterval);
const CONSTANT: ParamDesc = ParamDesc::required("constant", ParamKind::FiniteFloat);
/// statsforecast's `season_length=1` default of the automatic models.
const SEASON_LENGTH_1: ParamDesc = ParamDesc::optional(
    "season_length",
    ParamKind::PositiveInt,
    DefaultValue::Int(1),
);
const ERROR_TYPE: ParamDesc =
    ParamDesc::optional("error_type", ParamKind::ErrorType, DefaultValue::Str("A"));

const fn flag(name: &'static str, default: bool) -> ParamDesc {
    ParamDesc::optional(name, ParamKind::Bool, DefaultValue::Bool(default))
}
const fn count(name: &'static str, default: i64) -> ParamDesc {
    ParamDesc::optional(name, ParamKind::NonNegativeInt, DefaultValue::Int(default))
}
const ARIMA_METHODS: &[&str] = &["CSS-ML", "ML", "CSS"];
const BLAMBDA: ParamDesc =
    ParamDesc::optional("blambda", ParamKind::OptionalFloat, DefaultValue::None);
const FIXED: ParamDesc = ParamDesc::optional("fixed", ParamKind::NoneOnly, DefaultValue::None);
const DISTRIBUTION: ParamDesc = ParamDesc::optional(
    "distribution",
    ParamKind::Choice(&["normal"]),
    DefaultValue::Str("normal"),
);

const DECOMPOSITION_TYPE: ParamDesc = ParamDesc::optional(
    "decomposition_type",
    ParamKind::Choice(&["multiplicative", "additive"]),
    DefaultValue::Str("multiplicative"),
);
/// The parameters of `Theta`, `OptimizedTheta`, `DynamicTheta` and `DynamicOptimizedTheta`.
const THETA_PARAMS: &[ParamDesc] = &[SEASON_LENGTH_1, DECOMPOSITION_TYPE];

type Built = Result<Arc<dyn Model>, SpecError>;

/// Every model `parse_model_specs` accepts, in the order error messages list them.
pub(crate) const MODELS: &[ModelEntry] = &[
    ModelEntry {
        class_name: "Naive",
        default_alias: "Naive",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(Naive)) },
    },
    ModelEntry {
        class_name: "SeasonalNaive",
        default_alias: "SeasonalNaive",
        params: &[SEASON_LENGTH],
        build: |spec| -> Built {
            Ok(Arc::new(SeasonalNaive {
                season_length: spec.usize_param("season_length")?,
            }))
        },
    },
    ModelEntry {
        class_name: "RandomWalkWithDrift",
        default_alias: "RWD",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(RandomWalkWithDrift)) },
    },
    ModelEntry {
        class_name: "HistoricAverage",
        default_alias: "HistoricAverage",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(HistoricAverage)) },
    },
    ModelEntry {
        class_name: "WindowAverage",
        default_alias: "WindowAverage",
        params: &[WINDOW_SIZE],
        build: |spec| -> Built {
            Ok(Arc::new(WindowAverage {
                window_size: spec.usize_param("window_size")?,
            }))
        },
    },
    ModelEntry {
        class_name: "SeasonalWindowAverage",
        default_alias: "SeasWA",
        params: &[SEASON_LENGTH, WINDOW_SIZE],
        build: |spec| -> Built {
            Ok(Arc::new(SeasonalWindowAverage {
                season_length: spec.usize_param("season_length")?,
                window_size: spec.usize_param("window_size")?,
            }))
        },
    },
    ModelEntry {
        class_name: "SimpleExponentialSmoothing",
        default_alias: "SES",
        params: &[ALPHA],
        build: |spec| -> Built {
            Ok(Arc::new(SimpleExponentialSmoothing {
                alpha: spec.f64_param("alpha")?,
            }))
        },
    },
    ModelEntry {
        class_name: "SimpleExponentialSmoothingOptimized",
        default_alias: "SESOpt",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(SimpleExponentialSmoothingOptimized)) },
    },
    ModelEntry {
        class_name: "SeasonalExponentialSmoothing",
        default_alias: "SeasonalES",
        params: &[SEASON_LENGTH, ALPHA],
        build: |spec| -> Built {
            Ok(Arc::new(SeasonalExponentialSmoothing {
                season_length: spec.usize_param("season_length")?,
                alpha: spec.f64_param("alpha")?,
            }))
        },
    },
    ModelEntry {
        class_name: "SeasonalExponentialSmoothingOptimized",
        default_alias: "SeasESOpt",
        params: &[SEASON_LENGTH],
        build: |spec| -> Built {
            Ok(Arc::new(SeasonalExponentialSmoothingOptimized {
                season_length: spec.usize_param("season_length")?,
            }))
        },
    },
    ModelEntry {
        class_name: "ConstantModel",
        default_alias: "ConstantModel",
        params: &[CONSTANT],
        build: |spec| -> Built { Ok(Arc::new(ConstantModel::new(spec.f64_param("constant")?))) },
    },
    ModelEntry {
        class_name: "ZeroModel",
        default_alias: "ZeroModel",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(ConstantModel::zero())) },
    },
    ModelEntry {
        class_name: "AutoETS",
        default_alias: "AutoETS",
        params: &[
            SEASON_LENGTH_1,
            ParamDesc::optional("model", ParamKind::EtsModel, DefaultValue::Str("ZZZ")),
            ParamDesc::optional("damped", ParamKind::OptionalBool, DefaultValue::None),
            ParamDesc::optional(
                "phi",
                ParamKind::OptionalFloatIn(0.8, 0.98),
                DefaultValue::None,
            ),
        ],
        build: |spec| -> Built { Ok(Arc::new(AutoEts::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "Holt",
        default_alias: "Holt",
        params: &[SEASON_LENGTH_1, ERROR_TYPE],
        build: |spec| -> Built { Ok(Arc::new(Holt::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "HoltWinters",
        default_alias: "HoltWinters",
        params: &[SEASON_LENGTH_1, ERROR_TYPE],
        build: |spec| -> Built { Ok(Arc::new(HoltWinters::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "AutoARIMA",
        default_alias: "AutoARIMA",
        params: &[
            ParamDesc::optional("d", ParamKind::OptionalNonNegativeInt, DefaultValue::None),
            ParamDesc::optional("D", ParamKind::OptionalNonNegativeInt, DefaultValue::None),
            count("max_p", 5),
            count("max_q", 5),
            count("max_P", 2),
            count("max_Q", 2),
            count("max_order", 5),
            count("max_d", 2),
            count("max_D", 1),
            count("start_p", 2),
            count("start_q", 2),
            count("start_P", 1),
            count("start_Q", 1),
            flag("stationary", false),
            flag("seasonal", true),
            ParamDesc::optional(
                "ic",
                ParamKind::Choice(&["aicc", "aic", "bic"]),
                DefaultValue::Str("aicc"),
            ),
            flag("stepwise", true),
            ParamDesc::optional("nmodels", ParamKind::PositiveInt, DefaultValue::Int(94)),
            flag("trace", false),
            ParamDesc::optional(
                "approximation",
                ParamKind::OptionalBool,
                DefaultValue::Bool(false),
            ),
            ParamDesc::optional(
                "method",
                ParamKind::OptionalChoice(ARIMA_METHODS),
                DefaultValue::None,
            ),
            ParamDesc::optional(
                "truncate",
                ParamKind::OptionalNonNegativeInt,
                DefaultValue::None,
            ),
            ParamDesc::optional(
                "test",
                ParamKind::Choice(&["kpss"]),
                DefaultValue::Str("kpss"),
            ),
            ParamDesc::optional("test_kwargs", ParamKind::NoneOnly, DefaultValue::None),
            ParamDesc::optional(
                "seasonal_test",
                ParamKind::Choice(&["seas", "ocsb"]),
                DefaultValue::Str("seas"),
            ),
            ParamDesc::optional(
                "seasonal_test_kwargs",
                ParamKind::NoneOnly,
                DefaultValue::None,
            ),
            flag("allowdrift", true),
            flag("allowmean", true),
            BLAMBDA,
            flag("biasadj", false),
            SEASON_LENGTH_1,
            DISTRIBUTION,
        ],
        build: |spec| -> Built { Ok(Arc::new(AutoArima::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "ARIMA",
        default_alias: "ARIMA",
        params: &[
            ParamDesc::optional("order", ParamKind::Order, DefaultValue::Order(0, 0, 0)),
            SEASON_LENGTH_1,
            ParamDesc::optional(
                "seasonal_order",
                ParamKind::Order,
                DefaultValue::Order(0, 0, 0),
            ),
            flag("include_mean", true),
            flag("include_drift", false),
            ParamDesc::optional(
                "include_constant",
                ParamKind::OptionalBool,
                DefaultValue::None,
            ),
            BLAMBDA,
            flag("biasadj", false),
            ParamDesc::optional(
                "method",
                ParamKind::Choice(ARIMA_METHODS),
                DefaultValue::Str("CSS-ML"),
            ),
            FIXED,
            DISTRIBUTION,
        ],
        build: |spec| -> Built { Ok(Arc::new(Arima::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "AutoRegressive",
        default_alias: "AutoRegressive",
        params: &[
            ParamDesc::required("lags", ParamKind::Lags),
            flag("include_mean", true),
            flag("include_drift", false),
            BLAMBDA,
            flag("biasadj", false),
            ParamDesc::optional(
                "method",
                ParamKind::Choice(ARIMA_METHODS),
                DefaultValue::Str("CSS-ML"),
            ),
            FIXED,
        ],
        build: |spec| -> Built { Ok(Arc::new(Arima::auto_regressive_from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "MSTL",
        default_alias: "MSTL",
        params: &[
            ParamDesc::required("season_length", ParamKind::SeasonLengths),
            ParamDesc::optional(
                "trend_forecaster",
                ParamKind::Model,
                DefaultValue::Model("AutoETS(model='ZZN')"),
            ),
            ParamDesc::optional("stl_kwargs", ParamKind::StlKwargs, DefaultValue::None),
        ],
        build: |spec| -> Built { Ok(Arc::new(Mstl::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "AutoTheta",
        default_alias: "AutoTheta",
        params: &[
            SEASON_LENGTH_1,
            DECOMPOSITION_TYPE,
            ParamDesc::optional(
                "model",
                ParamKind::OptionalChoice(&["STM", "OTM", "DSTM", "DOTM"]),
                DefaultValue::None,
            ),
            DISTRIBUTION,
        ],
        build: |spec| -> Built { Ok(Arc::new(AutoTheta::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "Theta",
        default_alias: "Theta",
        params: THETA_PARAMS,
        build: |spec| -> Built { Ok(Arc::new(AutoTheta::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "OptimizedTheta",
        default_alias: "OptimizedTheta",
        params: THETA_PARAMS,
        build: |spec| -> Built { Ok(Arc::new(AutoTheta::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "DynamicTheta",
        default_alias: "DynamicTheta",
        params: THETA_PARAMS,
        build: |spec| -> Built { Ok(Arc::new(AutoTheta::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "DynamicOptimizedTheta",
        default_alias: "DynamicOptimizedTheta",
        params: THETA_PARAMS,
        build: |spec| -> Built { Ok(Arc::new(AutoTheta::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "AutoCES",
        default_alias: "CES",
        params: &[
            SEASON_LENGTH_1,
            ParamDesc::optional(
                "model",
                ParamKind::Choice(&["Z", "N", "S", "P", "F"]),
                DefaultValue::Str("Z"),
            ),
            DISTRIBUTION,
        ],
        build: |spec| -> Built { Ok(Arc::new(AutoCes::from_spec(spec)?)) },
    },
    ModelEntry {
        class_name: "CrostonClassic",
        default_alias: "CrostonClassic",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(CrostonClassic)) },
    },
    ModelEntry {
        class_name: "CrostonOptimized",
        default_alias: "CrostonOptimized",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(CrostonOptimized)) },
    },
    ModelEntry {
        class_name: "CrostonSBA",
        default_alias: "CrostonSBA",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(CrostonSba)) },
    },
    ModelEntry {
        class_name: "ADIDA",
        default_alias: "ADIDA",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(Adida)) },
    },
    ModelEntry {
        class_name: "IMAPA",
        default_alias: "IMAPA",
        params: &[],
        build: |_| -> Built { Ok(Arc::new(Imapa)) },
    },
    ModelEntry {
        class_name: "TSB",
        default_alias: "TSB",
        // statsforecast does not check the range; like SES's alpha we require [0, 1].
        params: &[
            ParamDesc::required("alpha_d", ParamKind::UnitInterval),
            ParamDesc::required("alpha_p", ParamKind::UnitInterval),
        ],
        build: |spec| -> Built {
            Ok(Arc::new(Tsb {
                alpha_d: spec.f64_param("alpha_d")?,
                alpha_p: spec.f64_param("alpha_p")?,
            }))
        },
    },
];
