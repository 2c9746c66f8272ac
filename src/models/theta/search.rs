//! Choosing the Theta model (statsforecast's `auto_theta`): the seasonal adjustment, the
//! "tiny datasets" threshold, and selection of the candidate with the smallest objective.

use super::ModelType;
use super::fit::{FixedParams, ThetaFit, fit_theta};
use super::seasonal::{DecompositionType, deseasonalise, is_seasonal};

/// Fewer observations than this are refused (statsforecast: `n <= 3`, "tiny datasets").
pub(crate) const MIN_OBSERVATIONS: usize = 4;

/// What the search is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SearchSpec {
    /// Season length (`season_length`).
    pub(crate) m: usize,
    /// The one model to fit, or `None` to choose among all four.
    pub(crate) model: Option<ModelType>,
    /// The decomposition asked for (statsforecast may fall back to the additive one).
    pub(crate) decomposition: DecompositionType,
    /// Parameters not to estimate (`forward`).
    pub(crate) fixed: FixedParams,
}

/// The seasonal part of a fit: the decomposition used and the last season of indices,
/// which the forecasts repeat.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Season {
    pub(crate) kind: DecompositionType,
    pub(crate) indices: Vec<f64>,
}

/// The selected model with its seasonal adjustment. Its `residuals` are statsforecast's:
/// those of the adjusted series with the seasonal component multiplied (or added) back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Selected {
    pub(crate) fit: ThetaFit,
    pub(crate) season: Option<Season>,
}

/// Why no model came out of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchError {
    /// Fewer than [`MIN_OBSERVATIONS`] values.
    TooShort,
    /// Every candidate's in-sample pass failed ("no model able to be fitted").
    NoModel,
}

/// statsforecast's `auto_theta` with `nmse=3` and the normal distribution, on finite `y`.
pub(crate) fn search(y: &[f64], spec: &SearchSpec) -> Result<Selected, SearchError> {
    let m = spec.m;
    let adjusted = is_seasonal(y, m).then(|| deseasonalise(y, m, spec.decomposition));
    let series = adjusted.as_ref().map_or(y, |a| a.y.as_slice());
    if series.len() < MIN_OBSERVATIONS {
        return Err(SearchError::TooShort);
    }
    let candidates: &[ModelType] = match &spec.model {
        Some(model) => std::slice::from_ref(model),
        None => &ModelType::ALL,
    };
    let mut best: Option<ThetaFit> = None;
    for &model in candidates {
        let fit = fit_theta(series, model, &spec.fixed);
        // Strictly smaller wins, so ties keep the earlier model; NaN never wins.
        let best_mse = best.as_ref().map_or(f64::INFINITY, |b| b.mse);
        if fit.mse < best_mse {
            best = Some(fit);
        }
    }
    let mut fit = best.ok_or(SearchError::NoModel)?;
    let season = adjusted.map(|a| {
        for (e, &s) in fit.residuals.iter_mut().zip(&a.seasonal) {
            *e = a.kind.apply(*e, s);
        }
        Season {
            kind: a.kind,
            indices: a.seasonal[a.seasonal.len() - m..].to_vec(),
        }
    });
    Ok(Selected { fit, season })
}
