//! Each metric as DataFusion expressions, written as utilsforecast 0.2.17 writes it
//! (`utilsforecast/losses.py`), operation for operation so the values agree to rounding:
//! aggregates per series (and cutoff) over the input rows, then a value per model from
//! those aggregates and, for the scaled metrics, the scales of the training data.
//!
//! Inputs are Float64 with NaN already turned into NULL, so a missing value is skipped by
//! the aggregates as pandas skips NaN, and comparisons with a missing value are false as
//! numpy's are (Arrow orders NaN above every number, which would not be). A value
//! utilsforecast gives as NaN is NULL here.

use std::collections::{BTreeSet, HashMap};

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, Result, ScalarValue};
use datafusion::functions::core::expr_fn::{coalesce, nullif};
use datafusion::functions::math::expr_fn::{abs, exp, ln, nanvl, power, sqrt};
use datafusion::functions_aggregate::expr_fn::{avg, count, max, sum};
use datafusion::logical_expr::{Expr, cast, lit, when};

use super::metrics::{Band, Metric, Row, quantiles_of_level};

/// Name of the target column after the input projection.
pub(crate) const Y: &str = "__y";

/// A column of the plan by its exact name (names such as `Naive-lo-80` are not parsed).
pub(crate) fn column(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

fn f64_lit(v: f64) -> Expr {
    lit(ScalarValue::Float64(Some(v)))
}

/// A Float64 NULL.
pub(crate) fn null_f64() -> Expr {
    lit(ScalarValue::Float64(None))
}

/// NaN as NULL, utilsforecast's (pandas') missing value.
pub(crate) fn nan_to_null(e: Expr) -> Expr {
    nanvl(e, null_f64())
}

/// The aggregates the values need, each computed once however many metrics use it.
#[derive(Default)]
pub(crate) struct Aggregates {
    exprs: Vec<Expr>,
    index: HashMap<String, usize>,
}

impl Aggregates {
    /// The column of the aggregate `key`, registering it with `make` the first time.
    fn get(&mut self, key: String, make: impl FnOnce() -> Expr) -> Expr {
        let n = self.exprs.len();
        let i = *self.index.entry(key).or_insert(n);
        if i == n {
            self.exprs.push(make().alias(Self::name(i)));
        }
        column(&Self::name(i))
    }

    /// The name of the `i`-th aggregate column.
    pub(crate) fn name(i: usize) -> String {
        format!("__a{i}")
    }

    /// The aliased aggregate expressions, in registration order.
    pub(crate) fn into_exprs(self) -> Vec<Expr> {
        self.exprs
    }
}

/// The scales of the training data the values need, per series (and cutoff).
#[derive(Default, Debug)]
pub(crate) struct Scales {
    /// Seasonalities of the mean absolute seasonal difference (mase, scaled_*loss).
    pub(crate) mae: BTreeSet<usize>,
    /// Seasonalities of the mean squared seasonal difference (msse, rmsse).
    pub(crate) mse: BTreeSet<usize>,
    /// The mean of the training values (spis).
    pub(crate) mean: bool,
}

impl Scales {
    pub(crate) fn is_empty(&self) -> bool {
        self.mae.is_empty() && self.mse.is_empty() && !self.mean
    }

    pub(crate) fn mae_name(s: usize) -> String {
        format!("__scale_mae_{s}")
    }

    pub(crate) fn mse_name(s: usize) -> String {
        format!("__scale_mse_{s}")
    }

    pub(crate) const MEAN: &'static str = "__train_mean";

    fn mae_col(&mut self, s: usize) -> Expr {
        self.mae.insert(s);
        column(&Self::mae_name(s))
    }

    fn mse_col(&mut self, s: usize) -> Expr {
        self.mse.insert(s);
        column(&Self::mse_name(s))
    }

    fn mean_col(&mut self) -> Expr {
        self.mean = true;
        column(Self::MEAN)
    }
}

/// Builds the value of each (row, model); `col` maps an input column name (a model or
/// one of its bounds) to its column after the input projection.
pub(crate) struct Values<'a> {
    pub(crate) col: &'a dyn Fn(&str) -> Expr,
    pub(crate) aggregates: Aggregates,
    pub(crate) scales: Scales,
}

/// Column name of a model's bound: statsforecast's `<model>-lo-<L>` / `<model>-hi-<L>`.
pub(crate) fn band_column(model: &str, level: f64, hi: bool) -> String {
    let side = if hi { "hi" } else { "lo" };
    format!("{model}-{side}-{}", super::metrics::format_level(level))
}

/// The (quantile, column) pairs of every bound of `levels` (sorted ascending), by
/// increasing quantile: utilsforecast's `_quantiles_from_levels` with `_models_from_levels`.
pub(crate) fn quantile_columns(model: &str, levels: &[f64]) -> Vec<(f64, String)> {
    let lo = levels
        .iter()
        .rev()
        .map(|&l| (quantiles_of_level(l).0, band_column(model, l, false)));
    let hi = levels
        .iter()
        .map(|&l| (quantiles_of_level(l).1, band_column(model, l, true)));
    lo.chain(hi).collect()
}

/// The input columns a row reads for `model`, besides the target.
pub(crate) fn row_columns(row: &Row, model: &str) -> Vec<String> {
    let mut columns = match &row.band {
        Band::Point => vec![model.to_string()],
        Band::Level(l) => vec![band_column(model, *l, false), band_column(model, *l, true)],
        Band::Quantile { level, hi, .. } => vec![band_column(model, *level, *hi)],
        Band::Levels(levels) => quantile_columns(model, levels)
            .into_iter()
            .map(|(_, c)| c)
            .collect(),
    };
    if let Some(baseline) = &row.spec.baseline {
        columns.push(baseline.clone());
    }
    columns
}

impl Values<'_> {
    /// The value of `row` for `model`: NULL where utilsforecast gives NaN.
    pub(crate) fn value(&mut self, row: &Row, model: &str) -> Result<Expr> {
        let y = column(Y);
        let m = (self.col)(model);
        let spec = &row.spec;
        let key = |what: &str, on: &Expr| format!("{what}:{on}");
        let value = match (spec.metric, &row.band) {
            (Metric::Mae, _) => self.mean_abs_error(&m),
            (Metric::Mse, _) => self.mean_squared_error(&m),
            (Metric::Rmse, _) => sqrt(self.mean_squared_error(&m)),
            (Metric::Bias, _) => {
                let e = m.clone() - y.clone();
                self.aggregates.get(key("bias", &m), || avg(e))
            }
            (Metric::Cfe, _) => {
                let e = m.clone() - y.clone();
                self.aggregates
                    .get(key("cfe", &m), || coalesce(vec![sum(e), f64_lit(0.0)]))
            }
            (Metric::Pis, _) => self.sum_abs_error(&m),
            (Metric::Spis, _) => self.sum_abs_error(&m) / self.scales.mean_col(),
            (Metric::Mape, _) => {
                let e = abs(y.clone() - m.clone()) / abs(nullif(y.clone(), f64_lit(0.0)));
                self.aggregates.get(key("mape", &m), || avg(e))
            }
            (Metric::Smape, _) => {
                let denominator = abs(m.clone()) + abs(y.clone());
                let e = when(denominator.clone().eq(f64_lit(0.0)), f64_lit(0.0))
                    .otherwise(abs(m.clone() - y.clone()) / denominator)?;
                self.aggregates.get(key("smape", &m), || avg(e))
            }
            (Metric::Wape | Metric::Nd, _) => {
                let errors = self.aggregates.get(key("sum_abs", &m), || {
                    coalesce(vec![sum(abs(y.clone() - m.clone())), f64_lit(0.0)])
                });
                errors / nullif(self.sum_abs_target(), f64_lit(0.0))
            }
            (Metric::Mase, _) => {
                let s = seasonality(row);
                self.mean_abs_error(&m) / self.scales.mae_col(s)
            }
            (Metric::Rmae, _) => {
                let baseline = (self.col)(spec.baseline.as_deref().unwrap_or_default());
                self.mean_abs_error(&m) / nullif(self.mean_abs_error(&baseline), f64_lit(0.0))
            }
            (Metric::Msse, _) => {
                let s = seasonality(row);
                self.mean_squared_error(&m) / self.scales.mse_col(s)
            }
            (Metric::Rmsse, _) => {
                let s = seasonality(row);
                sqrt(self.mean_squared_error(&m) / self.scales.mse_col(s))
            }
            (Metric::QuantileLoss, Band::Quantile { q, level, hi }) => {
                self.quantile_loss(*q, &band_column(model, *level, *hi))?
            }
            (Metric::ScaledQuantileLoss, Band::Quantile { q, level, hi }) => {
                let s = seasonality(row);
                self.quantile_loss(*q, &band_column(model, *level, *hi))? / self.scales.mae_col(s)
            }
            (Metric::Mqloss, Band::Levels(levels)) => self.mqloss(model, levels)?,
            (Metric::ScaledMqloss, Band::Levels(levels)) => {
                let s = seasonality(row);
                self.mqloss(model, levels)? / self.scales.mae_col(s)
            }
            (Metric::ScaledCrps, Band::Levels(levels)) => {
                // 2 * mqloss * counts / (norm + eps), counts = rows, norm = sum(|y|).
                let counts = self
                    .aggregates
                    .get("count".into(), || cast(count(lit(1)), DataType::Float64));
                let norm = self.sum_abs_target();
                f64_lit(2.0) * self.mqloss(model, levels)? * counts / (norm + f64_lit(f64::EPSILON))
            }
            (Metric::Coverage, Band::Level(level)) => {
                let lo = (self.col)(&band_column(model, *level, false));
                let hi = (self.col)(&band_column(model, *level, true));
                let inside = when(y.clone().gt_eq(lo).and(y.clone().lt_eq(hi)), f64_lit(1.0))
                    .otherwise(f64_lit(0.0))?;
                self.aggregates
                    .get(key("coverage", &inside), || avg(inside))
            }
            (Metric::WinklerScore, Band::Level(level)) => {
                let lo = (self.col)(&band_column(model, *level, false));
                let hi = (self.col)(&band_column(model, *level, true));
                let alpha = (100.0 - level) / 100.0;
                let k = f64_lit(2.0 / alpha);
                let penalty = when(
                    y.clone().lt(lo.clone()),
                    k.clone() * (lo.clone() - y.clone()),
                )
                .when(y.clone().gt(hi.clone()), k * (y.clone() - hi.clone()))
                .otherwise(f64_lit(0.0))?;
                let score = (hi - lo) + penalty;
                self.aggregates.get(key("winkler", &score), || avg(score))
            }
            (Metric::Calibration, Band::Quantile { level, hi, .. }) => {
                let bound = (self.col)(&band_column(model, *level, *hi));
                let below = when(y.clone().lt_eq(bound), f64_lit(1.0)).otherwise(f64_lit(0.0))?;
                self.aggregates
                    .get(key("calibration", &below), || avg(below))
            }
            (Metric::TweedieDeviance, _) => self.tweedie(&m, spec.power)?,
            (Metric::Linex, _) => {
                let ea = (y.clone() - m.clone()) * f64_lit(spec.a);
                let loss = exp(ea.clone()) - ea - f64_lit(1.0);
                self.aggregates.get(key("linex", &loss), || avg(loss))
            }
            (metric, band) => {
                return datafusion::common::internal_err!(
                    "evaluate: metric {metric:?} has no value for {band:?}"
                );
            }
        };
        Ok(nan_to_null(value))
    }

    fn mean_abs_error(&mut self, m: &Expr) -> Expr {
        let e = abs(column(Y) - m.clone());
        self.aggregates.get(format!("mae:{m}"), || avg(e))
    }

    fn mean_squared_error(&mut self, m: &Expr) -> Expr {
        let d = column(Y) - m.clone();
        self.aggregates
            .get(format!("mse:{m}"), || avg(d.clone() * d))
    }

    fn sum_abs_error(&mut self, m: &Expr) -> Expr {
        // pandas sums an all-NaN group to 0.
        let e = abs(m.clone() - column(Y));
        self.aggregates
            .get(format!("pis:{m}"), || coalesce(vec![sum(e), f64_lit(0.0)]))
    }

    fn sum_abs_target(&mut self) -> Expr {
        self.aggregates.get("sum_abs_y".into(), || {
            coalesce(vec![sum(abs(column(Y))), f64_lit(0.0)])
        })
    }

    /// utilsforecast's `quantile_loss`: the mean of max(q·d, (q-1)·d), d = y - bound.
    fn quantile_loss(&mut self, q: f64, bound: &str) -> Result<Expr> {
        let d = column(Y) - (self.col)(bound);
        let loss = when(d.clone().gt_eq(f64_lit(0.0)), f64_lit(q) * d.clone())
            .otherwise(f64_lit(q - 1.0) * d)?;
        Ok(self
            .aggregates
            .get(format!("ql:{}:{bound}", q.to_bits()), || avg(loss)))
    }

    /// utilsforecast's `mqloss`: the mean over the quantiles of each quantile's loss,
    /// skipping a quantile whose loss is missing (pandas' mean of the concatenated frames).
    fn mqloss(&mut self, model: &str, levels: &[f64]) -> Result<Expr> {
        let losses = quantile_columns(model, levels)
            .into_iter()
            .map(|(q, bound)| self.quantile_loss(q, &bound))
            .collect::<Result<Vec<Expr>>>()?;
        let total = losses
            .iter()
            .map(|l| coalesce(vec![l.clone(), f64_lit(0.0)]))
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| f64_lit(0.0));
        let present = losses
            .iter()
            .map(|l| when(l.clone().is_null(), f64_lit(0.0)).otherwise(f64_lit(1.0)))
            .collect::<Result<Vec<Expr>>>()?
            .into_iter()
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| f64_lit(0.0));
        Ok(total / nullif(present, f64_lit(0.0)))
    }

    /// utilsforecast's `tweedie_deviance`, which refuses predictions <= 0 (and, for
    /// power >= 2, targets <= 0) for the whole call: here the series gets NULL.
    fn tweedie(&mut self, m: &Expr, p: f64) -> Result<Expr> {
        let y = column(Y);
        let two = f64_lit(2.0);
        let deviance = if p == 0.0 {
            let d = y.clone() - m.clone();
            d.clone() * d
        } else if p == 1.0 {
            let log_term = when(
                y.clone().gt(f64_lit(0.0)),
                y.clone() * ln(y.clone() / m.clone()),
            )
            .otherwise(f64_lit(0.0))?;
            two * (log_term - y.clone() + m.clone())
        } else if p == 2.0 {
            let ratio = y.clone() / m.clone();
            two * (ratio.clone() - ln(ratio) - f64_lit(1.0))
        } else {
            let clipped = when(y.clone().lt(f64_lit(0.0)), f64_lit(0.0)).otherwise(y.clone())?;
            // clip(0) ** (2 - p) / ((1 - p) * (2 - p)) + m ** (2 - p) / (2 - p)
            //   - y * m ** (1 - p) / (1 - p)
            two * (pow(clipped, 2.0 - p)? / f64_lit((1.0 - p) * (2.0 - p))
                + pow(m.clone(), 2.0 - p)? / f64_lit(2.0 - p)
                - y.clone() * pow(m.clone(), 1.0 - p)? / f64_lit(1.0 - p))
        };
        let mut invalid = m.clone().lt_eq(f64_lit(0.0));
        if p >= 2.0 {
            invalid = invalid.or(y.lt_eq(f64_lit(0.0)));
        }
        let key = format!("tweedie:{}:{m}", p.to_bits());
        let mean = self.aggregates.get(key.clone(), || avg(deviance));
        // A Float64 flag: the aggregates travel together as one list (see `scales`).
        let flag = when(invalid, f64_lit(1.0)).otherwise(f64_lit(0.0))?;
        let refused = self.aggregates.get(format!("{key}:refused"), || max(flag));
        when(refused.eq(f64_lit(1.0)), null_f64()).otherwise(mean)
    }
}

/// `base ** exponent`, NULL where DataFusion's `power` would fail (zero to a negative
/// power) or numpy gives NaN (a negative base): only refused rows have such bases.
fn pow(base: Expr, exponent: f64) -> Result<Expr> {
    let defined = if exponent > 0.0 {
        base.clone().gt_eq(f64_lit(0.0))
    } else {
        base.clone().gt(f64_lit(0.0))
    };
    when(defined, power(base, f64_lit(exponent))).otherwise(null_f64())
}

/// The `seasonality` of a scaled metric (checked when its spec was read).
fn seasonality(row: &Row) -> usize {
    row.spec.seasonality.unwrap_or(1)
}
