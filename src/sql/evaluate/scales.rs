//! The scales of the scaled metrics, from the training data (`train => ...`), attached to
//! the per-series aggregates.
//!
//! utilsforecast scales each `(cutoff, unique_id)` by the training rows of the series up to
//! and including the cutoff (all of them without a cutoff column): the mean of
//! `|y_t - y_{t-s}|` (mase, scaled_quantile_loss, scaled_mqloss), of `(y_t - y_{t-s})²`
//! (msse, rmsse), or of `y` (spis), the lag taken by position in time order.
//!
//! The per-series aggregates come from the input query, which DataFusion would run twice
//! if this plan joined them once for their keys and once for their values. Instead each
//! aggregate row becomes a marker in the training rows of its series, at its cutoff, and
//! one running window over the series gives every marker the means of the training rows
//! sorted before it:
//!
//! ```text
//! train ─► lag(y, s) per series ─► |Δ|, Δ²  ─┐
//!                                            ├─ UNION ─► running avg per series, ordered by
//! aggregates (one row per series, cutoff) ───┘           (time, marker last) ─► markers only
//!   carried as one list column: NULL lists cost the training rows nothing
//! ```

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, Result, ScalarValue};
use datafusion::functions_aggregate::average::avg_udaf;
use datafusion::functions_nested::expr_fn::{array_element, make_array};
use datafusion::functions_window::expr_fn::lag;
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder, WindowFrame, WindowFrameBound,
    WindowFrameUnits, WindowFunctionDefinition, cast, expr::WindowFunction, lit,
};

use super::exprs::{Aggregates, Scales, column, nan_to_null, null_f64};

const TIME: &str = "__t";
const MARKER: &str = "__marker";
const VALUES: &str = "__values";

/// The training data, resolved: `id`, `time` and `y` are its columns.
pub(crate) struct Train {
    pub(crate) plan: LogicalPlan,
    pub(crate) id: Expr,
    pub(crate) time: Expr,
    pub(crate) y: Expr,
}

/// The grouping columns of the aggregates: the id, and the cutoff when the input has one.
pub(crate) struct Keys<'a> {
    pub(crate) id: &'a str,
    pub(crate) id_type: &'a DataType,
    pub(crate) cutoff: Option<(&'a str, &'a DataType)>,
    /// The type `time` and the cutoff are compared in.
    pub(crate) time_type: &'a DataType,
}

/// `aggregated` (keys, then `n_aggregates` aggregate columns) with the `scales` columns added.
pub(crate) fn with_scales(
    aggregated: LogicalPlan,
    n_aggregates: usize,
    keys: &Keys<'_>,
    train: Train,
    scales: &Scales,
) -> Result<LogicalPlan> {
    let seasonalities: Vec<usize> = scales.mae.union(&scales.mse).copied().collect();
    let differences = |lagged: bool| -> Vec<Expr> {
        let mut exprs = Vec::new();
        for &s in &scales.mae {
            let e = if lagged {
                datafusion::functions::math::expr_fn::abs(
                    column(super::exprs::Y) - column(&lag_name(s)),
                )
            } else {
                null_f64()
            };
            exprs.push(e.alias(abs_name(s)));
        }
        for &s in &scales.mse {
            let e = if lagged {
                let d = column(super::exprs::Y) - column(&lag_name(s));
                d.clone() * d
            } else {
                null_f64()
            };
            exprs.push(e.alias(sq_name(s)));
        }
        exprs
    };

    // Training rows: (id, time, y), the lags, the differences.
    let rows = LogicalPlanBuilder::from(train.plan)
        .project(vec![
            cast(train.id, keys.id_type.clone()).alias(keys.id),
            cast(train.time, keys.time_type.clone()).alias(TIME),
            nan_to_null(cast(train.y, DataType::Float64)).alias(super::exprs::Y),
        ])?
        .build()?;
    let lags = seasonalities
        .iter()
        .map(|&s| {
            let window = lag(column(super::exprs::Y), Some(s as i64), None)
                .partition_by(vec![column(keys.id)])
                .order_by(vec![column(TIME).sort(true, false)])
                .build()?;
            Ok((window, lag_name(s)))
        })
        .collect::<Result<Vec<_>>>()?;
    let rows = with_windows(rows, lags)?;

    // Markers: one per aggregate row, carrying the aggregates as one list.
    let values = make_array(
        (0..n_aggregates)
            .map(|i| column(&Aggregates::name(i)))
            .collect(),
    );
    let mut marker_exprs = vec![column(keys.id)];
    if let Some((cutoff, _)) = keys.cutoff {
        marker_exprs.push(column(cutoff));
        marker_exprs.push(cast(column(cutoff), keys.time_type.clone()).alias(TIME));
    } else {
        marker_exprs.push(lit(ScalarValue::try_from(keys.time_type)?).alias(TIME));
    }
    marker_exprs.push(lit(1i32).alias(MARKER));
    marker_exprs.push(values.alias(VALUES));
    marker_exprs.push(null_f64().alias(super::exprs::Y));
    marker_exprs.extend(differences(false));
    let markers = LogicalPlanBuilder::from(aggregated)
        .project(marker_exprs)?
        .build()?;
    let values_type = markers
        .schema()
        .field_with_unqualified_name(VALUES)?
        .data_type()
        .clone();

    let mut row_exprs = vec![column(keys.id)];
    if let Some((cutoff, cutoff_type)) = keys.cutoff {
        row_exprs.push(lit(ScalarValue::try_from(cutoff_type)?).alias(cutoff));
    }
    row_exprs.push(column(TIME));
    row_exprs.push(lit(0i32).alias(MARKER));
    row_exprs.push(lit(ScalarValue::try_from(&values_type)?).alias(VALUES));
    row_exprs.push(column(super::exprs::Y));
    row_exprs.extend(differences(true));
    let rows = LogicalPlanBuilder::from(rows).project(row_exprs)?.build()?;

    // Running means over each series, read at the markers.
    let frame = WindowFrame::new_bounds(
        WindowFrameUnits::Rows,
        WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
        WindowFrameBound::CurrentRow,
    );
    let running_mean = |of: &str, name: String| -> Result<(Expr, String)> {
        let window = Expr::from(WindowFunction::new(
            WindowFunctionDefinition::AggregateUDF(avg_udaf()),
            vec![column(of)],
        ))
        .partition_by(vec![column(keys.id)])
        .order_by(vec![
            column(TIME).sort(true, false),
            column(MARKER).sort(true, false),
        ])
        .window_frame(frame.clone())
        .build()?;
        Ok((window, name))
    };
    let mut windows = Vec::new();
    for &s in &scales.mae {
        windows.push(running_mean(&abs_name(s), Scales::mae_name(s))?);
    }
    for &s in &scales.mse {
        windows.push(running_mean(&sq_name(s), Scales::mse_name(s))?);
    }
    if scales.mean {
        windows.push(running_mean(super::exprs::Y, Scales::MEAN.to_string())?);
    }
    let unioned = LogicalPlanBuilder::from(markers).union(rows)?.build()?;
    let windowed = with_windows(unioned, windows)?;

    let mut out = vec![column(keys.id)];
    if let Some((cutoff, _)) = keys.cutoff {
        out.push(column(cutoff));
    }
    out.extend(
        (0..n_aggregates)
            .map(|i| array_element(column(VALUES), lit(i as i64 + 1)).alias(Aggregates::name(i))),
    );
    out.extend(scales.mae.iter().map(|&s| column(&Scales::mae_name(s))));
    out.extend(scales.mse.iter().map(|&s| column(&Scales::mse_name(s))));
    if scales.mean {
        out.push(column(Scales::MEAN));
    }
    LogicalPlanBuilder::from(windowed)
        .filter(column(MARKER).eq(lit(1i32)))?
        .project(out)?
        .build()
}

/// `plan` with the window expressions added as columns of the given names (a window node
/// takes no aliases: the names are given by a projection above it).
fn with_windows(plan: LogicalPlan, windows: Vec<(Expr, String)>) -> Result<LogicalPlan> {
    if windows.is_empty() {
        return Ok(plan);
    }
    let mut out: Vec<Expr> = plan
        .schema()
        .columns()
        .into_iter()
        .map(Expr::Column)
        .collect();
    out.extend(windows.iter().map(|(window, name)| {
        Expr::Column(Column::new_unqualified(window.schema_name().to_string())).alias(name)
    }));
    let windowed =
        LogicalPlanBuilder::window_plan(plan, windows.into_iter().map(|(window, _)| window))?;
    LogicalPlanBuilder::from(windowed).project(out)?.build()
}

fn lag_name(s: usize) -> String {
    format!("__lag_{s}")
}

fn abs_name(s: usize) -> String {
    format!("__abs_diff_{s}")
}

fn sq_name(s: usize) -> String {
    format!("__sq_diff_{s}")
}
