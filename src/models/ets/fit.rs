//! Fitting one ETS form (statsforecast's `etsmodel`): starting values, Nelder–Mead over the
//! smoothing parameters and initial states, then a final pass for residuals, likelihood and
//! information criteria.

use super::components::{Component, Form};
use super::init::{InitError, LOWER, Params, initial_params, initial_states};
use super::params::check_params;
use super::recursion::{NA, Pass, Shape, Smoothing, Workspace, full_pass, likelihood};
use crate::models::optim::{NelderMeadOptions, eigen_sum, nelder_mead};
use crate::models::reductions::pairwise_sum;

/// statsforecast's `nmse`: horizons of the mean squared errors kept by the final pass.
pub(crate) const NMSE: usize = 3;
/// Nelder–Mead settings of statsforecast's ETS optimiser.
const TOL_STD: f64 = 1e-4;
const MAX_ITER: usize = 1_000;

/// A fitted ETS form: statsforecast's model dict, minus what we never read.
#[derive(Debug, Clone)]
pub(crate) struct EtsModel {
    pub(crate) form: Form,
    /// Season length used (1 without a season).
    pub(crate) m: usize,
    /// `alpha, beta, gamma, phi` as statsforecast reports them (NaN where absent).
    pub(crate) par: Params,
    /// Initial state row `[l, b?, s_1..s_m]`.
    pub(crate) init_state: Vec<f64>,
    /// State after the last observation.
    pub(crate) last_state: Vec<f64>,
    /// In-sample one-step forecasts.
    pub(crate) fitted: Vec<f64>,
    pub(crate) loglik: f64,
    pub(crate) aic: f64,
    pub(crate) aicc: f64,
    pub(crate) bic: f64,
    pub(crate) sigma2: f64,
    pub(crate) mse: f64,
    /// Number of parameters as statsforecast counts them (smoothing parameters, initial
    /// states and the error variance).
    pub(crate) n_params: usize,
}

impl EtsModel {
    pub(crate) fn shape(&self) -> Shape {
        Shape {
            error: self.form.error,
            trend: self.form.trend,
            season: self.form.season,
            m: self.m,
        }
    }

    /// The `phi` the recursion runs with (1 when not damped).
    pub(crate) fn run_phi(&self) -> f64 {
        if self.form.damped { self.par.phi } else { 1.0 }
    }
}

/// Why one form could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FormError {
    /// statsforecast's `Parameters out of range` (the starting values fail `check_param`).
    ParamsOutOfRange,
    /// `initstate` refused the data.
    Init(InitError),
    /// Not enough observations for the number of parameters (statsforecast returns a dict
    /// with infinite criteria and no fit). Holds the number of parameters.
    TooManyParams(usize),
}

/// Smoothing parameters for the recursion from reported ones.
pub(crate) fn run_smoothing(form: &Form, par: &Params) -> Smoothing {
    Smoothing {
        alpha: par.alpha,
        beta: if form.trend.is_present() {
            par.beta
        } else {
            0.0
        },
        gamma: if form.season.is_present() {
            par.gamma
        } else {
            0.0
        },
        phi: if form.damped { par.phi } else { 1.0 },
    }
}

/// The last seasonal state implied by the others, as the compiled objective computes it:
/// Eigen's vectorised sum over a segment that starts `offset` doubles into a 16-byte aligned
/// buffer (so one unaligned leading element when `offset` is odd).
fn implied_season_eigen(states: &[f64], offset: usize, m: usize, multiplicative: bool) -> f64 {
    let sum = eigen_sum(&states[offset..], offset % 2);
    (if multiplicative { m as f64 } else { 0.0 }) - sum
}

/// The objective statsforecast's optimiser minimises, with its buffers.
struct Objective<'a> {
    y: &'a [f64],
    shape: Shape,
    /// Fixed values, replaced by the optimised ones flagged in `free`.
    fixed: Smoothing,
    free: [bool; 4],
    n_state: usize,
    state: Vec<f64>,
    work: Workspace,
}

impl Objective<'_> {
    fn value(&mut self, params: &[f64]) -> f64 {
        let mut sm = self.fixed;
        let mut j = 0;
        for (k, slot) in [&mut sm.alpha, &mut sm.beta, &mut sm.gamma, &mut sm.phi]
            .into_iter()
            .enumerate()
        {
            if self.free[k] {
                *slot = params[j];
                j += 1;
            }
        }
        let states = &params[params.len() - self.n_state..];
        self.state.clear();
        self.state.extend_from_slice(states);
        if self.shape.season.is_present() {
            let offset = 1 + usize::from(self.shape.trend.is_present());
            let multiplicative = self.shape.season == Component::Multiplicative;
            let last = implied_season_eigen(states, offset, self.shape.m, multiplicative);
            self.state.push(last);
            if multiplicative && self.state[offset..].iter().any(|s| *s < 0.0) {
                return f64::INFINITY;
            }
        }
        let lik = likelihood(self.y, &self.state, &self.shape, &sm, &mut self.work);
        // std::max(lik, -1e10) keeps NaN.
        let lik = if lik < -1e10 { -1e10 } else { lik };
        if lik.is_nan() || (lik - NA).abs() < 1e-7 {
            f64::NEG_INFINITY
        } else {
            lik
        }
    }
}

/// Fits `form` to `y` (statsforecast's `etsmodel` with `opt_crit='lik'`, `bounds='both'`,
/// normal errors). `given` holds fixed parameters (NaN = estimate); `upper` is the search's
/// shared upper-bound array (see [`initial_params`]).
pub(crate) fn fit_form(
    y: &[f64],
    m: usize,
    form: Form,
    given: Params,
    upper: &mut [f64; 4],
) -> Result<EtsModel, FormError> {
    let m = if form.season.is_present() { m } else { 1 };
    let start = initial_params(given, form.trend, form.season, form.damped, upper, m);
    if !check_params(&start, upper, m) {
        return Err(FormError::ParamsOutOfRange);
    }
    let init = initial_states(y, m, form.trend, form.season).map_err(FormError::Init)?;
    let n_state = init.len();

    // The parameter vector: every non-NaN starting parameter, then the states.
    let start_values = start.as_array();
    let mut x0 = Vec::with_capacity(4 + n_state);
    let mut lower_b = Vec::with_capacity(4 + n_state);
    let mut upper_b = Vec::with_capacity(4 + n_state);
    for (i, v) in start_values.iter().enumerate() {
        if !v.is_nan() {
            x0.push(*v);
            lower_b.push(LOWER[i]);
            upper_b.push(upper[i]);
        }
    }
    let n_smoothing = x0.len();
    x0.extend_from_slice(&init);
    lower_b.resize(x0.len(), f64::NEG_INFINITY);
    upper_b.resize(x0.len(), f64::INFINITY);
    let n_par = x0.len();
    if n_par + 1 >= y.len() {
        return Err(FormError::TooManyParams(n_par));
    }

    let present = [
        true,
        form.trend.is_present(),
        form.season.is_present(),
        form.damped,
    ];
    let given_values = given.as_array();
    let mut free = [false; 4];
    for k in 0..4 {
        free[k] = present[k] && !start_values[k].is_nan() && given_values[k].is_nan();
    }
    let shape = Shape {
        error: form.error,
        trend: form.trend,
        season: form.season,
        m,
    };
    let mut objective = Objective {
        y,
        shape,
        fixed: run_smoothing(&form, &start),
        free,
        n_state,
        state: Vec::with_capacity(n_state + 1),
        work: Workspace::default(),
    };
    let options = NelderMeadOptions::statsforecast(TOL_STD, MAX_ITER);
    let best = nelder_mead(|p| objective.value(p), &x0, &lower_b, &upper_b, &options).x;

    // Read the parameters back as statsforecast does (positionally: alpha, then beta if
    // there is a trend, gamma if there is a season, phi if damped).
    let mut par = start;
    let mut j = 0;
    if !best[j].is_nan() {
        par.alpha = best[j];
        j += 1;
    }
    if form.trend.is_present() {
        if !best[j].is_nan() {
            par.beta = best[j];
        }
        j += 1;
    }
    if form.season.is_present() {
        if !best[j].is_nan() {
            par.gamma = best[j];
        }
        j += 1;
    }
    if form.damped && j < n_smoothing && !best[j].is_nan() {
        par.phi = best[j];
    }

    let mut init_state = best[n_par - n_state..].to_vec();
    if form.season.is_present() {
        let offset = 1 + usize::from(form.trend.is_present());
        let base = if form.season == Component::Multiplicative {
            m as f64
        } else {
            0.0
        };
        init_state.push(base - pairwise_sum(&init_state[offset..n_state]));
    }
    let pass = full_pass(y, &init_state, &shape, &run_smoothing(&form, &par), NMSE);
    Ok(summarise(y, form, m, par, init_state, &pass, n_par + 1))
}

/// Criteria, variance and fitted values of a pass (the tail of `etsmodel`).
pub(crate) fn summarise(
    y: &[f64],
    form: Form,
    m: usize,
    par: Params,
    init_state: Vec<f64>,
    pass: &Pass,
    n_params: usize,
) -> EtsModel {
    let n = y.len();
    let k = n_params as f64;
    let lik = pass.lik;
    let aic = lik + 2.0 * k;
    let bic = lik + (n as f64).ln() * k;
    let dof = n as f64 - k - 1.0;
    let aicc = if dof != 0.0 {
        aic + (2 * n_params * (n_params + 1)) as f64 / dof
    } else {
        f64::INFINITY
    };
    let squares: Vec<f64> = pass.residuals.iter().map(|e| e * e).collect();
    let sigma2 = pairwise_sum(&squares) / dof;
    let fitted = fitted_values(y, &pass.residuals, form.error);
    EtsModel {
        form,
        m,
        par,
        init_state,
        last_state: pass.last_state.clone(),
        fitted,
        loglik: -0.5 * lik,
        aic,
        aicc,
        bic,
        sigma2,
        mse: pass.amse.first().copied().unwrap_or(f64::NAN),
        n_params,
    }
}

/// `y - e` for additive errors, `y / (1 + e)` for multiplicative ones.
pub(crate) fn fitted_values(y: &[f64], residuals: &[f64], error: Component) -> Vec<f64> {
    y.iter()
        .zip(residuals)
        .map(|(v, e)| {
            if error == Component::Additive {
                v - e
            } else {
                v / (1.0 + e)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{FormError, fit_form, implied_season_eigen};
    use crate::models::ets::components::{Component::*, Form};
    use crate::models::ets::init::{Params, UPPER};

    const FREE: Params = Params {
        alpha: f64::NAN,
        beta: f64::NAN,
        gamma: f64::NAN,
        phi: f64::NAN,
    };

    #[test]
    fn fits_a_noisy_line() {
        let y: Vec<f64> = (0..40)
            .map(|t| 10.0 + 0.5 * t as f64 + ((t * 37) % 11) as f64 * 0.3)
            .collect();
        let form = Form {
            error: Additive,
            trend: Additive,
            season: None,
            damped: false,
        };
        let mut upper = UPPER;
        let fit = fit_form(&y, 1, form, FREE, &mut upper).unwrap();
        assert_eq!(fit.n_params, 5);
        assert!(fit.par.alpha > 0.0 && fit.par.alpha < 1.0);
        assert!(fit.par.beta <= fit.par.alpha);
        assert!(fit.par.gamma.is_nan() && fit.par.phi.is_nan());
        assert!(fit.aicc > fit.aic && fit.aic.is_finite());
        assert!(
            (fit.last_state[1] - 0.5).abs() < 0.2,
            "{:?}",
            fit.last_state
        );
        assert_eq!(fit.fitted.len(), 40);
    }

    #[test]
    fn too_many_parameters() {
        let y = [1.0, 2.0, 4.0, 3.0, 5.0];
        let form = Form {
            error: Additive,
            trend: Additive,
            season: None,
            damped: true,
        };
        let mut upper = UPPER;
        assert_eq!(
            fit_form(&y, 1, form, FREE, &mut upper).unwrap_err(),
            FormError::TooManyParams(5)
        );
    }

    #[test]
    fn implied_season_sums() {
        // Offset 1 (no trend) is not 16-byte aligned: the packet [1e16, -1e16] is summed
        // first, then the unaligned head 1.0, then the tail 1.0 (a left-to-right sum gives 1).
        let states = [9.0, 1.0, 1e16, -1e16, 1.0];
        assert_eq!(implied_season_eigen(&states, 1, 4, false), -2.0);
        // Offset 2 (with a trend) is aligned: [1e16, 1.0] + [-1e16, 1.0] lane-wise.
        let states = [9.0, 0.5, 1e16, 1.0, -1e16, 1.0];
        assert_eq!(implied_season_eigen(&states, 2, 4, false), -2.0);
        assert_eq!(implied_season_eigen(&[5.0, 1.0, 2.0, 0.5], 1, 4, true), 0.5);
    }
}
