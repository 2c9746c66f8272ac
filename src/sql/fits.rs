//! Planning of `fit_models(input, models => .., ...)` and `predict(fits => .., h => ..,
//! level => .., input => ..)`: fitted models as rows, and forecasts from them.
//!
//! `predict`'s output columns are those `forecast` gives for the models the fits hold, so
//! planning reads the fits' `model` and `spec` columns once (a scan of two columns, in one
//! partition so that the models come in the fits' order: `fit_models` writes each series'
//! models in the order they were given).

use std::sync::{Arc, Weak};

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, Result, plan_datafusion_err, plan_err};
use datafusion::logical_expr::planner::RelationPlannerContext;
use datafusion::logical_expr::{Expr, Extension, LogicalPlan, LogicalPlanBuilder, cast};
use datafusion::physical_plan::execute_stream;
use futures::StreamExt;

use super::Args;
use super::forecast::{
    NodeSpec, Session, find_column, parse_levels, parse_models, plan_node, plan_relation,
    with_call_level_intervals,
};
use crate::logical::{
    ColumnNames, ForecastNode, ForecastParams, PREDICT_FIT_COLUMNS, Task, predict_fit_types,
};
use crate::models::{ModelSpec, build_model, parse_conformal_intervals, parse_model_specs};

const FIT_ARGS: &[&str] = &[
    "models",
    "fallback_model",
    "freq",
    "prediction_intervals",
    "id_col",
    "time_col",
    "target_col",
];

const PREDICT_ARGS: &[&str] = &[
    "fits",
    "h",
    "level",
    "input",
    "id_col",
    "time_col",
    "target_col",
];

/// Plans `fit_models(input, models => .., fallback_model => .., freq => ..,
/// prediction_intervals => .., id_col/time_col/target_col => ..)`.
pub(super) fn plan_fit_models(
    args: Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    const FUNCTION: &str = "fit_models";
    if args.positional.len() > 1 {
        return plan_err!(
            "{FUNCTION}: only the input is positional; pass the other arguments by name, e.g. {FUNCTION}(input, models => ..)"
        );
    }
    args.check_names(FIT_ARGS)?;
    let (specs, fallback) = parse_models(FUNCTION, &args)?;
    let specs = match args.string("prediction_intervals")? {
        None => specs,
        Some(text) => {
            let settings = parse_conformal_intervals(&text)
                .map_err(|e| plan_datafusion_err!("{FUNCTION}: prediction_intervals: {e}"))?;
            with_call_level_intervals(specs, &settings)
        }
    };
    let node = NodeSpec {
        task: Task::Fit,
        h: 0,
        models: specs,
        fallback,
        levels: Vec::new(),
        // Models are fitted on the target alone: predicting a model with regressors
        // would need their future values.
        regressor_users: Vec::new(),
    };
    plan_node(&args, ctx, session, FUNCTION, node)
}

/// Plans `predict(fits => (..), h => .., level => [..], input => (..), id_col/time_col/
/// target_col => ..)`.
pub(super) fn plan_predict(
    mut args: Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    const FUNCTION: &str = "predict";
    args.name_positional(&["fits"], 0)?;
    args.check_names(PREDICT_ARGS)?;
    let h = args.required_positive_int("h")?;
    let levels = parse_levels(FUNCTION, args.numbers("level")?)?;
    let columns = ColumnNames {
        id: args.string("id_col")?.unwrap_or_else(|| "unique_id".into()),
        time: args.string("time_col")?.unwrap_or_else(|| "ds".into()),
        target: args.string("target_col")?.unwrap_or_else(|| "y".into()),
    };
    let Some(fits_expr) = args.expr("fits") else {
        return plan_err!(
            "{FUNCTION}: missing required argument 'fits', the rows fit_models wrote, e.g. predict(fits => (SELECT * FROM 'fits.parquet'), h => 12)"
        );
    };
    let fits = plan_relation(FUNCTION, "argument 'fits'", fits_expr, ctx, session)?;
    let specs = match models_of_fit_node(&fits) {
        Some(models) => crate::logical::parse_specs(&models)?,
        None => models_of_fits(session, &project_fits(fits.clone(), &columns.id)?)?,
    };
    let fits = project_fits(fits, &columns.id)?;
    let forward = args.expr("input").is_some();
    if forward {
        let without: Vec<&str> = specs
            .iter()
            .filter(|spec| build_model(spec).map(|m| !m.has_forward()).unwrap_or(true))
            .map(|spec| spec.alias())
            .collect();
        if !without.is_empty() {
            return plan_err!(
                "{FUNCTION}: input => applies the fits to new observations, which needs models with a forward step; these have none: {}",
                without.join(", ")
            );
        }
    }
    let observations = match args.expr("input") {
        None => None,
        Some(expr) => {
            let input = plan_relation(FUNCTION, "argument 'input'", expr, ctx, session)?;
            Some(project_observations(input, &fits, &columns)?)
        }
    };
    let params = ForecastParams {
        task: Task::Predict { forward },
        h,
        models: specs.iter().map(ToString::to_string).collect(),
        fallback_model: None,
        levels,
        freq: None,
        columns,
    };
    let node = ForecastNode::try_new(fits, observations, params)?;
    Ok(LogicalPlan::Extension(Extension {
        node: Arc::new(node),
    }))
}

/// The fits as `(id, model, spec, n_obs, last_ds, freq, state)` in the types the exec
/// reads, with errors that say which column is missing or mistyped.
fn project_fits(fits: LogicalPlan, id: &str) -> Result<LogicalPlan> {
    const FUNCTION: &str = "predict";
    let schema = Arc::clone(fits.schema());
    let find = |argument: &str, name: &str| {
        find_column(FUNCTION, &schema, "the fits", argument, name).map_err(|e| {
            plan_datafusion_err!("{}; pass the rows fit_models wrote", e.strip_backtrace())
        })
    };
    let (id_column, id_type) = find("id_col", id)?;
    let mut projection = vec![Expr::Column(id_column).alias(id)];
    let last_ds_type = find("fits", "last_ds")?.1.clone();
    for (name, wanted) in PREDICT_FIT_COLUMNS
        .iter()
        .zip(predict_fit_types(&last_ds_type))
    {
        let (column, found) = find("fits", name)?;
        let castable = match wanted {
            DataType::Utf8 => matches!(
                found,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            ),
            DataType::Binary => matches!(
                found,
                DataType::Binary | DataType::LargeBinary | DataType::BinaryView
            ),
            DataType::Int64 => found.is_integer(),
            _ => true,
        };
        if !castable {
            return plan_err!(
                "{FUNCTION}: the fits' column '{name}' has type {found}, expected {wanted}; pass the rows fit_models wrote"
            );
        }
        projection.push(cast(Expr::Column(column), wanted).alias(*name));
    }
    if matches!(id_type, DataType::Null) {
        return plan_err!("{FUNCTION}: the fits' id column '{id}' has no type (all NULL)");
    }
    LogicalPlanBuilder::from(fits).project(projection)?.build()
}

/// The observations `(id, ds, y)` of `input => (..)`, in the fits' id and time types.
fn project_observations(
    input: LogicalPlan,
    fits: &LogicalPlan,
    columns: &ColumnNames,
) -> Result<LogicalPlan> {
    const FUNCTION: &str = "predict";
    let schema: &DFSchema = input.schema();
    let find =
        |argument: &str, name: &str| find_column(FUNCTION, schema, "the input", argument, name);
    let (id, _) = find("id_col", &columns.id)?;
    let (time, time_type) = find("time_col", &columns.time)?;
    let (target, target_type) = find("target_col", &columns.target)?;
    let fits_schema = fits.schema();
    let id_type = fits_schema.field(0).data_type().clone();
    let fits_time = fits_schema.field(4).data_type().clone();
    if time_type != &fits_time {
        return plan_err!(
            "{FUNCTION}: the input's time column '{}' has type {time_type}, the fits' last_ds {fits_time}; they must match",
            columns.time
        );
    }
    if !target_type.is_numeric() && !matches!(target_type, DataType::Null) {
        return plan_err!(
            "{FUNCTION}: target column '{}' has type {target_type}; allowed: numeric types",
            columns.target
        );
    }
    let projection = vec![
        cast(Expr::Column(id), id_type).alias(&columns.id),
        Expr::Column(time).alias(&columns.time),
        cast(Expr::Column(target), DataType::Float64).alias(&columns.target),
    ];
    LogicalPlanBuilder::from(input).project(projection)?.build()
}

/// The models of fits that are `fit_models(...)` itself (under subquery aliases and
/// projections that keep the column names): read from its node, so that planning does
/// not fit the models once more to find them.
fn models_of_fit_node(plan: &LogicalPlan) -> Option<Vec<String>> {
    match plan {
        LogicalPlan::SubqueryAlias(alias) => models_of_fit_node(&alias.input),
        LogicalPlan::Projection(projection) => {
            let keeps_names = projection.expr.iter().all(|expr| match expr {
                Expr::Column(_) => true,
                Expr::Alias(alias) => {
                    matches!(alias.expr.as_ref(), Expr::Column(c) if c.name == alias.name)
                }
                _ => false,
            });
            keeps_names
                .then(|| models_of_fit_node(&projection.input))
                .flatten()
        }
        LogicalPlan::Extension(extension) => {
            let node = extension.node.as_any().downcast_ref::<ForecastNode>()?;
            (node.params().task == Task::Fit).then(|| node.params().models.clone())
        }
        _ => None,
    }
}

/// The model of each alias in the fits, in the order the fits list them: the spec of
/// the alias' first row (later rows of an alias may hold the fallback model's spec).
fn models_of_fits(session: Option<&Session>, fits: &LogicalPlan) -> Result<Vec<ModelSpec>> {
    const FUNCTION: &str = "predict";
    let Some(state) = session.and_then(Weak::upgrade) else {
        return plan_err!(
            "{FUNCTION}: needs a session that can read the fits while planning; install the extension with install_on or register"
        );
    };
    // A copy with one partition; its catalogs are the session's own (shared), untouched.
    let mut state = state.read().clone();
    state.config_mut().options_mut().execution.target_partitions = 1;
    let pairs = LogicalPlanBuilder::from(fits.clone())
        .project(vec![
            Expr::Column(fits.schema().columns()[1].clone()),
            Expr::Column(fits.schema().columns()[2].clone()),
        ])?
        .build()?;
    let mut found: Vec<(String, String)> = Vec::new();
    futures::executor::block_on(async {
        let plan = state.create_physical_plan(&pairs).await?;
        let mut stream = execute_stream(plan, state.task_ctx())?;
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            let (aliases, specs) = (
                batch.column(0).as_string::<i32>(),
                batch.column(1).as_string::<i32>(),
            );
            for row in 0..batch.num_rows() {
                if aliases.is_null(row) || specs.is_null(row) {
                    continue;
                }
                let alias = aliases.value(row);
                if !found.iter().any(|(a, _)| a == alias) {
                    found.push((alias.to_string(), specs.value(row).to_string()));
                }
            }
        }
        Ok::<_, datafusion::common::DataFusionError>(())
    })?;
    if found.is_empty() {
        return plan_err!("{FUNCTION}: the fits hold no model");
    }
    found
        .into_iter()
        .map(|(alias, text)| {
            let mut parsed = parse_model_specs(&text).map_err(|e| {
                plan_datafusion_err!(
                    "{FUNCTION}: the fits' spec of model '{alias}' is not valid: {e}"
                )
            })?;
            if parsed.len() != 1 {
                return plan_err!(
                    "{FUNCTION}: the fits' spec of model '{alias}' must name one model: {text}"
                );
            }
            Ok(parsed.remove(0).with_alias(alias))
        })
        .collect()
}
