//! The machinery of the model registry: parameter descriptors and the checks that turn a
//! parsed call into a validated [`ModelSpec`]. The table of models itself is in `catalog`.

use std::collections::HashSet;
use std::sync::Arc;

use super::ModelSpec;
use super::catalog::MODELS;
use super::conformal;
use super::error::SpecError;
use super::parse::{Call, Expr, parse_calls};
use super::value::ParamValue;
use crate::models::Model;
use crate::models::ets::ModelString;

/// One registered statsforecast class.
pub(crate) struct ModelEntry {
    /// Class name, exactly as statsforecast spells it.
    pub(crate) class_name: &'static str,
    /// statsforecast's default `alias` (the output column name).
    pub(crate) default_alias: &'static str,
    /// Parameters other than `alias`, in statsforecast's positional order.
    pub(crate) params: &'static [ParamDesc],
    /// Builds the model from a spec already validated against `params`.
    pub(crate) build: fn(&ModelSpec) -> Result<Arc<dyn Model>, SpecError>,
}

/// One constructor parameter.
pub(crate) struct ParamDesc {
    pub(crate) name: &'static str,
    pub(crate) kind: ParamKind,
    pub(crate) default: DefaultValue,
}

impl ParamDesc {
    /// A parameter the user must give (no default in statsforecast either).
    pub(crate) const fn required(name: &'static str, kind: ParamKind) -> Self {
        Self {
            name,
            kind,
            default: DefaultValue::Required,
        }
    }

    /// A parameter with statsforecast's default.
    pub(crate) const fn optional(
        name: &'static str,
        kind: ParamKind,
        default: DefaultValue,
    ) -> Self {
        Self {
            name,
            kind,
            default,
        }
    }
}

/// What values a parameter accepts.
#[derive(Clone, Copy)]
pub(crate) enum ParamKind {
    /// An integer >= 1 (season lengths, window sizes).
    PositiveInt,
    /// A number in `[0, 1]` (smoothing constants); stored as a float.
    UnitInterval,
    /// Any finite number; stored as a float.
    FiniteFloat,
    /// An ETS `model` string: three letters, error in {A, M, Z}, trend and season in
    /// {N, A, M, Z}; stored as a string.
    EtsModel,
    /// `'A'` or `'M'` (an ETS error type); stored as a string.
    ErrorType,
    /// `True`, `False` or `None`.
    OptionalBool,
    /// `None` or a float (not an integer, as statsforecast insists) within the bounds.
    OptionalFloatIn(f64, f64),
    /// `None` or any finite number; stored as a float.
    OptionalFloat,
    /// An integer >= 0 (orders, limits of a search).
    NonNegativeInt,
    /// `None` or an integer >= 0.
    OptionalNonNegativeInt,
    /// `True` or `False`.
    Bool,
    /// One of the listed strings.
    Choice(&'static [&'static str]),
    /// `None` or one of the listed strings.
    OptionalChoice(&'static [&'static str]),
    /// A tuple of three integers >= 0, e.g. an ARIMA `order=(p, d, q)`.
    Order,
    /// An integer >= 1 or a non-empty list of them (the lags of an autoregression).
    Lags,
    /// Only `None`: a statsforecast parameter whose other values are not supported.
    NoneOnly,
    /// An integer >= 1 or a non-empty list of them (the season lengths of MSTL).
    SeasonLengths,
    /// Another model's constructor call, e.g. `AutoARIMA()`; validated like a top-level spec.
    Model,
    /// `None` or a dict of statsmodels `STL` settings other than `period` and `seasonal`.
    StlKwargs,
}

/// The `STL` settings `stl_kwargs` may hold, with the kind of value each takes.
const STL_KWARGS: &[(&str, ParamKind)] = &[
    ("trend", ParamKind::OptionalNonNegativeInt),
    ("low_pass", ParamKind::OptionalNonNegativeInt),
    ("seasonal_deg", ParamKind::NonNegativeInt),
    ("trend_deg", ParamKind::NonNegativeInt),
    ("low_pass_deg", ParamKind::NonNegativeInt),
    ("robust", ParamKind::Bool),
    ("seasonal_jump", ParamKind::PositiveInt),
    ("trend_jump", ParamKind::PositiveInt),
    ("low_pass_jump", ParamKind::PositiveInt),
];

impl ParamKind {
    fn describe(self) -> &'static str {
        match self {
            Self::PositiveInt => "a positive integer",
            Self::UnitInterval => "a number between 0 and 1",
            Self::FiniteFloat => "a finite number",
            Self::EtsModel => {
                "a three-letter string: error A, M or Z, then trend and season N, A, M or Z \
                 (e.g. 'ZZZ', 'AAN', 'MAM')"
            }
            Self::ErrorType => "'A' or 'M'",
            Self::OptionalBool => "True, False or None",
            Self::OptionalFloatIn(..) => "None or a float within its bounds",
            Self::OptionalFloat => "None or a finite number",
            Self::NonNegativeInt => "a non-negative integer",
            Self::OptionalNonNegativeInt => "None or a non-negative integer",
            Self::Bool => "True or False",
            Self::Choice(_) => "one of its allowed strings",
            Self::OptionalChoice(_) => "None or one of its allowed strings",
            Self::Order => "a tuple of three non-negative integers, e.g. (1, 1, 0)",
            Self::Lags => "a positive integer or a non-empty list of positive integers",
            Self::NoneOnly => "None (other values are not supported)",
            Self::SeasonLengths => "a positive integer or a non-empty list of positive integers",
            Self::Model => "a model such as AutoETS(model='ZZN')",
            Self::StlKwargs => {
                "None or a dict of STL settings: trend, low_pass (odd integers or None), \
                 seasonal_deg, trend_deg, low_pass_deg (0 or 1), robust (True or False), \
                 seasonal_jump, trend_jump, low_pass_jump (positive integers)"
            }
        }
    }

    /// The description for error messages, with the bounds of bounded kinds.
    fn describe_full(self) -> String {
        match self {
            Self::OptionalFloatIn(lo, hi) => format!("None or a float between {lo} and {hi}"),
            Self::Choice(allowed) => format!("one of {}", quoted_list(allowed)),
            Self::OptionalChoice(allowed) => format!("None or one of {}", quoted_list(allowed)),
            _ => self.describe().to_owned(),
        }
    }

    /// The typed value, or `None` when `expr` is not acceptable.
    fn accept(self, expr: &Expr) -> Option<ParamValue> {
        let number = match expr {
            Expr::Int(v) => Some(*v as f64),
            Expr::Float(v) => Some(*v),
            _ => None,
        };
        match self {
            Self::PositiveInt => match expr {
                Expr::Int(v) if *v >= 1 => Some(ParamValue::Int(*v)),
                _ => None,
            },
            Self::UnitInterval => number
                .filter(|v| (0.0..=1.0).contains(v))
                .map(ParamValue::Float),
            Self::FiniteFloat => number.filter(|v| v.is_finite()).map(ParamValue::Float),
            Self::EtsModel => match expr {
                Expr::Str(text) | Expr::Word(text) if ModelString::parse(text).is_ok() => {
                    Some(ParamValue::Str(text.clone()))
                }
                _ => None,
            },
            Self::ErrorType => match expr {
                Expr::Str(text) | Expr::Word(text) if text == "A" || text == "M" => {
                    Some(ParamValue::Str(text.clone()))
                }
                _ => None,
            },
            Self::OptionalBool => match expr {
                Expr::Bool(v) => Some(ParamValue::Bool(*v)),
                Expr::None => Some(ParamValue::None),
                _ => None,
            },
            Self::OptionalFloatIn(lo, hi) => match expr {
                Expr::Float(v) if (lo..=hi).contains(v) => Some(ParamValue::Float(*v)),
                Expr::None => Some(ParamValue::None),
                _ => None,
            },
            Self::OptionalFloat => match expr {
                Expr::None => Some(ParamValue::None),
                _ => number.filter(|v| v.is_finite()).map(ParamValue::Float),
            },
            Self::NonNegativeInt => match expr {
                Expr::Int(v) if *v >= 0 => Some(ParamValue::Int(*v)),
                _ => None,
            },
            Self::OptionalNonNegativeInt => match expr {
                Expr::Int(v) if *v >= 0 => Some(ParamValue::Int(*v)),
                Expr::None => Some(ParamValue::None),
                _ => None,
            },
            Self::Bool => match expr {
                Expr::Bool(v) => Some(ParamValue::Bool(*v)),
                _ => None,
            },
            Self::Choice(allowed) => match expr {
                Expr::Str(text) | Expr::Word(text) if allowed.contains(&text.as_str()) => {
                    Some(ParamValue::Str(text.clone()))
                }
                _ => None,
            },
            Self::OptionalChoice(allowed) => match expr {
                Expr::None => Some(ParamValue::None),
                Expr::Str(text) | Expr::Word(text) if allowed.contains(&text.as_str()) => {
                    Some(ParamValue::Str(text.clone()))
                }
                _ => None,
            },
            Self::Order => match expr {
                Expr::Tuple(items) | Expr::List(items) if items.len() == 3 => items
                    .iter()
                    .map(|item| match item {
                        Expr::Int(v) if *v >= 0 => Some(ParamValue::Int(*v)),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(ParamValue::Tuple),
                _ => None,
            },
            Self::Lags | Self::SeasonLengths => match expr {
                Expr::Int(v) if *v >= 1 => Some(ParamValue::Int(*v)),
                Expr::List(items) | Expr::Tuple(items) if !items.is_empty() => items
                    .iter()
                    .map(|item| match item {
                        Expr::Int(v) if *v >= 1 => Some(ParamValue::Int(*v)),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(ParamValue::List),
                _ => None,
            },
            Self::NoneOnly => match expr {
                Expr::None => Some(ParamValue::None),
                _ => None,
            },
            // Nested models are resolved by `resolve`, which reports their own errors.
            Self::Model => None,
            Self::StlKwargs => {
                let entries: Vec<(&str, &Expr)> = match expr {
                    Expr::None => return Some(ParamValue::None),
                    Expr::Dict(entries) => entries.iter().map(|(k, v)| (k.as_str(), v)).collect(),
                    // `dict(robust=True)`, as Python users also write it.
                    Expr::Call(call) if call.name == "dict" => call
                        .args
                        .iter()
                        .map(|arg| arg.name.as_deref().map(|name| (name, &arg.value)))
                        .collect::<Option<_>>()?,
                    _ => return None,
                };
                entries
                    .into_iter()
                    .map(|(key, value)| {
                        let (name, kind) = STL_KWARGS.iter().find(|(name, _)| *name == key)?;
                        Some(((*name).to_owned(), kind.accept(value)?))
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(ParamValue::Dict)
            }
        }
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("'{item}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A parameter's default, in a form usable in the constant table.
#[allow(
    dead_code,
    reason = "float and boolean defaults serve the models to come"
)]
#[derive(Clone, Copy)]
pub(crate) enum DefaultValue {
    Required,
    Int(i64),
    Float(f64),
    Str(&'static str),
    Bool(bool),
    None,
    /// A tuple of three integers (an ARIMA order).
    Order(i64, i64, i64),
    /// A nested model, as its constructor call (e.g. `AutoETS(model='ZZN')`).
    Model(&'static str),
}

impl DefaultValue {
    fn value(self) -> Option<ParamValue> {
        match self {
            Self::Required => None,
            Self::Int(v) => Some(ParamValue::Int(v)),
            Self::Float(v) => Some(ParamValue::Float(v)),
            Self::Str(v) => Some(ParamValue::Str(v.to_owned())),
            Self::Bool(v) => Some(ParamValue::Bool(v)),
            Self::None => Some(ParamValue::None),
            Self::Order(a, b, c) => Some(ParamValue::Tuple(vec![
                ParamValue::Int(a),
                ParamValue::Int(b),
                ParamValue::Int(c),
            ])),
            // The catalog's defaults are valid specs (checked by the spec tests).
            Self::Model(text) => {
                let call = parse_calls(text).ok()?.into_iter().next()?;
                resolve(&call)
                    .ok()
                    .map(|spec| ParamValue::Model(Box::new(spec)))
            }
        }
    }
}

/// The parameter every model accepts for its output column name.
const ALIAS: &str = "alias";

/// statsforecast's conformal-interval parameter, which every model accepts after `alias`.
const PREDICTION_INTERVALS: &str = "prediction_intervals";

/// Every registered class name, in registry order.
pub(crate) fn class_names() -> Vec<&'static str> {
    MODELS.iter().map(|entry| entry.class_name).collect()
}

pub(crate) fn find(class_name: &str) -> Option<&'static ModelEntry> {
    MODELS.iter().find(|entry| entry.class_name == class_name)
}

/// Checks one parsed call against the registry and fills in defaults.
pub(crate) fn resolve(call: &Call) -> Result<ModelSpec, SpecError> {
    let entry = find(&call.name).ok_or_else(|| unknown_model(&call.name))?;
    let model = entry.class_name;
    let positional: Vec<&str> = entry
        .params
        .iter()
        .map(|p| p.name)
        .chain([ALIAS, PREDICTION_INTERVALS])
        .collect();
    let mut given: Vec<(&str, &Expr)> = Vec::new();
    let mut seen_keyword = false;
    for (index, arg) in call.args.iter().enumerate() {
        let name = match &arg.name {
            Some(name) => {
                seen_keyword = true;
                name.as_str()
            }
            None if seen_keyword => {
                return Err(SpecError::new(format!(
                    "{model}: positional argument {} follows keyword arguments",
                    arg.value
                )));
            }
            None => *positional.get(index).ok_or_else(|| {
                SpecError::new(format!(
                    "{model}: takes at most {} positional arguments ({}), got {}",
                    positional.len(),
                    positional.join(", "),
                    call.args.iter().filter(|a| a.name.is_none()).count()
                ))
            })?,
        };
        if given.iter().any(|(seen, _)| *seen == name) {
            return Err(SpecError::new(format!(
                "{model}: parameter {name} given more than once"
            )));
        }
        given.push((name, &arg.value));
    }

    let mut alias = entry.default_alias.to_owned();
    let mut prediction_intervals = None;
    for &(name, value) in &given {
        if name == ALIAS {
            alias = alias_value(model, value)?;
        } else if name == PREDICTION_INTERVALS {
            prediction_intervals = conformal::prediction_intervals(model, value)?;
        } else if !entry.params.iter().any(|p| p.name == name) {
            return Err(SpecError::new(format!(
                "{model}: unknown parameter '{name}'; allowed parameters: {}",
                positional.join(", ")
            )));
        }
    }

    let mut params = Vec::with_capacity(entry.params.len());
    for desc in entry.params {
        let value = match given.iter().find(|(name, _)| *name == desc.name) {
            Some((_, expr)) if matches!(desc.kind, ParamKind::Model) => {
                nested_model(model, desc.name, expr)?
            }
            Some((_, expr)) => desc.kind.accept(expr).ok_or_else(|| {
                SpecError::new(format!(
                    "{model}: {} must be {}, got {expr}",
                    desc.name,
                    desc.kind.describe_full()
                ))
            })?,
            None => desc.default.value().ok_or_else(|| {
                SpecError::new(format!(
                    "{model}: missing required parameter {} ({})",
                    desc.name,
                    desc.kind.describe()
                ))
            })?,
        };
        params.push((desc.name, value));
    }
    let spec = ModelSpec {
        class_name: model,
        alias,
        params,
        prediction_intervals,
    };
    // Combinations of parameters are checked by the constructor: a spec that resolves
    // always builds.
    (entry.build)(&spec)?;
    Ok(spec)
}

/// Resolves every call and checks that the aliases (output column names) are distinct.
pub(crate) fn resolve_all(calls: &[Call]) -> Result<Vec<ModelSpec>, SpecError> {
    let specs = calls.iter().map(resolve).collect::<Result<Vec<_>, _>>()?;
    let mut aliases = HashSet::new();
    for spec in &specs {
        if !aliases.insert(spec.alias.as_str()) {
            return Err(SpecError::new(format!(
                "duplicate alias '{}': each model needs a distinct alias (set alias='...')",
                spec.alias
            )));
        }
    }
    Ok(specs)
}

/// A model given as another model's parameter, validated as a top-level spec.
fn nested_model(model: &str, name: &str, expr: &Expr) -> Result<ParamValue, SpecError> {
    match expr {
        Expr::Call(call) => resolve(call)
            .map(|spec| ParamValue::Model(Box::new(spec)))
            .map_err(|err| SpecError::new(format!("{model}: {name}: {err}"))),
        _ => Err(SpecError::new(format!(
            "{model}: {name} must be {}, got {expr}",
            ParamKind::Model.describe()
        ))),
    }
}

fn alias_value(model: &str, value: &Expr) -> Result<String, SpecError> {
    match value {
        Expr::Str(text) | Expr::Word(text) if !text.trim().is_empty() => Ok(text.clone()),
        _ => Err(SpecError::new(format!(
            "{model}: alias must be a non-empty string, got {value}"
        ))),
    }
}

fn unknown_model(name: &str) -> SpecError {
    let names = class_names();
    let hint = names
        .iter()
        .find(|known| known.eq_ignore_ascii_case(name))
        .map(|known| format!(" (did you mean {known}?)"))
        .unwrap_or_default();
    SpecError::new(format!(
        "unknown model '{name}'{hint}; registered models: {}",
        names.join(", ")
    ))
}
