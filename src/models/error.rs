//! Why a model could not produce a forecast for one series.

use std::fmt;

/// A model refused a series, or was asked for something it does not offer.
///
/// The SQL layer reports these per series; they never abort the process. Where statsforecast
/// itself raises for a series we return one of these instead of an imitation of its crash.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelError {
    /// The series has no observations.
    EmptySeries,
    /// The series is shorter than the model needs for the requested output.
    NotEnoughData {
        /// statsforecast class name of the model.
        model: &'static str,
        /// Minimum number of observations.
        needed: usize,
        /// Number of observations given.
        got: usize,
    },
    /// The model does not implement this operation (e.g. `forward`).
    Unsupported(String),
    /// The model could not be fitted to this series; the message says why (statsforecast
    /// raises an exception in the same situation).
    Failed(String),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptySeries => f.write_str("the series has no observations"),
            Self::NotEnoughData { model, needed, got } => write!(
                f,
                "{model} needs at least {needed} observations, the series has {got}"
            ),
            Self::Unsupported(what) => write!(f, "{what} is not supported by this model"),
            Self::Failed(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for ModelError {}

/// Rejects empty series, which no model can fit (statsforecast fails on them too).
pub(crate) fn ensure_not_empty(y: &[f64]) -> Result<(), ModelError> {
    if y.is_empty() {
        Err(ModelError::EmptySeries)
    } else {
        Ok(())
    }
}

/// Refuses empty series and series with NaN or infinite values, naming the model.
pub(crate) fn ensure_finite_series(model: &str, y: &[f64]) -> Result<(), ModelError> {
    ensure_not_empty(y)?;
    if y.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::Failed(format!(
            "{model}: the series has missing or infinite values"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ModelError;

    #[test]
    fn messages() {
        assert_eq!(
            ModelError::EmptySeries.to_string(),
            "the series has no observations"
        );
        let short = ModelError::NotEnoughData {
            model: "SeasonalExponentialSmoothing",
            needed: 12,
            got: 5,
        };
        assert_eq!(
            short.to_string(),
            "SeasonalExponentialSmoothing needs at least 12 observations, the series has 5"
        );
        assert_eq!(
            ModelError::Unsupported("forward".into()).to_string(),
            "forward is not supported by this model"
        );
    }
}
