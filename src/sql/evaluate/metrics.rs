//! The metrics of utilsforecast 0.2.17 (`utilsforecast.losses`), their parameters, and the
//! rows of `evaluate`'s output they give, named as utilsforecast's `evaluate` names them.
//!
//! Plain data, no DataFusion: [`super::exprs`] turns each [`Row`] into expressions.

use super::parse::{Call, Value};

/// A utilsforecast loss function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Metric {
    Mae,
    Mse,
    Rmse,
    Bias,
    Cfe,
    Pis,
    Spis,
    Mape,
    Wape,
    Nd,
    Smape,
    Mase,
    Rmae,
    Msse,
    Rmsse,
    QuantileLoss,
    ScaledQuantileLoss,
    Mqloss,
    ScaledMqloss,
    Coverage,
    WinklerScore,
    Calibration,
    ScaledCrps,
    TweedieDeviance,
    Linex,
}

/// How a metric reads prediction intervals (`<model>-lo-<L>`, `<model>-hi-<L>`), which
/// decides how many rows it gives and how they are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bands {
    /// Point forecasts only: one row, named after the metric.
    None,
    /// One row per level, `<metric>_level<L>` (coverage, winkler_score).
    PerLevel,
    /// One row per bound of each level, `<metric>_q<q>` (quantile_loss,
    /// scaled_quantile_loss, calibration).
    PerQuantile,
    /// One row over every level's bounds together (mqloss, scaled_mqloss, scaled_crps).
    AllLevels,
}

struct Def {
    metric: Metric,
    name: &'static str,
    params: &'static [&'static str],
    train: bool,
    bands: Bands,
}

const fn def(
    metric: Metric,
    name: &'static str,
    params: &'static [&'static str],
    train: bool,
    bands: Bands,
) -> Def {
    Def {
        metric,
        name,
        params,
        train,
        bands,
    }
}

/// Every supported metric, in utilsforecast's `__all__` order.
const CATALOG: &[Def] = &[
    def(Metric::Mae, "mae", &[], false, Bands::None),
    def(Metric::Mse, "mse", &[], false, Bands::None),
    def(Metric::Rmse, "rmse", &[], false, Bands::None),
    def(Metric::Bias, "bias", &[], false, Bands::None),
    def(Metric::Cfe, "cfe", &[], false, Bands::None),
    def(Metric::Pis, "pis", &[], false, Bands::None),
    def(Metric::Spis, "spis", &[], true, Bands::None),
    def(Metric::Mape, "mape", &[], false, Bands::None),
    def(Metric::Wape, "wape", &[], false, Bands::None),
    def(Metric::Smape, "smape", &[], false, Bands::None),
    def(Metric::Mase, "mase", &["seasonality"], true, Bands::None),
    def(Metric::Rmae, "rmae", &["baseline"], false, Bands::None),
    def(Metric::Nd, "nd", &[], false, Bands::None),
    def(Metric::Msse, "msse", &["seasonality"], true, Bands::None),
    def(Metric::Rmsse, "rmsse", &["seasonality"], true, Bands::None),
    def(
        Metric::QuantileLoss,
        "quantile_loss",
        &["level"],
        false,
        Bands::PerQuantile,
    ),
    def(
        Metric::ScaledQuantileLoss,
        "scaled_quantile_loss",
        &["seasonality", "level"],
        true,
        Bands::PerQuantile,
    ),
    def(
        Metric::Mqloss,
        "mqloss",
        &["level"],
        false,
        Bands::AllLevels,
    ),
    def(
        Metric::ScaledMqloss,
        "scaled_mqloss",
        &["seasonality", "level"],
        true,
        Bands::AllLevels,
    ),
    def(
        Metric::Coverage,
        "coverage",
        &["level"],
        false,
        Bands::PerLevel,
    ),
    def(
        Metric::WinklerScore,
        "winkler_score",
        &["level"],
        false,
        Bands::PerLevel,
    ),
    def(
        Metric::Calibration,
        "calibration",
        &["level"],
        false,
        Bands::PerQuantile,
    ),
    def(
        Metric::ScaledCrps,
        "scaled_crps",
        &["level"],
        false,
        Bands::AllLevels,
    ),
    def(
        Metric::TweedieDeviance,
        "tweedie_deviance",
        &["power"],
        false,
        Bands::None,
    ),
    def(Metric::Linex, "linex", &["a"], false, Bands::None),
];

/// The supported metrics with their parameters, for error messages.
pub(crate) fn supported_metrics() -> String {
    CATALOG
        .iter()
        .map(|d| {
            let params: Vec<&str> = d.params.iter().copied().filter(|p| *p != "level").collect();
            if params.is_empty() {
                d.name.to_string()
            } else {
                format!("{}({}=..)", d.name, params.join("=.., "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One metric of the `metrics` argument, its parameters checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetricSpec {
    pub(crate) metric: Metric,
    /// utilsforecast's function name.
    pub(crate) name: &'static str,
    /// `seasonality` of the scaled metrics.
    pub(crate) seasonality: Option<usize>,
    /// `baseline` of `rmae`: a model column.
    pub(crate) baseline: Option<String>,
    /// `level` given to this metric; otherwise the call's levels.
    pub(crate) levels: Option<Vec<f64>>,
    /// `power` of `tweedie_deviance` (1.5 by default, as utilsforecast).
    pub(crate) power: f64,
    /// `a` of `linex` (1.0 by default, as utilsforecast).
    pub(crate) a: f64,
}

impl MetricSpec {
    /// Whether the metric needs the training data (`train => ...`).
    pub(crate) fn needs_train(&self) -> bool {
        self.def().train
    }

    /// How the metric reads prediction intervals.
    pub(crate) fn bands(&self) -> Bands {
        self.def().bands
    }

    fn def(&self) -> &'static Def {
        CATALOG
            .iter()
            .find(|d| d.metric == self.metric)
            .expect("every metric is in the catalog")
    }
}

/// Checks a parsed call against the catalog; errors name the metric and what is allowed.
pub(crate) fn metric_spec(call: &Call) -> Result<MetricSpec, String> {
    let lower = call.name.to_ascii_lowercase();
    let Some(def) = CATALOG.iter().find(|d| d.name == lower) else {
        return Err(format!(
            "unknown metric '{}'; supported metrics: {}",
            call.name,
            supported_metrics()
        ));
    };
    let name = def.name;
    let mut spec = MetricSpec {
        metric: def.metric,
        name,
        seasonality: None,
        baseline: None,
        levels: None,
        power: 1.5,
        a: 1.0,
    };
    for (i, (param, value)) in call.params.iter().enumerate() {
        let param = param.to_ascii_lowercase();
        if !def.params.contains(&param.as_str()) {
            let allowed = if def.params.is_empty() {
                "it takes no parameters".to_string()
            } else {
                format!("its parameters: {}", def.params.join(", "))
            };
            let hint = if param == "q" {
                "; the quantiles come from the levels (level=[80, 95] gives 0.025, 0.1, 0.9, 0.975)"
            } else {
                ""
            };
            return Err(format!(
                "{name}: unknown parameter '{param}'; {allowed}{hint}"
            ));
        }
        if call.params[..i]
            .iter()
            .any(|(p, _)| p.eq_ignore_ascii_case(&param))
        {
            return Err(format!(
                "{name}: parameter '{param}' is given more than once"
            ));
        }
        match param.as_str() {
            "seasonality" => spec.seasonality = Some(positive_int(name, &param, value)?),
            "baseline" => match value {
                Value::Str(s) if !s.is_empty() => spec.baseline = Some(s.clone()),
                other => {
                    return Err(format!(
                        "{name}: parameter 'baseline' must be a model column name, got {other}"
                    ));
                }
            },
            "level" => spec.levels = Some(levels(name, value)?),
            "power" => {
                let power = number(name, &param, value)?;
                if power < 0.0 {
                    return Err(format!(
                        "{name}: parameter 'power' must be >= 0 (utilsforecast: \"Power must be non-negative.\"), got {value}"
                    ));
                }
                spec.power = power;
            }
            "a" => {
                let a = number(name, &param, value)?;
                // utilsforecast refuses np.isclose(a, 0.0): |a| <= 1e-8.
                if a.abs() <= 1e-8 {
                    return Err(format!(
                        "{name}: parameter 'a' must be non-zero, got {value}"
                    ));
                }
                spec.a = a;
            }
            _ => unreachable!("parameters are checked against the catalog"),
        }
    }
    for required in def.params {
        let missing = match *required {
            "seasonality" => spec.seasonality.is_none(),
            "baseline" => spec.baseline.is_none(),
            _ => false,
        };
        if missing {
            let example = match *required {
                "seasonality" => format!("{name}(seasonality=12)"),
                _ => format!("{name}(baseline='Naive')"),
            };
            return Err(format!(
                "{name}: missing required parameter '{required}', e.g. {example}"
            ));
        }
    }
    Ok(spec)
}

fn number(metric: &str, param: &str, value: &Value) -> Result<f64, String> {
    match value {
        Value::Number(v, _) => Ok(*v),
        other => Err(format!(
            "{metric}: parameter '{param}' must be a number, got {other}"
        )),
    }
}

fn positive_int(metric: &str, param: &str, value: &Value) -> Result<usize, String> {
    match value {
        Value::Number(v, _) if v.fract() == 0.0 && *v >= 1.0 && *v <= 1e9 => Ok(*v as usize),
        other => Err(format!(
            "{metric}: parameter '{param}' must be an integer > 0, got {other}"
        )),
    }
}

fn levels(metric: &str, value: &Value) -> Result<Vec<f64>, String> {
    let items = match value {
        Value::List(items) if !items.is_empty() => items.clone(),
        Value::Number(..) => vec![value.clone()],
        other => {
            return Err(format!(
                "{metric}: parameter 'level' must be a number in (0, 100) or a list of them, got {other}"
            ));
        }
    };
    items
        .iter()
        .map(|item| match item {
            Value::Number(v, _) if *v > 0.0 && *v < 100.0 => Ok(*v),
            other => Err(format!(
                "{metric}: parameter 'level' must hold numbers in (0, 100), got {other}"
            )),
        })
        .collect()
}

/// Which columns a row reads for each model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Band {
    /// The point forecast only.
    Point,
    /// Both bounds of one level (coverage, winkler_score).
    Level(f64),
    /// One bound, the quantile `q` of level `level` (`hi` tells which).
    Quantile { q: f64, level: f64, hi: bool },
    /// Every bound of these levels (sorted), as quantiles (mqloss and its kin).
    Levels(Vec<f64>),
}

/// One row of the output per series: a metric, its name, and the bounds it reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) name: String,
    pub(crate) spec: MetricSpec,
    pub(crate) band: Band,
}

/// The output rows of one metric, named as utilsforecast's `evaluate` names them:
/// `mae`, `rmae_<baseline>`, `coverage_level80`, `quantile_loss_q0.1`, `mqloss`.
/// `levels` are the metric's levels in the order given (utilsforecast loops over them).
pub(crate) fn rows(spec: &MetricSpec, levels: &[f64]) -> Vec<Row> {
    let row = |name: String, band: Band| Row {
        name,
        spec: spec.clone(),
        band,
    };
    let name = spec.name;
    match spec.bands() {
        Bands::None => {
            let name = match &spec.baseline {
                Some(baseline) => format!("{name}_{baseline}"),
                None => name.to_string(),
            };
            vec![row(name, Band::Point)]
        }
        Bands::PerLevel => levels
            .iter()
            .map(|&l| row(format!("{name}_level{}", format_level(l)), Band::Level(l)))
            .collect(),
        Bands::PerQuantile => levels
            .iter()
            .flat_map(|&level| {
                let (lo, hi) = quantiles_of_level(level);
                [(lo, false), (hi, true)].map(|(q, hi)| {
                    row(
                        format!("{name}_q{}", python_float(q)),
                        Band::Quantile { q, level, hi },
                    )
                })
            })
            .collect(),
        Bands::AllLevels => {
            let mut sorted = levels.to_vec();
            sorted.sort_by(f64::total_cmp);
            vec![row(name.to_string(), Band::Levels(sorted))]
        }
    }
}

/// The quantiles of a level's bounds, as utilsforecast's `_quantiles_from_levels`
/// computes them: `(100 - level) / 200` and `1 - (100 - level) / 200`.
pub(crate) fn quantiles_of_level(level: f64) -> (f64, f64) {
    let alpha = 100.0 - level;
    (alpha / 200.0, 1.0 - alpha / 200.0)
}

/// A level as statsforecast prints it in column names: `80`, `99.5`.
pub(crate) fn format_level(level: f64) -> String {
    crate::logical::format_level(level)
}

/// A float as Python's `str` prints it: the shortest text that reads back, in scientific
/// notation below 1e-4 (`5e-05`).
pub(crate) fn python_float(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-4 || x.abs() >= 1e16) {
        let text = format!("{x:e}");
        let (mantissa, exponent) = text.split_once('e').expect("{:e} has an exponent");
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    } else {
        let text = format!("{x}");
        if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_metrics;
    use super::*;

    fn spec(text: &str) -> Result<MetricSpec, String> {
        metric_spec(&parse_metrics(text).unwrap()[0])
    }

    fn names(text: &str, levels: &[f64]) -> Vec<String> {
        rows(&spec(text).unwrap(), levels)
            .into_iter()
            .map(|r| r.name)
            .collect()
    }

    #[test]
    fn rows_are_named_as_utilsforecast_names_them() {
        assert_eq!(names("mae", &[]), ["mae"]);
        assert_eq!(names("rmae(baseline='Naive')", &[]), ["rmae_Naive"]);
        assert_eq!(
            names("coverage", &[95.0, 80.0]),
            ["coverage_level95", "coverage_level80"]
        );
        assert_eq!(
            names("quantile_loss", &[80.0, 95.0]),
            [
                "quantile_loss_q0.1",
                "quantile_loss_q0.9",
                "quantile_loss_q0.025",
                "quantile_loss_q0.975"
            ]
        );
        assert_eq!(
            names("calibration", &[99.5]),
            ["calibration_q0.0025", "calibration_q0.9975"]
        );
        assert_eq!(names("scaled_crps", &[95.0, 80.0]), ["scaled_crps"]);
    }

    #[test]
    fn python_prints_floats_this_way() {
        assert_eq!(python_float(0.1), "0.1");
        assert_eq!(python_float(0.975), "0.975");
        assert_eq!(python_float(5.000000000002558e-05), "5.000000000002558e-05");
        assert_eq!(python_float(1.0), "1.0");
    }

    #[test]
    fn parameters_are_checked() {
        assert_eq!(spec("mase(seasonality=12)").unwrap().seasonality, Some(12));
        assert!(
            spec("mase")
                .unwrap_err()
                .contains("missing required parameter 'seasonality'")
        );
        assert!(
            spec("mase(seasonality=0)")
                .unwrap_err()
                .contains("integer > 0")
        );
        assert!(
            spec("mase(seasonality=1.5)")
                .unwrap_err()
                .contains("integer > 0")
        );
        assert!(
            spec("mae(seasonality=1)")
                .unwrap_err()
                .contains("takes no parameters")
        );
        assert!(
            spec("quantile_loss(q=0.5)")
                .unwrap_err()
                .contains("come from the levels")
        );
        assert!(
            spec("coverage(level=100)")
                .unwrap_err()
                .contains("(0, 100)")
        );
        assert!(spec("linex(a=0)").unwrap_err().contains("non-zero"));
        assert!(
            spec("tweedie_deviance(power=-1)")
                .unwrap_err()
                .contains(">= 0")
        );
        assert!(
            spec("mse2")
                .unwrap_err()
                .contains("supported metrics: mae, mse")
        );
        assert_eq!(spec("MAE").unwrap().name, "mae");
        assert_eq!(
            spec("coverage(level=[80, 95])").unwrap().levels,
            Some(vec![80.0, 95.0])
        );
    }
}
