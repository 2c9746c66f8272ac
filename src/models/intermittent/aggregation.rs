//! statsforecast's temporal-aggregation models `ADIDA` and `IMAPA`.

use super::kernels::{
    all_zero, chunk_forecast, chunk_sums, golden_alpha, mean_interval, optimized_ses_last,
    optimized_ses_last_pair,
};
use super::{Method, intermittent_model};
use crate::models::reductions::{mean, pairwise_sum};

/// statsforecast `ADIDA()` (default alias `ADIDA`, no parameters).
///
/// Aggregate-disaggregate: the series is summed in consecutive buckets of `k` observations
/// (`k` = the mean inter-demand interval rounded half to even; the oldest `n % k` values are
/// dropped), the bucket sums are forecast by SES with the constant optimised over
/// `[0.1, 0.3]`, and the forecast is divided by `k`. An all-zero series forecasts 0.
/// Fitted value `i` repeats this on `y[..i]` with `k` from the demand seen so far (1 before
/// the first non-zero value); the first is NaN.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Adida;

intermittent_model!(Adida, |_| Method::Adida);

/// statsforecast `IMAPA()` (default alias `IMAPA`, no parameters).
///
/// The mean of ADIDA-style forecasts at every aggregation level `1..=K`, `K` = the mean
/// inter-demand interval rounded half to even (bucket sums in numpy's pairwise order). An
/// all-zero series forecasts 0. Fitted values come from statsforecast's compiled routine,
/// which differs in details the port keeps: `K` rounded half away from zero and capped at
/// the prefix length, bucket sums added left to right, 0 before the first non-zero value.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Imapa;

intermittent_model!(Imapa, |_| Method::Imapa);

/// An aggregation level from a (positive, finite) mean interval, at least 1.
fn level(rounded: f64) -> usize {
    // A mean interval lies in [1, n], so the cast is exact.
    (rounded as usize).max(1)
}

/// The aggregation level of ADIDA's forecast (the highest of IMAPA's): the mean
/// inter-demand interval rounded half to even; `None` for an all-zero series, forecast 0.
fn top_level(y: &[f64]) -> Option<usize> {
    let (_, mean_gap) = mean_interval(y).filter(|_| !all_zero(y))?;
    Some(level(mean_gap.round_ties_even()))
}

/// `_adida(...)["mean"][0]`.
pub(super) fn adida_point(y: &[f64]) -> f64 {
    let Some(k) = top_level(y) else {
        return 0.0;
    };
    chunk_forecast(y, k, &mut Vec::new()) / k as f64
}

/// ADIDA's aggregation level and the smoothing constant its forecast chose for the bucket
/// sums (`None` when there are fewer than two buckets, which are not smoothed); `None`
/// for an all-zero series.
pub(super) fn adida_choice(y: &[f64]) -> Option<(usize, Option<f64>)> {
    let k = top_level(y)?;
    let mut sums = Vec::new();
    chunk_sums(y, k, &mut sums);
    Some((k, (sums.len() > 1).then(|| golden_alpha(&sums))))
}

/// `_adida(...)["fitted"]`.
pub(super) fn adida_in_sample(y: &[f64]) -> Vec<f64> {
    if all_zero(y) {
        return zero_in_sample(y.len());
    }
    let mut fitted = Vec::with_capacity(y.len());
    fitted.push(f64::NAN);
    let mut sums = Vec::new();
    let (mut count, mut k) = (0usize, 1usize);
    for end in 1..y.len() {
        let latest = y[end - 1];
        if latest != 0.0 {
            count += 1;
            // Running mean interval of the demand up to `latest`, rounded half to even.
            k = level((end as f64 / count as f64).round_ties_even());
        }
        fitted.push(chunk_forecast(&y[..end], k, &mut sums) / k as f64);
    }
    fitted
}

/// `_imapa(...)["mean"][0]`.
pub(super) fn imapa_point(y: &[f64]) -> f64 {
    let Some(top) = top_level(y) else {
        return 0.0;
    };
    let (mut sums, mut next_sums) = (Vec::with_capacity(y.len()), Vec::with_capacity(y.len()));
    let mut forecasts = Vec::with_capacity(top);
    // Two levels at a time: their searches share passes.
    for k in (1..=top).step_by(2) {
        imapa_sums(y, k, &mut sums);
        if k < top {
            imapa_sums(y, k + 1, &mut next_sums);
            let (level, next_level) = optimized_ses_last_pair(&sums, &next_sums);
            forecasts.extend([level / k as f64, next_level / (k + 1) as f64]);
        } else {
            forecasts.push(optimized_ses_last(&sums) / k as f64);
        }
    }
    mean(&forecasts)
}

/// The bucket sums of IMAPA's forecast at aggregation level `k` (numpy's pairwise sums).
fn imapa_sums(y: &[f64], k: usize, sums: &mut Vec<f64>) {
    sums.clear();
    sums.extend(y[y.len() % k..].chunks_exact(k).map(pairwise_sum));
}

/// The smoothing constant IMAPA's forecast chose at each aggregation level `1..=K`; `None`
/// for an all-zero series.
pub(super) fn imapa_alphas(y: &[f64]) -> Option<Vec<f64>> {
    let top = top_level(y)?;
    let mut sums = Vec::with_capacity(y.len());
    Some(
        (1..=top)
            .map(|k| {
                imapa_sums(y, k, &mut sums);
                golden_alpha(&sums)
            })
            .collect(),
    )
}

/// `_imapa(...)["fitted"]` (statsforecast's compiled `imapa_fitted_vals`).
pub(super) fn imapa_in_sample(y: &[f64]) -> Vec<f64> {
    if all_zero(y) {
        return zero_in_sample(y.len());
    }
    let mut fitted = Vec::with_capacity(y.len());
    fitted.push(f64::NAN);
    let mut sums = Vec::new();
    let (mut count, mut span) = (0usize, 0usize);
    for end in 1..y.len() {
        if y[end - 1] != 0.0 {
            count += 1;
            span = end;
        }
        if count == 0 {
            fitted.push(0.0);
            continue;
        }
        let top = level((span as f64 / count as f64).round()).min(end);
        let prefix = &y[..end];
        let total = (1..=top).fold(0.0, |total, k| {
            total + chunk_forecast(prefix, k, &mut sums) / k as f64
        });
        fitted.push(total / top as f64);
    }
    fitted
}

/// NaN, then zeros: the fitted values of an all-zero series.
fn zero_in_sample(n: usize) -> Vec<f64> {
    let mut fitted = vec![0.0; n];
    if let Some(first) = fitted.first_mut() {
        *first = f64::NAN;
    }
    fitted
}
