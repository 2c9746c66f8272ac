//! Choosing the ETS form (statsforecast's `ets_f`): the constant-series shortcut, the
//! "tiny datasets" threshold, the candidate forms a `model` string allows, and selection by
//! AICc. Also the refit-free re-evaluation behind `forward`.

use super::components::{Component, Form, ModelString, forbidden};
use super::fit::{EtsModel, FormError, NMSE, fit_form, run_smoothing, summarise};
use super::init::{InitError, Params, UPPER};
use super::recursion::full_pass;
use crate::models::reductions::is_constant;

/// What `AutoETS` asks of the search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SearchSpec {
    /// Season length (`season_length`).
    pub(crate) m: usize,
    pub(crate) model: ModelString,
    /// `None`: try damped and undamped trends.
    pub(crate) damped: Option<bool>,
    /// A fixed damping parameter (statsforecast's `phi`), NaN when estimated.
    pub(crate) phi: f64,
}

/// Why no model came out of the search. Texts follow statsforecast's exceptions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SearchError {
    /// `NotImplementedError: tiny datasets` (or a constant series too short for its one
    /// parameter): at least `needed` observations are required.
    TooShort { needed: usize },
    /// Any other refusal, with statsforecast's message.
    Refused(&'static str),
}

impl From<FormError> for SearchError {
    fn from(e: FormError) -> Self {
        match e {
            FormError::ParamsOutOfRange => Self::Refused("parameters out of range"),
            FormError::Init(InitError::TooShort) => Self::TooShort { needed: 4 },
            FormError::Init(InitError::NotPositive) => Self::Refused(
                "multiplicative seasonality is not appropriate for zero and negative values",
            ),
            FormError::TooManyParams(k) => Self::TooShort { needed: k + 2 },
        }
    }
}

fn free_params(phi: f64) -> Params {
    Params {
        alpha: f64::NAN,
        beta: f64::NAN,
        gamma: f64::NAN,
        phi,
    }
}

/// Fits the best ETS form for `y` as statsforecast's `ets_f` does with its defaults
/// (`opt_crit='lik'`, `ic='aicc'`, `bounds='both'`, `restrict=True`,
/// `allow_multiplicative_trend=False`, `nmse=3`).
pub(crate) fn search(y: &[f64], spec: &SearchSpec) -> Result<EtsModel, SearchError> {
    let n = y.len();
    let mut upper = UPPER;
    // A constant series: simple exponential smoothing with alpha fixed at 0.9999. Below
    // 4 observations no series can be fitted, and the general requirement is reported.
    if n >= 4 && is_constant(y) {
        let form = Form {
            error: Component::Additive,
            trend: Component::None,
            season: Component::None,
            damped: false,
        };
        let given = Params {
            alpha: 0.9999,
            ..free_params(spec.phi)
        };
        return Ok(fit_form(y, spec.m, form, given, &mut upper)?);
    }

    let error = spec.model.error.fixed();
    let trend = spec.model.trend.fixed();
    let mut season = spec.model.season.fixed();
    let m = spec.m;
    if m < 1 || n <= m {
        season = Some(Component::None);
    }
    if m == 1 {
        if season.is_some_and(Component::is_present) {
            return Err(SearchError::Refused("nonseasonal data"));
        }
        season = Some(Component::None);
    }
    use Component::{Additive as A, Multiplicative as M, None as N};
    if forbidden(error, trend, season) {
        return Err(SearchError::Refused("forbidden model combination"));
    }
    let data_positive = y.iter().copied().fold(f64::INFINITY, f64::min) > 0.0;
    if !data_positive && error == Some(M) {
        return Err(SearchError::Refused(
            "inappropriate model for data with negative or zero values",
        ));
    }

    let mut npars = 2;
    if matches!(trend, Some(A | M)) {
        npars += 2;
    }
    if matches!(season, Some(A | M)) {
        npars += 2;
    }
    if spec.damped == Some(true) {
        npars += 1;
    }
    if n <= npars + 4 {
        return Err(SearchError::TooShort { needed: npars + 5 });
    }

    let errors: &[Component] = match error {
        Some(e) => &[e][..],
        None => &[A, M],
    };
    let errors = errors.to_vec();
    let trends = trend.map_or(vec![N, A], |t| vec![t]);
    let seasons = season.map_or(vec![N, A, M], |s| vec![s]);
    let dampings = spec.damped.map_or(vec![true, false], |d| vec![d]);

    let mut best: Option<EtsModel> = None;
    let mut best_ic = f64::INFINITY;
    for &e in &errors {
        for &t in &trends {
            for &s in &seasons {
                for &d in &dampings {
                    if t == N && d {
                        continue;
                    }
                    if forbidden(Some(e), Some(t), Some(s)) {
                        continue;
                    }
                    if !data_positive && (e == M || s == M) {
                        continue;
                    }
                    if s != N && m == 1 {
                        continue;
                    }
                    let form = Form {
                        error: e,
                        trend: t,
                        season: s,
                        damped: d,
                    };
                    let fit = match fit_form(y, m, form, free_params(spec.phi), &mut upper) {
                        Ok(fit) => fit,
                        // statsforecast gets infinite criteria here: never selected.
                        Err(FormError::TooManyParams(_)) => continue,
                        Err(other) => return Err(other.into()),
                    };
                    if !fit.aicc.is_nan() && fit.aicc < best_ic {
                        best_ic = fit.aicc;
                        best = Some(fit);
                    }
                }
            }
        }
    }
    // statsforecast also gives up when the best AICc is -inf.
    match best {
        Some(model) if best_ic.is_finite() => Ok(model),
        _ => Err(SearchError::Refused("no model able to be fitted")),
    }
}

/// Re-runs a fitted model on a new series without re-estimating anything (statsforecast's
/// `forward`, i.e. `ets_f(y, model=fitted)`): same form, parameters and initial states,
/// new residuals, states, criteria and variance. A constant new series is refitted as
/// statsforecast does (its constant shortcut comes first).
pub(crate) fn reapply(
    y: &[f64],
    model: &EtsModel,
    spec: &SearchSpec,
) -> Result<EtsModel, SearchError> {
    if is_constant(y) {
        let spec = SearchSpec {
            m: model.m,
            ..*spec
        };
        return search(y, &spec);
    }
    let shape = model.shape();
    let pass = full_pass(
        y,
        &model.init_state,
        &shape,
        &run_smoothing(&model.form, &model.par),
        NMSE,
    );
    let mut fit = summarise(
        y,
        model.form,
        model.m,
        model.par,
        model.init_state.clone(),
        &pass,
        model.n_params,
    );
    // statsforecast's forward path skips infinite squared errors in sigma2 and keeps the
    // fitted values finite where the relative error is exactly -1.
    let dof = y.len() as f64 - model.n_params as f64 - 1.0;
    let squares: Vec<f64> = pass
        .residuals
        .iter()
        .map(|e| e * e)
        .filter(|s| !s.is_infinite())
        .collect();
    fit.sigma2 = crate::models::reductions::pairwise_sum(&squares) / dof;
    if model.form.error == Component::Multiplicative {
        for ((f, v), e) in fit.fitted.iter_mut().zip(y).zip(&pass.residuals) {
            if *e == -1.0 {
                *f = v / (1.0 + (-1.0 + 1e-3));
            }
        }
    }
    Ok(fit)
}

#[cfg(test)]
mod tests {
    use super::{SearchError, SearchSpec, search};
    use crate::models::ets::components::{Component, ModelString};

    fn spec(model: &str, m: usize, damped: Option<bool>) -> SearchSpec {
        SearchSpec {
            m,
            model: ModelString::parse(model).unwrap(),
            damped,
            phi: f64::NAN,
        }
    }

    fn seasonal(n: usize) -> Vec<f64> {
        (0..n)
            .map(|t| 100.0 + t as f64 + [8.0, -3.0, -9.0, 4.0][t % 4] + ((t * 37) % 7) as f64)
            .collect()
    }

    #[test]
    fn tiny_datasets() {
        let y = seasonal(6);
        assert_eq!(
            search(&y, &spec("ZZZ", 4, None)).unwrap_err(),
            SearchError::TooShort { needed: 7 }
        );
        assert!(search(&seasonal(7), &spec("ZZZ", 4, None)).is_ok());
        assert_eq!(
            search(&seasonal(8), &spec("AAN", 4, None)).unwrap_err(),
            SearchError::TooShort { needed: 9 }
        );
        assert_eq!(
            search(&seasonal(9), &spec("AAN", 4, Some(true))).unwrap_err(),
            SearchError::TooShort { needed: 10 }
        );
    }

    #[test]
    fn constant_series_shortcut() {
        let fit = search(&[5.0; 12], &spec("ZZZ", 4, None)).unwrap();
        assert_eq!(fit.form.components(), "ANNN");
        assert_eq!(fit.n_params, 3);
        assert!((fit.last_state[0] - 5.0).abs() < 1e-6);
        for n in 1..=3 {
            assert_eq!(
                search(&vec![5.0; n], &spec("ZZZ", 4, None)).unwrap_err(),
                SearchError::TooShort { needed: 7 },
                "n = {n}: the general requirement (constant series fit from 4)"
            );
        }
    }

    #[test]
    fn restrictions() {
        let mut y = seasonal(30);
        y[3] = -1.0;
        assert!(matches!(
            search(&y, &spec("MAM", 4, None)),
            Err(SearchError::Refused(_))
        ));
        // Automatic selection skips multiplicative candidates on non-positive data.
        let fit = search(&y, &spec("ZZZ", 4, None)).unwrap();
        assert_eq!(fit.form.error, Component::Additive);
        assert_ne!(fit.form.season, Component::Multiplicative);
        assert!(matches!(
            search(&seasonal(30), &spec("AAA", 1, None)),
            Err(SearchError::Refused("nonseasonal data"))
        ));
    }

    #[test]
    fn seasonal_search_finds_a_season() {
        let fit = search(&seasonal(40), &spec("ZZZ", 4, None)).unwrap();
        assert!(fit.form.season.is_present(), "{}", fit.form);
        assert!(fit.aicc.is_finite());
    }
}
