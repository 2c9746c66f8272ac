//! Planning of `detect_anomalies(input, models => .., level => 99, ...)`: the forecast node
//! with fitted values, its history rows, and per model whether each observation lies
//! outside the model's fitted bounds (and, for Gaussian bounds, how unusual it is).
//!
//! ```text
//! Projection: id, ds, y, per model: <alias>, <alias>-lo-L, <alias>-hi-L, <alias>-anomaly,
//!   │                                <alias>-anomaly-probability (Gaussian bounds only)
//! Filter: time_series_type = 'history'      (the single forecast step is dropped)
//!   │
//! Forecast: h=1, models=[..], level=[L], fitted=true
//! ```
//!
//! Being a forecast node underneath, it is partitioned and distributed as `forecast` is.

pub(crate) mod probability;

use std::collections::HashSet;

use datafusion::common::{Column, Result, ScalarValue, plan_datafusion_err, plan_err};
use datafusion::functions::math::expr_fn::isnan;
use datafusion::logical_expr::planner::RelationPlannerContext;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit, when};

use super::Args;
use super::forecast::{NodeSpec, Session, parse_levels, parse_models, plan_node};
use crate::logical::{
    HISTORY, TIME_SERIES_TYPE, Task, anomaly_column_name, anomaly_probability_column_name,
    interval_column_names,
};
use crate::models::{CLASSES_WITH_IN_SAMPLE_BOUNDS, InSampleBounds, ModelSpec, build_model};
use probability::anomaly_probability;

const FUNCTION: &str = "detect_anomalies";

const ARGS: &[&str] = &[
    "models",
    "level",
    "fallback_model",
    "freq",
    "id_col",
    "time_col",
    "target_col",
];

/// The level of the bounds when none is given, as Nixtla's anomaly detection: an
/// observation outside the 99 % interval of its fitted value is an anomaly.
const DEFAULT_LEVEL: f64 = 99.0;

/// A model of the call: its alias and whether its fitted bounds are Gaussian (then the
/// anomaly probability can be recovered from them).
struct BoundedModel {
    alias: String,
    gaussian: bool,
}

/// Plans `detect_anomalies(input, models => .., level => .., ...)`.
pub(super) fn plan_detect_anomalies(
    args: Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    if args.positional.len() > 1 {
        return plan_err!(
            "{FUNCTION}: only the input is positional; pass the other arguments by name, e.g. {FUNCTION}(input, models => .., level => 99)"
        );
    }
    args.check_names(ARGS)?;
    let (models, fallback) = parse_models(FUNCTION, &args)?;
    let level = match args.numbers("level")?.as_deref() {
        None => DEFAULT_LEVEL,
        Some(&[level]) => level,
        Some(_) => {
            return plan_err!(
                "{FUNCTION}: argument 'level' must be one number in (0, 100), e.g. level => 99"
            );
        }
    };
    let levels = parse_levels(FUNCTION, Some(vec![level]))?;
    let bounded = bounded_models(&models, fallback.as_ref())?;
    let spec = NodeSpec {
        task: Task::Forecast { fitted: true },
        h: 1,
        models,
        fallback,
        levels: levels.clone(),
        // Only id, time and target are read: the forecast step that would need the
        // regressors' future values is dropped.
        regressor_users: Vec::new(),
    };
    let node = plan_node(&args, ctx, session, FUNCTION, spec)?;

    // The node's output starts with `id, ds, time_series_type, y`.
    let names: Vec<String> = node
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let column = |name: &str| Expr::Column(Column::from_name(name));
    let y = column(&names[3]);
    let mut projection = vec![column(&names[0]), column(&names[1]), y.clone()];
    for model in &bounded {
        let [lo_name, hi_name] =
            <[String; 2]>::try_from(interval_column_names(&model.alias, &levels)).map_err(
                |_| plan_datafusion_err!("{FUNCTION}: one level gives one pair of bounds"),
            )?;
        let (fitted, lo, hi) = (column(&model.alias), column(&lo_name), column(&hi_name));
        // NaN bounds mark observations without a fitted value (the first ones of Naive):
        // neither anomalous nor normal.
        let outside = y.clone().lt(lo.clone()).or(y.clone().gt(hi.clone()));
        let no_bounds = isnan(lo.clone()).or(isnan(hi.clone()));
        let flag = when(no_bounds, lit(ScalarValue::Boolean(None))).otherwise(outside)?;
        projection.extend([
            fitted.clone(),
            lo.clone(),
            hi.clone(),
            flag.alias(anomaly_column_name(&model.alias)),
        ]);
        if model.gaussian {
            let probability =
                anomaly_probability().call(vec![y.clone(), fitted, lo, hi, lit(level)]);
            projection.push(probability.alias(anomaly_probability_column_name(&model.alias)));
        }
    }
    let mut seen = HashSet::new();
    for expr in &projection {
        let name = expr.schema_name().to_string();
        if !seen.insert(name.clone()) {
            return plan_err!(
                "{FUNCTION}: output column '{name}' would appear twice; give the model another alias"
            );
        }
    }
    LogicalPlanBuilder::from(node)
        .filter(column(TIME_SERIES_TYPE).eq(lit(HISTORY)))?
        .project(projection)?
        .build()
}

/// The models with their kind of bounds; a plan error when the fitted values of a model
/// (or of the fallback model) have none.
fn bounded_models(models: &[ModelSpec], fallback: Option<&ModelSpec>) -> Result<Vec<BoundedModel>> {
    let bounds_of = |spec: &ModelSpec| {
        build_model(spec)
            .map(|model| model.in_sample_bounds())
            .map_err(|e| plan_datafusion_err!("{FUNCTION}: {e}"))
    };
    let fallback_bounds = fallback.map(bounds_of).transpose()?;
    let mut unbounded = Vec::new();
    let mut bounded = Vec::with_capacity(models.len());
    for spec in models {
        let bounds = bounds_of(spec)?;
        if bounds == InSampleBounds::None {
            unbounded.push(spec.alias().to_string());
        }
        bounded.push(BoundedModel {
            alias: spec.alias().to_string(),
            gaussian: bounds == InSampleBounds::Gaussian
                && fallback_bounds.is_none_or(|b| b == InSampleBounds::Gaussian),
        });
    }
    if let (Some(spec), Some(InSampleBounds::None)) = (fallback, fallback_bounds) {
        unbounded.push(format!("{} (fallback_model)", spec.alias()));
    }
    if !unbounded.is_empty() {
        return plan_err!(
            "{FUNCTION}: the fitted values of {} have no prediction intervals; models whose fitted values have them: {} (MSTL when its trend_forecaster is one of them)",
            unbounded.join(", "),
            CLASSES_WITH_IN_SAMPLE_BOUNDS.join(", ")
        );
    }
    Ok(bounded)
}
