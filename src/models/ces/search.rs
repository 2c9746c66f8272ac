//! Choosing the CES form (statsforecast's `auto_ces` with its defaults: `ic='aicc'`,
//! `nmse=3`, normal errors): the forms the data allows, the `tiny datasets` threshold,
//! selection by AICc. `forward` runs the same routine with the fitted form and parameters.

use super::fit::{CesModel, fit_form};
use super::recursion::{SeasonType, Smoothing};

/// Why no model came out of the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SearchError {
    /// Too few observations: statsforecast's `tiny datasets`, or no form has degrees of
    /// freedom left for its variance (statsforecast then fails with `no model able to be
    /// fitted`, or, when the form it selects has fewer than none, with a scipy domain
    /// error on the intervals). At least `needed` observations are required.
    TooShort { needed: usize },
    /// statsforecast's `no model able to be fitted`: every form's AICc is NaN or infinite
    /// (e.g. a seasonal form fits the data exactly).
    NoModel,
}

/// Every parameter estimated.
pub(crate) const FREE: Smoothing = Smoothing {
    alpha_0: f64::NAN,
    alpha_1: f64::NAN,
    beta_0: f64::NAN,
    beta_1: f64::NAN,
};

/// Fits the form `choice` names (`None`: statsforecast's `Z`, every form) to `y` and keeps
/// the one with the lowest AICc. Seasonal forms need `season_length > 1` and two full
/// seasons; otherwise only `N` is fitted. `given` fixes parameters (NaN = estimate).
pub(crate) fn search(
    y: &[f64],
    season_length: usize,
    choice: Option<SeasonType>,
    given: Smoothing,
) -> Result<CesModel, SearchError> {
    let n = y.len();
    let seasonal_data = season_length > 1 && n >= 2 * season_length;
    let candidates: Vec<SeasonType> = match choice {
        _ if !seasonal_data => vec![SeasonType::None],
        Some(season) => vec![season],
        None => vec![
            SeasonType::None,
            SeasonType::Simple,
            SeasonType::Partial,
            SeasonType::Full,
        ],
    };
    // statsforecast counts the parameters of the search as those of its largest form.
    let n_smoothing = match (seasonal_data, choice) {
        (false, _) | (true, Some(SeasonType::None | SeasonType::Simple)) => 2,
        (true, Some(SeasonType::Partial)) => 3,
        (true, Some(SeasonType::Full) | None) => 4,
    };
    if n <= n_smoothing {
        return Err(SearchError::TooShort {
            needed: n_smoothing + 1,
        });
    }

    let y_reversed: Vec<f64> = y.iter().rev().copied().collect();
    let mut best: Option<CesModel> = None;
    let mut best_aicc = f64::INFINITY;
    for &season in &candidates {
        let model = fit_form(y, &y_reversed, season_length, season, given);
        if model.aicc < best_aicc {
            best_aicc = model.aicc;
            best = Some(model);
        }
    }
    let fewest_params = candidates
        .iter()
        .map(|s| s.components() + 1)
        .min()
        .unwrap_or(3);
    match best {
        Some(model) if best_aicc.is_finite() => {
            if n < model.n_params + 1 {
                Err(SearchError::TooShort {
                    needed: model.n_params + 2,
                })
            } else {
                Ok(model)
            }
        }
        _ if n <= fewest_params + 1 => Err(SearchError::TooShort {
            needed: fewest_params + 2,
        }),
        _ => Err(SearchError::NoModel),
    }
}
