//! Validated parameter values of a model spec and their canonical text form.

use std::fmt;
use std::hash::{Hash, Hasher};

use super::ModelSpec;

/// A parameter value of a [`ModelSpec`](super::ModelSpec), already checked against the
/// model's parameter descriptor and converted to its declared type (an integer written for a
/// float parameter is stored as a float).
///
/// Equality and hashing compare floats by their bits, so specs can be used as map keys; specs
/// never hold NaN (non-finite numbers are rejected while parsing).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ParamValue {
    /// An integer, e.g. `season_length=12`.
    Int(i64),
    /// A finite float, e.g. `alpha=0.3`.
    Float(f64),
    /// A string, e.g. `alias='Naive'` or the bare word `ZZZ`.
    Str(String),
    /// `True` or `False`.
    Bool(bool),
    /// Python's `None`.
    None,
    /// A tuple, e.g. `order=(0, 1, 1)`.
    Tuple(Vec<ParamValue>),
    /// A list, e.g. `season_length=[24, 168]`.
    List(Vec<ParamValue>),
    /// A dict with string keys, e.g. `stl_kwargs={'robust': True}`.
    Dict(Vec<(String, ParamValue)>),
    /// A nested model, e.g. `trend_forecaster=AutoARIMA()`.
    Model(Box<ModelSpec>),
}

impl PartialEq for ParamValue {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Int(a), Self::Int(b)) => a == b,
            (Self::Float(a), Self::Float(b)) => a.to_bits() == b.to_bits(),
            (Self::Str(a), Self::Str(b)) => a == b,
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::None, Self::None) => true,
            (Self::Tuple(a), Self::Tuple(b)) | (Self::List(a), Self::List(b)) => a == b,
            (Self::Dict(a), Self::Dict(b)) => a == b,
            (Self::Model(a), Self::Model(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for ParamValue {}

impl Hash for ParamValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Self::Int(v) => v.hash(state),
            Self::Float(v) => v.to_bits().hash(state),
            Self::Str(v) => v.hash(state),
            Self::Bool(v) => v.hash(state),
            Self::None => {}
            Self::Tuple(v) | Self::List(v) => v.hash(state),
            Self::Dict(v) => v.hash(state),
            Self::Model(v) => v.hash(state),
        }
    }
}

/// The canonical (Python) literal, which the spec parser reads back to an equal value.
impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(v) => write!(f, "{v}"),
            // `{:?}` is the shortest text that reads back to the same f64, and keeps a `.0`.
            Self::Float(v) => write!(f, "{v:?}"),
            Self::Str(v) => write_quoted(f, v),
            Self::Bool(true) => f.write_str("True"),
            Self::Bool(false) => f.write_str("False"),
            Self::None => f.write_str("None"),
            Self::Tuple(items) => {
                f.write_str("(")?;
                write_items(f, items)?;
                // A one-element tuple needs its trailing comma, as in Python.
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Self::List(items) => {
                f.write_str("[")?;
                write_items(f, items)?;
                f.write_str("]")
            }
            Self::Dict(entries) => {
                f.write_str("{")?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_quoted(f, key)?;
                    write!(f, ": {value}")?;
                }
                f.write_str("}")
            }
            Self::Model(spec) => write!(f, "{spec}"),
        }
    }
}

fn write_items(f: &mut fmt::Formatter<'_>, items: &[ParamValue]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Writes `text` single-quoted, escaping backslashes and single quotes.
pub(crate) fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("'")?;
    for c in text.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\'' => f.write_str("\\'")?,
            _ => write!(f, "{c}")?,
        }
    }
    f.write_str("'")
}

#[cfg(test)]
mod tests {
    use super::ParamValue;

    #[test]
    fn canonical_text() {
        assert_eq!(ParamValue::Int(-3).to_string(), "-3");
        assert_eq!(ParamValue::Float(1.0).to_string(), "1.0");
        assert_eq!(ParamValue::Float(1e-7).to_string(), "1e-7");
        assert_eq!(ParamValue::Str("it's".into()).to_string(), r"'it\'s'");
        assert_eq!(ParamValue::Bool(true).to_string(), "True");
        assert_eq!(ParamValue::None.to_string(), "None");
        let one = ParamValue::Tuple(vec![ParamValue::Int(1)]);
        assert_eq!(one.to_string(), "(1,)");
        let list = ParamValue::List(vec![ParamValue::Int(24), ParamValue::Int(168)]);
        assert_eq!(list.to_string(), "[24, 168]");
        let dict = ParamValue::Dict(vec![
            ("robust".into(), ParamValue::Bool(true)),
            ("trend".into(), ParamValue::Int(23)),
        ]);
        assert_eq!(dict.to_string(), "{'robust': True, 'trend': 23}");
    }

    #[test]
    fn float_equality_is_bitwise() {
        assert_eq!(ParamValue::Float(0.3), ParamValue::Float(0.3));
        assert_ne!(ParamValue::Float(0.0), ParamValue::Float(-0.0));
        assert_ne!(ParamValue::Float(1.0), ParamValue::Int(1));
    }
}
