//! statsforecast's `CrostonClassic`, `CrostonOptimized` and `CrostonSBA`.

use super::kernels::{
    demand, expand_demand, expand_intervals, golden_alpha, intervals, optimized_ses_last,
    optimized_ses_last_pair, ses_last,
};
use super::{Method, intermittent_model};
use crate::models::ses::ses_forecast;

/// The smoothing constant of the classic Croston method (demand sizes and intervals).
pub(super) const CLASSIC_ALPHA: f64 = 0.1;

/// The Syntetos-Boylan debiasing factor of `CrostonSBA`.
pub(super) const SBA_FACTOR: f64 = 0.95;

/// statsforecast `CrostonClassic()` (default alias `CrostonClassic`, no parameters).
///
/// Demand sizes (the positive values) and inter-demand intervals (between non-zero values)
/// are each smoothed by SES with `alpha = 0.1`; the forecast is smoothed size / smoothed
/// interval. A series without any positive value forecasts its last value (statsforecast
/// falls back to `Naive`, fitted values included). Fitted values: the ratio known before
/// each observation (the first is NaN).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CrostonClassic;

intermittent_model!(CrostonClassic, |_| Method::CrostonClassic);

/// statsforecast `CrostonOptimized()` (default alias `CrostonOptimized`, no parameters).
///
/// As [`CrostonClassic`] with each smoothing constant chosen by golden-section search over
/// `[0.1, 0.3]` (minimising the in-sample squared one-step errors of the sizes, resp. the
/// intervals). Fitted values refit the search on every prefix of the sizes and intervals
/// (quadratic cost; statsforecast warns "Computing fitted values for CrostonOptimized is
/// very expensive"), an interval forecast of 0 counting as 1.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CrostonOptimized;

intermittent_model!(CrostonOptimized, |_| Method::CrostonOptimized);

/// statsforecast `CrostonSBA()` (default alias `CrostonSBA`, no parameters).
///
/// [`CrostonClassic`] multiplied by 0.95, forecasts and fitted values alike (also in the
/// `Naive` fallback of a series without positive values).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CrostonSba;

intermittent_model!(CrostonSba, |_| Method::CrostonSba);

/// `Naive`'s forecast, the fallback for a series without demand.
fn naive_point(y: &[f64]) -> f64 {
    y.last().copied().unwrap_or(f64::NAN)
}

/// `Naive`'s fitted values: NaN, then the previous observation.
fn naive_in_sample(y: &[f64]) -> Vec<f64> {
    let mut fitted = Vec::with_capacity(y.len());
    if !y.is_empty() {
        fitted.push(f64::NAN);
        fitted.extend_from_slice(&y[..y.len() - 1]);
    }
    fitted
}

/// Smoothed size over smoothed interval; the size alone when the interval is 0.
fn ratio(size: f64, interval: f64) -> f64 {
    if interval != 0.0 {
        size / interval
    } else {
        size
    }
}

/// Whether `y` has a positive value (otherwise the Croston models fall back to `Naive`).
pub(super) fn has_demand(y: &[f64]) -> bool {
    demand(y).next().is_some()
}

/// `_croston_classic(...)["mean"][0]`.
pub(super) fn classic_point(y: &[f64]) -> f64 {
    if !has_demand(y) {
        return naive_point(y);
    }
    ratio(
        ses_last(demand(y), CLASSIC_ALPHA),
        ses_last(intervals(y), CLASSIC_ALPHA),
    )
}

/// `_croston_classic(...)["fitted"]`.
pub(super) fn classic_in_sample(y: &[f64]) -> Vec<f64> {
    if !has_demand(y) {
        return naive_in_sample(y);
    }
    let smoothed = |values: Vec<f64>| {
        let (last, mut fitted) = ses_forecast(&values, CLASSIC_ALPHA);
        fitted.push(last);
        fitted
    };
    let sizes = smoothed(demand(y).collect());
    let gaps = smoothed(intervals(y).collect());
    divide(expand_demand(&sizes, y), &expand_intervals(&gaps, y))
}

/// `_croston_optimized(...)["mean"][0]`.
pub(super) fn optimized_point(y: &[f64]) -> f64 {
    if !has_demand(y) {
        return naive_point(y);
    }
    let sizes: Vec<f64> = demand(y).collect();
    let gaps: Vec<f64> = intervals(y).collect();
    let (size, gap) = optimized_ses_last_pair(&sizes, &gaps);
    ratio(size, gap)
}

/// The smoothing constants `CrostonOptimized`'s forecast chose for the demand sizes and the
/// intervals; `None` without demand.
pub(super) fn optimized_alphas(y: &[f64]) -> Option<(f64, f64)> {
    if !has_demand(y) {
        return None;
    }
    let sizes: Vec<f64> = demand(y).collect();
    let gaps: Vec<f64> = intervals(y).collect();
    Some((golden_alpha(&sizes), golden_alpha(&gaps)))
}

/// `_croston_optimized(...)["fitted"]`: the optimised forecast of every prefix.
pub(super) fn optimized_in_sample(y: &[f64]) -> Vec<f64> {
    if !has_demand(y) {
        return naive_in_sample(y);
    }
    let prefix_forecasts = |values: Vec<f64>, zero_as_one: bool| {
        let mut out = Vec::with_capacity(values.len() + 1);
        out.push(f64::NAN);
        out.extend((1..=values.len()).map(|end| {
            let forecast = optimized_ses_last(&values[..end]);
            if zero_as_one && forecast == 0.0 {
                1.0
            } else {
                forecast
            }
        }));
        out
    };
    let sizes = prefix_forecasts(demand(y).collect(), false);
    let gaps = prefix_forecasts(intervals(y).collect(), true);
    divide(expand_demand(&sizes, y), &expand_intervals(&gaps, y))
}

fn divide(mut numerators: Vec<f64>, denominators: &[f64]) -> Vec<f64> {
    for (n, d) in numerators.iter_mut().zip(denominators) {
        *n /= d;
    }
    numerators
}
