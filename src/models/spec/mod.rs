//! Model specs: the user's `'AutoETS(season_length=7), Naive()'` text, parsed, validated
//! against the registry of statsforecast classes, and turned into [`Model`]s.
//!
//! [`ModelSpec`] is plain data with a canonical text form (its `Display`), which
//! [`parse_model_specs`] reads back to an equal spec; the plan layer ships specs that way.

mod catalog;
mod conformal;
mod error;
mod parse;
mod registry;
mod value;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

pub use conformal::parse_conformal_intervals;
pub use error::SpecError;
pub use value::ParamValue;

use super::{ConformalIntervals, Model, with_conformal_intervals};

/// One validated model: a statsforecast class, its output alias, its parameters and its
/// conformal-interval settings (`prediction_intervals`, which every model accepts).
///
/// Parameters are held in statsforecast's positional order with every default filled in,
/// so `Naive()` and `Naive(alias='Naive')` are equal specs. Build one with
/// [`parse_model_specs`] (or `str::parse` for a single spec).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModelSpec {
    class_name: &'static str,
    alias: String,
    params: Vec<(&'static str, ParamValue)>,
    prediction_intervals: Option<ConformalIntervals>,
}

impl ModelSpec {
    /// statsforecast class name, e.g. `SeasonalNaive`.
    pub fn class_name(&self) -> &str {
        self.class_name
    }

    /// Output name of the model (statsforecast's `alias`), e.g. `SeasonalNaive` or `RWD`.
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// Parameters other than `alias` and `prediction_intervals`, in statsforecast's
    /// positional order, defaults included.
    pub fn params(&self) -> &[(&'static str, ParamValue)] {
        &self.params
    }

    /// The conformal-interval settings (`prediction_intervals=ConformalIntervals(...)`), if
    /// given.
    pub fn prediction_intervals(&self) -> Option<&ConformalIntervals> {
        self.prediction_intervals.as_ref()
    }

    /// This spec with other conformal-interval settings (`None` removes them); the SQL layer
    /// gives specs without their own a call-level default this way.
    pub fn with_prediction_intervals(mut self, settings: Option<ConformalIntervals>) -> Self {
        self.prediction_intervals = settings;
        self
    }

    /// This spec under another alias (`fit_models` stores a fallback model under the alias
    /// of the model it stands in for).
    pub fn with_alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = alias.into();
        self
    }

    /// The value of parameter `name` (not `alias`), if the model has such a parameter.
    pub fn param(&self, name: &str) -> Option<&ParamValue> {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// A validated positive integer parameter, as `usize`.
    pub(crate) fn usize_param(&self, name: &str) -> Result<usize, SpecError> {
        match self.param(name) {
            Some(ParamValue::Int(v)) => usize::try_from(*v)
                .map_err(|_| SpecError::new(format!("{}: {name} is too large", self.class_name))),
            _ => Err(self.missing(name)),
        }
    }

    /// A validated float parameter.
    pub(crate) fn f64_param(&self, name: &str) -> Result<f64, SpecError> {
        match self.param(name) {
            Some(ParamValue::Float(v)) => Ok(*v),
            _ => Err(self.missing(name)),
        }
    }

    /// A validated string parameter.
    pub(crate) fn str_param(&self, name: &str) -> Result<&str, SpecError> {
        match self.param(name) {
            Some(ParamValue::Str(v)) => Ok(v),
            _ => Err(self.missing(name)),
        }
    }

    /// A validated `True` / `False` / `None` parameter.
    pub(crate) fn optional_bool_param(&self, name: &str) -> Result<Option<bool>, SpecError> {
        match self.param(name) {
            Some(ParamValue::Bool(v)) => Ok(Some(*v)),
            Some(ParamValue::None) => Ok(None),
            _ => Err(self.missing(name)),
        }
    }

    /// A validated float-or-`None` parameter.
    pub(crate) fn optional_f64_param(&self, name: &str) -> Result<Option<f64>, SpecError> {
        match self.param(name) {
            Some(ParamValue::Float(v)) => Ok(Some(*v)),
            Some(ParamValue::None) => Ok(None),
            _ => Err(self.missing(name)),
        }
    }

    /// Only reachable if a catalog constructor disagrees with its parameter table.
    fn missing(&self, name: &str) -> SpecError {
        SpecError::new(format!(
            "{}: internal error: parameter {name} has an unexpected type",
            self.class_name
        ))
    }
}

/// The canonical form, e.g. `SeasonalNaive(season_length=12, alias='SeasonalNaive')`, with
/// `prediction_intervals=ConformalIntervals(...)` last when set.
impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.class_name)?;
        for (name, value) in &self.params {
            write!(f, "{name}={value}, ")?;
        }
        f.write_str("alias=")?;
        value::write_quoted(f, &self.alias)?;
        if let Some(settings) = &self.prediction_intervals {
            write!(f, ", prediction_intervals={settings}")?;
        }
        f.write_str(")")
    }
}

/// Parses exactly one spec (the canonical form or anything `parse_model_specs` accepts).
impl FromStr for ModelSpec {
    type Err = SpecError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut specs = parse_model_specs(text)?;
        match specs.len() {
            1 => Ok(specs.remove(0)),
            n => Err(SpecError::new(format!("expected one model, found {n}"))),
        }
    }
}

/// Parses and validates a comma-separated list of statsforecast constructor calls, e.g.
/// `"Naive(), SeasonalNaive(season_length=7, alias='SN')"`.
///
/// Syntax: `Name(param=value, ...)` (a bare `Name` may omit the parentheses; positional
/// values follow statsforecast's parameter order); values are integers, floats, quoted
/// strings, bare words (strings), tuples, lists, `True`, `False` and `None`. Every model
/// also takes `prediction_intervals=ConformalIntervals(n_windows=2, h=1,
/// method='conformal_distribution')` (or `None`), positionally right after `alias` as in
/// statsforecast. Every spec is checked against the registry: unknown models or parameters,
/// ill-typed or out-of-range values, missing required parameters and duplicate aliases
/// across the list are errors whose message says what is allowed.
pub fn parse_model_specs(text: &str) -> Result<Vec<ModelSpec>, SpecError> {
    let calls = parse::parse_calls(text)?;
    registry::resolve_all(&calls)
}

/// Builds the model a spec describes, with its conformal intervals when it has
/// `prediction_intervals` (see [`with_conformal_intervals`]).
pub fn build_model(spec: &ModelSpec) -> Result<Arc<dyn Model>, SpecError> {
    let entry = registry::find(spec.class_name)
        .ok_or_else(|| SpecError::new(format!("unknown model '{}'", spec.class_name)))?;
    let model = (entry.build)(spec)?;
    Ok(match spec.prediction_intervals {
        Some(settings) => with_conformal_intervals(model, settings),
        None => model,
    })
}

/// Class names of every registered model, as statsforecast spells them.
pub fn registered_models() -> Vec<&'static str> {
    registry::class_names()
}

#[cfg(test)]
mod tests;
