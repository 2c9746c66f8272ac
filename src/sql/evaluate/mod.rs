//! `evaluate(input, metrics => '...', ...)`: utilsforecast 0.2.17's `evaluate` in SQL.
//!
//! ```sql
//! SELECT * FROM evaluate((SELECT * FROM cross_validation('sales', h => 7, n_windows => 2,
//!                                                       models => 'Naive', level => [80])),
//!                        metrics => 'mae, mase(seasonality=7), coverage',
//!                        train => (SELECT unique_id, ds, y FROM sales), agg => 'mean');
//! ```
//!
//! It plans an ordinary DataFusion plan (no operator of its own), so it streams, spills and
//! distributes as any aggregate query does:
//!
//! ```text
//! input ─► project: id, [cutoff], y and the used model/bound columns as Float64, NaN as NULL
//!       ─► aggregate per (id, [cutoff]): every distinct mean or sum the metrics need, once
//!       ─► [train => ...: the scales per (id, [cutoff]), see `scales`]
//!       ─► project: one list per model (a value per metric row), the metric names
//!       ─► unnest: one row per (id, [cutoff], metric)
//!       ─► [agg => ...: aggregate per ([cutoff], metric)]
//! ```

mod exprs;
mod metrics;
mod parse;
mod scales;

use std::collections::{BTreeSet, HashMap};

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::common::UnnestOptions;
use datafusion::common::{Column, DFSchema, Result, plan_datafusion_err, plan_err};
use datafusion::functions::core::expr_fn::{coalesce, get_field, named_struct};
use datafusion::functions_aggregate::expr_fn::{avg, max, median, min, stddev, sum, var_sample};
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::logical_expr::planner::RelationPlannerContext;
use datafusion::logical_expr::type_coercion::binary::comparison_coercion;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, cast, lit};

use super::Args;
use super::forecast::{Session, find_column, plan_input, plan_relation};
use crate::logical::interval_bounds;
use exprs::{Aggregates, Scales, Values, Y, column, nan_to_null, row_columns};
use metrics::{Bands, MetricSpec, Row, metric_spec, rows, supported_metrics};
use scales::{Keys, Train, with_scales};

const FUNCTION: &str = "evaluate";
const ARGS: &[&str] = &[
    "metrics",
    "models",
    "train",
    "level",
    "agg",
    "agg_fn",
    "id_col",
    "time_col",
    "target_col",
    "cutoff_col",
];
const METRIC: &str = "metric";

/// How the per-series values are reduced with `agg` (utilsforecast's `agg_fn`, a pandas
/// aggregation, which skips missing values).
#[derive(Debug, Clone, Copy)]
enum AggFn {
    Mean,
    Median,
    Sum,
    Min,
    Max,
    Std,
    Var,
}

const AGG_FNS: &str = "mean, median, sum, min, max, std, var";

impl AggFn {
    fn parse(text: &str) -> Result<Self> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "mean" => Self::Mean,
            "median" => Self::Median,
            "sum" => Self::Sum,
            "min" => Self::Min,
            "max" => Self::Max,
            "std" => Self::Std,
            "var" => Self::Var,
            _ => {
                return plan_err!(
                    "{FUNCTION}: argument 'agg' must be one of {AGG_FNS}, got '{text}'"
                );
            }
        })
    }

    /// pandas: `sum` of nothing is 0, `std` and `var` are the sample ones (ddof=1).
    fn apply(self, e: Expr) -> Expr {
        match self {
            Self::Mean => avg(e),
            Self::Median => median(e),
            Self::Sum => coalesce(vec![sum(e), lit(ScalarValue::Float64(Some(0.0)))]),
            Self::Min => min(e),
            Self::Max => max(e),
            Self::Std => stddev(e),
            Self::Var => var_sample(e),
        }
    }
}

/// Plans `evaluate(input, metrics => .., models => .., train => .., level => .., agg => ..)`.
pub(super) fn plan_evaluate(
    args: Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    if args.positional.len() > 1 {
        return plan_err!(
            "{FUNCTION}: only the input is positional; pass the other arguments by name, e.g. {FUNCTION}(input, metrics => 'mae, rmse')"
        );
    }
    args.check_names(ARGS)?;
    if args.positional.is_empty() {
        return plan_err!(
            "{FUNCTION}: the first argument must be the input: a query in parentheses, e.g. {FUNCTION}((SELECT * FROM cross_validation(...)), metrics => 'mae'), or a table name"
        );
    }
    let specs = metric_specs(&args)?;
    let agg = match (args.string("agg")?, args.string("agg_fn")?) {
        (Some(_), Some(_)) => {
            return plan_err!(
                "{FUNCTION}: pass only one of 'agg' and 'agg_fn' (the same argument)"
            );
        }
        (Some(text), None) | (None, Some(text)) => Some(AggFn::parse(&text)?),
        (None, None) => None,
    };
    let call_levels = match args.numbers("level")? {
        None => None,
        Some(levels) => Some(check_levels("argument 'level'", levels)?),
    };
    let id_name = args.string("id_col")?.unwrap_or_else(|| "unique_id".into());
    let time_name = args.string("time_col")?.unwrap_or_else(|| "ds".into());
    let target_name = args.string("target_col")?.unwrap_or_else(|| "y".into());
    let cutoff_arg = args.string("cutoff_col")?;
    let cutoff_name = cutoff_arg.clone().unwrap_or_else(|| "cutoff".into());

    let input = plan_input(FUNCTION, &args, ctx, session)?;
    let schema = input.schema().clone();
    let find =
        |argument: &str, name: &str| find_column(FUNCTION, &schema, "the input", argument, name);
    let (id_col, id_type) = find("id_col", &id_name)?;
    let (target_col, target_type) = find("target_col", &target_name)?;
    if !target_type.is_numeric() && !matches!(target_type, DataType::Null) {
        return plan_err!(
            "{FUNCTION}: target column '{target_name}' has type {target_type}; allowed: numeric types"
        );
    }
    let cutoff = match cutoff_arg {
        Some(name) => Some(find("cutoff_col", &name)?),
        None => find("cutoff_col", &cutoff_name).ok(),
    };
    let keys_named = [&id_name, &target_name, &cutoff_name, &time_name];
    let models = models(&args, &schema, &keys_named)?;

    let rows_out = output_rows(&specs, call_levels.as_deref(), &schema, &models)?;
    let used = used_columns(&rows_out, &models, &schema)?;

    // Project the input: keys, y and the used columns as Float64 with NaN as NULL.
    let internal: HashMap<&str, String> = used
        .iter()
        .enumerate()
        .map(|(i, name)| (name.as_str(), format!("__c{i}")))
        .collect();
    let mut projection = vec![Expr::Column(id_col).alias(&id_name)];
    let cutoff_type = cutoff.as_ref().map(|(_, t)| (*t).clone());
    if let Some((col, _)) = &cutoff {
        projection.push(Expr::Column(col.clone()).alias(&cutoff_name));
    }
    projection.push(nan_to_null(cast(Expr::Column(target_col), DataType::Float64)).alias(Y));
    for name in &used {
        let (col, _) = find_column(FUNCTION, &schema, "the input", "", name)?;
        projection.push(
            nan_to_null(cast(Expr::Column(col), DataType::Float64)).alias(&internal[name.as_str()]),
        );
    }
    let id_type = id_type.clone();
    let projected = LogicalPlanBuilder::from(input)
        .project(projection)?
        .build()?;

    // The values, and the aggregates and scales they read.
    let resolve = |name: &str| column(internal.get(name).map_or(name, String::as_str));
    let mut values = Values {
        col: &resolve,
        aggregates: Aggregates::default(),
        scales: Scales::default(),
    };
    let mut per_model: Vec<Vec<Expr>> = Vec::new();
    for model in &models {
        per_model.push(
            rows_out
                .iter()
                .map(|row| values.value(row, model))
                .collect::<Result<_>>()?,
        );
    }
    let Values {
        aggregates, scales, ..
    } = values;
    let aggregates = aggregates.into_exprs();
    let n_aggregates = aggregates.len();
    let mut group = vec![column(&id_name)];
    if cutoff.is_some() {
        group.push(column(&cutoff_name));
    }
    let mut plan = LogicalPlanBuilder::from(projected)
        .aggregate(group, aggregates)?
        .build()?;

    if !scales.is_empty() {
        let needing: Vec<&str> = specs
            .iter()
            .filter(|s| s.needs_train())
            .map(|s| s.name)
            .collect();
        let Some(train_expr) = args.expr("train") else {
            let verb = if needing.len() == 1 { "needs" } else { "need" };
            return plan_err!(
                "{FUNCTION}: {} {verb} the training data: pass train => (SELECT {id_name}, {time_name}, {target_name} FROM ...)",
                needing.join(", ")
            );
        };
        let train_plan = plan_relation(FUNCTION, "argument 'train'", train_expr, ctx, session)?;
        let names = [&id_name, &time_name, &target_name];
        let cutoff = cutoff_type.as_ref().map(|t| (cutoff_name.as_str(), t));
        let (train, time_type) = resolve_train(train_plan, names, cutoff)?;
        let keys = Keys {
            id: &id_name,
            id_type: &id_type,
            cutoff,
            time_type: &time_type,
        };
        plan = with_scales(plan, n_aggregates, &keys, train, &scales)?;
    }

    shape(
        plan,
        &rows_out,
        &models,
        per_model,
        &id_name,
        cutoff.map(|_| cutoff_name),
        agg,
    )
}

/// From one row per series with the values to utilsforecast's shape: `unique_id,
/// [cutoff,] metric, <models>` per series, or `[cutoff,] metric, <models>` aggregated.
///
/// Each series row becomes a list of output rows, structs of every output column,
/// unnested. The keys travel inside the structs: DataFusion 55 keeps the aggregate's
/// "one row per (id, cutoff)" across an unnest, and would drop `metric` from an
/// `ORDER BY unique_id, cutoff, metric` as determined by the others.
///
/// No sort: DataFusion drops an ORDER BY inside a relation in FROM anyway (as inside any
/// subquery without LIMIT), so the caller orders the rows.
fn shape(
    plan: LogicalPlan,
    rows: &[Row],
    models: &[String],
    per_model: Vec<Vec<Expr>>,
    id: &str,
    cutoff: Option<String>,
    agg: Option<AggFn>,
) -> Result<LogicalPlan> {
    const ROWS: &str = "__rows";
    let model_names: Vec<String> = (0..models.len()).map(|i| format!("__m{i}")).collect();
    let mut keys = vec![id.to_string()];
    keys.extend(cutoff.iter().cloned());
    let key_fields: Vec<String> = (0..keys.len()).map(|i| format!("__k{i}")).collect();
    let structs = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let mut fields = Vec::new();
            for (key, field) in keys.iter().zip(&key_fields) {
                fields.push(lit(field.clone()));
                fields.push(column(key));
            }
            fields.push(lit(METRIC));
            fields.push(lit(row.name.clone()));
            for (values, name) in per_model.iter().zip(&model_names) {
                fields.push(lit(name.clone()));
                fields.push(values[r].clone());
            }
            named_struct(fields)
        })
        .collect();
    let field = |name: &str| get_field(column(ROWS), name);
    let mut columns: Vec<Expr> = keys
        .iter()
        .zip(&key_fields)
        .map(|(key, f)| field(f).alias(key))
        .collect();
    columns.push(field(METRIC).alias(METRIC));
    columns.extend(model_names.iter().map(|m| field(m).alias(m)));
    let mut plan = LogicalPlanBuilder::from(plan)
        .project(vec![make_array(structs).alias(ROWS)])?
        .unnest_columns_with_options(
            vec![Column::new_unqualified(ROWS)],
            UnnestOptions::default(),
        )?
        .project(columns)?
        .build()?;

    if let Some(agg) = agg {
        keys.remove(0);
        let mut group: Vec<Expr> = keys.iter().map(|c| column(c)).collect();
        group.push(column(METRIC));
        let aggregates: Vec<Expr> = model_names
            .iter()
            .map(|m| nan_to_null(agg.apply(column(m))).alias(m))
            .collect();
        plan = LogicalPlanBuilder::from(plan)
            .aggregate(group, aggregates)?
            .build()?;
    }
    let mut out: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    out.push(column(METRIC));
    out.extend(
        model_names
            .iter()
            .zip(models)
            .map(|(internal, model)| column(internal).alias(model)),
    );
    LogicalPlanBuilder::from(plan).project(out)?.build()
}

/// The rows of the output: each metric with its levels (its own, the call's, or those of
/// the input's bound columns), named as utilsforecast names them, each name once.
fn output_rows(
    specs: &[MetricSpec],
    call_levels: Option<&[f64]>,
    schema: &DFSchema,
    models: &[String],
) -> Result<Vec<Row>> {
    let inferred = inferred_levels(schema, models);
    let mut out: Vec<Row> = Vec::new();
    for spec in specs {
        let levels = match (&spec.levels, call_levels) {
            _ if spec.bands() == Bands::None => Vec::new(),
            (Some(levels), _) => levels.clone(),
            (None, Some(levels)) => levels.to_vec(),
            (None, None) if inferred.is_empty() => {
                return plan_err!(
                    "{FUNCTION}: metric '{}' needs prediction intervals, but the input has no '<model>-lo-<level>' and '<model>-hi-<level>' columns of models {}; forecast with level => [...], or name the levels with level => [...]",
                    spec.name,
                    models.join(", ")
                );
            }
            (None, None) => inferred.clone(),
        };
        out.extend(rows(spec, &dedup(levels)));
    }
    let mut seen = BTreeSet::new();
    for row in &out {
        if !seen.insert(row.name.as_str()) {
            return plan_err!("{FUNCTION}: metric '{}' is asked for twice", row.name);
        }
    }
    Ok(out)
}

/// The input columns the rows read for the models (models, bounds, baselines), each once;
/// a missing or non-numeric one is a plan error naming the metric, model and level.
fn used_columns(rows: &[Row], models: &[String], schema: &DFSchema) -> Result<Vec<String>> {
    let mut used: Vec<String> = Vec::new();
    for row in rows {
        for model in models {
            for name in row_columns(row, model) {
                if used.contains(&name) {
                    continue;
                }
                let Ok((_, data_type)) = find_column(FUNCTION, schema, "the input", "", &name)
                else {
                    return Err(missing_column(row, model, &name, models));
                };
                if !data_type.is_numeric() && !matches!(data_type, DataType::Null) {
                    return plan_err!(
                        "{FUNCTION}: column '{name}' has type {data_type}; model and interval columns must be numeric"
                    );
                }
                used.push(name);
            }
        }
    }
    Ok(used)
}

/// The id, time and target columns of `train` (named as the input's), and the type its
/// time and the input's cutoff are compared in.
fn resolve_train(
    plan: LogicalPlan,
    [id, time, target]: [&String; 3],
    cutoff: Option<(&str, &DataType)>,
) -> Result<(Train, DataType)> {
    let schema = plan.schema().clone();
    let find = |argument: &str, name: &str| find_column(FUNCTION, &schema, "train", argument, name);
    let (train_id, _) = find("id_col", id)?;
    let (train_time, time_type) = find("time_col", time)?;
    let (train_y, y_type) = find("target_col", target)?;
    if !y_type.is_numeric() && !matches!(y_type, DataType::Null) {
        return plan_err!(
            "{FUNCTION}: target column '{target}' of train has type {y_type}; allowed: numeric types"
        );
    }
    let time_type = match cutoff {
        None => time_type.clone(),
        Some((cutoff_name, cutoff_type)) => comparison_coercion(time_type, cutoff_type)
            .ok_or_else(|| {
                plan_datafusion_err!(
                    "{FUNCTION}: the time column '{time}' of train ({time_type}) cannot be compared with the cutoff column '{cutoff_name}' ({cutoff_type})"
                )
            })?,
    };
    let train = Train {
        plan,
        id: Expr::Column(train_id),
        time: Expr::Column(train_time),
        y: Expr::Column(train_y),
    };
    Ok((train, time_type))
}

/// The `metrics` argument, read and checked.
fn metric_specs(args: &Args) -> Result<Vec<MetricSpec>> {
    let Some(text) = args.string("metrics")? else {
        return plan_err!(
            "{FUNCTION}: missing required argument 'metrics', e.g. metrics => 'mae, rmse, mase(seasonality=12)'; supported metrics: {}",
            supported_metrics()
        );
    };
    let calls = parse::parse_metrics(&text)
        .map_err(|e| plan_datafusion_err!("{FUNCTION}: argument 'metrics': {e}"))?;
    calls
        .iter()
        .map(|call| {
            metric_spec(call)
                .map_err(|e| plan_datafusion_err!("{FUNCTION}: argument 'metrics': {e}"))
        })
        .collect()
}

/// The model columns: `models => '...'`, or, as utilsforecast, every column but the id,
/// time, target and cutoff columns and the bounds (`-lo-<n>`, `-hi-<n>`); here only the
/// numeric ones.
fn models(args: &Args, schema: &DFSchema, keys: &[&String]) -> Result<Vec<String>> {
    let is_key = |name: &str| keys.iter().any(|k| k.as_str() == name);
    let models: Vec<String> = match args.string("models")? {
        Some(text) => {
            let names: Vec<String> = text
                .split(',')
                .map(|n| n.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
                .filter(|n| !n.is_empty())
                .collect();
            for (i, name) in names.iter().enumerate() {
                if names[..i].contains(name) {
                    return plan_err!("{FUNCTION}: argument 'models' names '{name}' twice");
                }
                if is_key(name) {
                    return plan_err!(
                        "{FUNCTION}: argument 'models' names '{name}', which is the id, time, target or cutoff column"
                    );
                }
                let (_, data_type) = find_column(FUNCTION, schema, "the input", "models", name)?;
                if !data_type.is_numeric() && !matches!(data_type, DataType::Null) {
                    return plan_err!(
                        "{FUNCTION}: model column '{name}' has type {data_type}; model columns must be numeric"
                    );
                }
            }
            names
        }
        None => schema
            .fields()
            .iter()
            .filter(|f| !is_key(f.name()) && !is_bound(f.name()))
            .filter(|f| f.data_type().is_numeric())
            .map(|f| f.name().clone())
            .collect(),
    };
    if models.is_empty() {
        let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        return plan_err!(
            "{FUNCTION}: no model column to evaluate: the input's columns are {}; name them with models => '...'",
            columns.join(", ")
        );
    }
    if let Some(clash) = models.iter().find(|m| m.as_str() == METRIC) {
        return plan_err!(
            "{FUNCTION}: a model column cannot be named '{clash}', the name of the output's metric column"
        );
    }
    Ok(models)
}

/// utilsforecast's `-(?:lo|hi)-\d+`: a prediction-interval bound column.
fn is_bound(name: &str) -> bool {
    ["-lo-", "-hi-"].iter().any(|marker| {
        name.match_indices(marker).any(|(at, _)| {
            name[at + marker.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    })
}

/// The levels of the bound columns the input has for the models, ascending: for
/// interval metrics given no level.
fn inferred_levels(schema: &DFSchema, models: &[String]) -> Vec<f64> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut levels: Vec<f64> = Vec::new();
    for model in models {
        for bounds in interval_bounds(model, &names) {
            let level = bounds.level;
            if level > 0.0 && level < 100.0 && !levels.contains(&level) {
                levels.push(level);
            }
        }
    }
    levels.sort_by(f64::total_cmp);
    levels
}

fn check_levels(what: &str, levels: Vec<f64>) -> Result<Vec<f64>> {
    for level in &levels {
        if !(*level > 0.0 && *level < 100.0) {
            return plan_err!("{FUNCTION}: {what} must hold numbers in (0, 100), got {level}");
        }
    }
    Ok(levels)
}

fn dedup(levels: Vec<f64>) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for level in levels {
        if !out.contains(&level) {
            out.push(level);
        }
    }
    out
}

fn missing_column(
    row: &Row,
    model: &str,
    name: &str,
    models: &[String],
) -> datafusion::common::DataFusionError {
    if row.spec.baseline.as_deref() == Some(name) {
        return plan_datafusion_err!(
            "{FUNCTION}: {}: the baseline column '{name}' is not in the input",
            row.spec.name
        );
    }
    let level = match &row.band {
        metrics::Band::Level(l) | metrics::Band::Quantile { level: l, .. } => {
            Some(metrics::format_level(*l))
        }
        metrics::Band::Levels(levels) => levels
            .iter()
            .find(|l| name.ends_with(&format!("-{}", metrics::format_level(**l))))
            .map(|l| metrics::format_level(*l)),
        metrics::Band::Point => None,
    };
    match level {
        Some(level) => plan_datafusion_err!(
            "{FUNCTION}: {} needs the prediction interval at level {level} of model '{model}', but the input has no column '{name}'; evaluate {} with models => '...', or other levels with level => [...]",
            row.spec.name,
            if models.len() > 1 {
                "only the models with intervals"
            } else {
                "that model"
            }
        ),
        None => plan_datafusion_err!("{FUNCTION}: column '{name}' is not in the input"),
    }
}
