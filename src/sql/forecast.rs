//! Planning of `forecast(...)` and `cross_validation(...)`: argument validation, the
//! `(id, ds, y, regressors...)` projection of the input, the `future` input, and the
//! [`ForecastNode`].

use std::sync::{Arc, Weak};

use datafusion::arrow::datatypes::DataType;
use datafusion::common::TableReference;
use datafusion::common::{Column, DFSchema, Result, plan_datafusion_err, plan_err};
use datafusion::datasource::provider_as_source;
use datafusion::execution::SessionState;
use datafusion::logical_expr::planner::RelationPlannerContext;
use datafusion::logical_expr::{
    Expr, Extension, LogicalPlan, LogicalPlanBuilder, TableSource, cast,
};
use datafusion::sql::sqlparser::ast::{
    Expr as SqlExpr, FunctionArgExpr, Ident, ObjectName, TableFactor, Value,
};
use parking_lot::RwLock;

use super::Args;
use super::regressors::{
    future_is_required, input_regressors, models_using_regressors, project_future,
};
use crate::logical::{
    ColumnNames, CrossValidation, ForecastNode, ForecastParams, Freq, Level, Task,
};
use crate::models::{
    ConformalIntervals, ModelSpec, build_model, parse_conformal_intervals, parse_model_specs,
};
use crate::physical::time::freq_fits;

pub(super) type Session = Weak<RwLock<SessionState>>;

const COMMON_ARGS: &[&str] = &[
    "h",
    "models",
    "level",
    "fitted",
    "freq",
    "fallback_model",
    "prediction_intervals",
    "id_col",
    "time_col",
    "target_col",
];
const CV_ARGS: &[&str] = &["n_windows", "step_size", "test_size", "input_size", "refit"];

/// Refuses arguments after the input that are not `name => value`, before any other
/// check could report them as missing.
fn only_the_input_is_positional(function: &str, args: &Args) -> Result<()> {
    if args.positional.len() > 1 {
        let listed = COMMON_ARGS[..2].join(" => .., ");
        return plan_err!(
            "{function}: only the input is positional; pass the other arguments by name, e.g. {function}(input, {listed} => ..)"
        );
    }
    Ok(())
}

/// Plans `forecast(input, h => .., models => .., future => .., ...)`.
pub(super) fn plan_forecast(
    args: Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    only_the_input_is_positional("forecast", &args)?;
    let allowed: Vec<&str> = COMMON_ARGS.iter().chain(&["future"]).copied().collect();
    args.check_names(&allowed)?;
    let fitted = args.bool("fitted")?.unwrap_or(false);
    plan(args, ctx, session, "forecast", Task::Forecast { fitted })
}

/// Plans `cross_validation(input, h => .., models => .., n_windows => .., ...)`.
pub(super) fn plan_cross_validation(
    args: Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    only_the_input_is_positional("cross_validation", &args)?;
    let allowed: Vec<&str> = COMMON_ARGS.iter().chain(CV_ARGS).copied().collect();
    args.check_names(&allowed)?;
    let h = args.required_positive_int("h")?;
    let step_size = args.positive_int("step_size")?.unwrap_or(1);
    let n_windows_arg = args.positive_int("n_windows")?;
    let (n_windows, test_size) = match (n_windows_arg, args.positive_int("test_size")?) {
        (n_windows, None) => {
            let n_windows = n_windows.unwrap_or(1);
            (n_windows, h + step_size * (n_windows - 1))
        }
        (n_windows, Some(test_size)) => {
            if test_size < h || (test_size - h) % step_size != 0 {
                return plan_err!(
                    "cross_validation: test_size ({test_size}) must be h ({h}) plus a multiple of step_size ({step_size})"
                );
            }
            let derived = (test_size - h) / step_size + 1;
            if let Some(n) = n_windows
                && n != derived
            {
                return plan_err!(
                    "cross_validation: n_windows ({n}) disagrees with test_size ({test_size}), which gives {derived} windows of h={h} every step_size={step_size}; pass only one of them"
                );
            }
            (derived, test_size)
        }
    };
    let cv = CrossValidation {
        n_windows,
        step_size,
        test_size,
        input_size: args.positive_int("input_size")?,
        refit: args.bool("refit")?.unwrap_or(true),
        fitted: args.bool("fitted")?.unwrap_or(false),
    };
    plan(
        args,
        ctx,
        session,
        "cross_validation",
        Task::CrossValidation(cv),
    )
}

fn plan(
    args: Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
    function: &'static str,
    task: Task,
) -> Result<LogicalPlan> {
    let h = args.required_positive_int("h")?;
    let (specs, fallback) = parse_models(function, &args)?;
    let levels = parse_levels(function, args.numbers("level")?)?;
    let specs = match args.string("prediction_intervals")? {
        None => specs,
        Some(text) => {
            let settings = parse_conformal_intervals(&text)
                .map_err(|e| plan_datafusion_err!("{function}: prediction_intervals: {e}"))?;
            if levels.is_empty() {
                return plan_err!(
                    "{function}: prediction_intervals needs level => [...], the confidence levels of the intervals"
                );
            }
            with_call_level_intervals(specs, &settings)
        }
    };
    let regressor_users = models_using_regressors(&specs, fallback.as_ref());
    if let Task::CrossValidation(cv) = &task
        && !cv.refit
    {
        let without: Vec<&str> = specs
            .iter()
            .chain(fallback.iter())
            .filter(|spec| build_model(spec).map(|m| !m.has_forward()).unwrap_or(true))
            .map(|spec| spec.alias())
            .collect();
        if !without.is_empty() {
            return plan_err!(
                "cross_validation: refit => false needs models with a forward step; these have none: {}",
                without.join(", ")
            );
        }
    }
    let spec = NodeSpec {
        task,
        h,
        models: specs,
        fallback,
        levels,
        regressor_users,
    };
    plan_node(&args, ctx, session, function, spec)
}

/// The models of `models => '..'` and the model of `fallback_model => '..'`.
pub(super) fn parse_models(
    function: &str,
    args: &Args,
) -> Result<(Vec<ModelSpec>, Option<ModelSpec>)> {
    let models_text = args.string("models")?.ok_or_else(|| {
        plan_datafusion_err!(
            "{function}: missing required argument 'models', e.g. models => 'Naive(), SeasonalNaive(season_length=7)'"
        )
    })?;
    let specs = parse_specs(function, "models", &models_text)?;
    if specs.is_empty() {
        return plan_err!("{function}: argument 'models' names no model");
    }
    let fallback = match args.string("fallback_model")? {
        None => None,
        Some(text) => {
            let mut parsed = parse_specs(function, "fallback_model", &text)?;
            if parsed.len() != 1 {
                return plan_err!(
                    "{function}: argument 'fallback_model' must name exactly one model, got {}",
                    parsed.len()
                );
            }
            Some(parsed.remove(0))
        }
    };
    Ok((specs, fallback))
}

/// What the node computes, from the arguments.
pub(super) struct NodeSpec {
    pub(super) task: Task,
    pub(super) h: usize,
    pub(super) models: Vec<ModelSpec>,
    pub(super) fallback: Option<ModelSpec>,
    pub(super) levels: Vec<Level>,
    /// Aliases of the models that read the input's other columns as regressors.
    pub(super) regressor_users: Vec<String>,
}

/// Plans the input, projected to `(id, ds, y, regressors...)`, the `future` input and the
/// [`ForecastNode`]; reads the `id_col`, `time_col`, `target_col`, `freq` and `future`
/// arguments.
pub(super) fn plan_node(
    args: &Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
    function: &'static str,
    spec: NodeSpec,
) -> Result<LogicalPlan> {
    let NodeSpec {
        task,
        h,
        models: specs,
        fallback,
        levels,
        regressor_users,
    } = spec;
    let columns = ColumnNames {
        id: args.string("id_col")?.unwrap_or_else(|| "unique_id".into()),
        time: args.string("time_col")?.unwrap_or_else(|| "ds".into()),
        target: args.string("target_col")?.unwrap_or_else(|| "y".into()),
    };
    let freq_text = args.string("freq")?;

    let input = plan_input(function, args, ctx, session)?;
    let (id, time, target) = resolve_columns(function, input.schema(), &columns)?;
    let freq = match freq_text {
        None => None,
        Some(text) => Some(parse_freq(function, &text, time.1)?),
    };
    let input_types = (id.1.clone(), time.1.clone());
    let regressors = input_regressors(function, input.schema(), &columns, &regressor_users)?;
    let future = match args.expr("future") {
        None => None,
        Some(expr) => Some(plan_relation(
            function,
            "argument 'future'",
            expr,
            ctx,
            session,
        )?),
    };
    let future = match future {
        _ if regressors.is_empty() => None,
        Some(future) => Some(project_future(
            future,
            &columns,
            (&input_types.0, &input_types.1),
            &regressors,
        )?),
        None if matches!(task, Task::Forecast { .. }) => {
            return future_is_required(&regressors, &columns, &regressor_users);
        }
        None => None,
    };
    let mut projection = vec![
        Expr::Column(id.0).alias(&columns.id),
        Expr::Column(time.0).alias(&columns.time),
        cast(Expr::Column(target.0), DataType::Float64).alias(&columns.target),
    ];
    projection.extend(regressors.into_iter().map(|column| {
        let name = column.name.clone();
        cast(Expr::Column(column), DataType::Float64).alias(name)
    }));
    let input = LogicalPlanBuilder::from(input)
        .project(projection)?
        .build()?;
    let params = ForecastParams {
        task,
        h,
        models: specs.iter().map(ToString::to_string).collect(),
        fallback_model: fallback.map(|spec| spec.to_string()),
        levels,
        freq,
        columns,
    };
    let node = ForecastNode::try_new(input, future, params)?;
    Ok(LogicalPlan::Extension(Extension {
        node: Arc::new(node),
    }))
}

/// statsforecast's call-level `prediction_intervals`: given to every model without its own,
/// except where statsforecast's own intervals win (MSTL keeps its trend forecaster's, the
/// constant models their zero-width bands). The fallback model is not among the models
/// statsforecast gives it to.
pub(super) fn with_call_level_intervals(
    specs: Vec<ModelSpec>,
    settings: &ConformalIntervals,
) -> Vec<ModelSpec> {
    specs
        .into_iter()
        .map(|spec| {
            let keeps_its_own = spec.prediction_intervals().is_some()
                || matches!(spec.class_name(), "MSTL" | "ConstantModel" | "ZeroModel");
            if keeps_its_own {
                spec
            } else {
                spec.with_prediction_intervals(Some(*settings))
            }
        })
        .collect()
}

fn parse_specs(function: &str, argument: &str, text: &str) -> Result<Vec<ModelSpec>> {
    parse_model_specs(text).map_err(|e| plan_datafusion_err!("{function}: {argument}: {e}"))
}

pub(super) fn parse_levels(function: &str, levels: Option<Vec<f64>>) -> Result<Vec<Level>> {
    let mut levels = levels.unwrap_or_default();
    for level in &levels {
        if !(*level > 0.0 && *level < 100.0) {
            return plan_err!(
                "{function}: argument 'level' must hold numbers in (0, 100), got {level}"
            );
        }
    }
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    Ok(levels.into_iter().map(Level).collect())
}

fn parse_freq(function: &str, text: &str, time_type: &DataType) -> Result<Freq> {
    let freq =
        Freq::parse(text).map_err(|e| plan_datafusion_err!("{function}: argument 'freq': {e}"))?;
    if freq_fits(&freq, time_type) {
        return Ok(freq);
    }
    match freq {
        Freq::Step(step) => plan_err!(
            "{function}: argument 'freq' is the integer step {step}, but ds is {time_type}; use an interval such as '1 day' or '1 month'"
        ),
        _ if time_type.is_integer() => plan_err!(
            "{function}: argument 'freq' is the interval '{text}', but ds is {time_type}; use a positive integer step"
        ),
        _ => plan_err!(
            "{function}: argument 'freq' '{text}' is finer than a day, but ds is {time_type}; use a timestamp ds or a whole number of days"
        ),
    }
}

/// Plans the first argument, the input.
pub(super) fn plan_input(
    function: &str,
    args: &Args,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    match args.positional.first() {
        Some(FunctionArgExpr::Expr(expr)) => {
            plan_relation(function, "the first argument", expr, ctx, session)
        }
        Some(_) => plan_err!(
            "{function}: the first argument must be a query in parentheses or a table name"
        ),
        None => plan_err!(
            "{function}: the first argument must be the input: a query in parentheses, e.g. {function}((SELECT unique_id, ds, y FROM t), h => 7, models => 'Naive()'), or a table name"
        ),
    }
}

/// Plans a relation argument (`what`: "the first argument", "argument 'future'"): a
/// parenthesised query, a table name in quotes, or a bare table name.
pub(super) fn plan_relation(
    function: &str,
    what: &str,
    expr: &SqlExpr,
    ctx: &mut dyn RelationPlannerContext,
    session: Option<&Session>,
) -> Result<LogicalPlan> {
    let table = |name: ObjectName| TableFactor::Table {
        name,
        alias: None,
        args: None,
        with_hints: vec![],
        version: None,
        with_ordinality: false,
        partitions: vec![],
        json_path: None,
        sample: None,
        index_hints: vec![],
    };
    let name = match expr {
        SqlExpr::Subquery(query) => {
            return ctx.plan(TableFactor::Derived {
                lateral: false,
                subquery: query.clone(),
                alias: None,
                sample: None,
            });
        }
        SqlExpr::Value(v) => match &v.value {
            Value::SingleQuotedString(name) | Value::DoubleQuotedString(name) => {
                ObjectName::from(vec![Ident::with_quote('"', name.clone())])
            }
            _ => {
                return plan_err!(
                    "{function}: {what} must be a query in parentheses or a table name"
                );
            }
        },
        SqlExpr::Identifier(ident) => ObjectName::from(vec![ident.clone()]),
        SqlExpr::CompoundIdentifier(parts) => ObjectName::from(parts.clone()),
        _ => {
            return plan_err!("{function}: {what} must be a query in parentheses or a table name");
        }
    };
    match ctx.plan(table(name.clone())) {
        Ok(plan) => Ok(plan),
        Err(not_resolved) => {
            let reference = ctx.object_name_to_table_reference(name)?;
            match lookup_table(session, &reference)? {
                Some(source) => LogicalPlanBuilder::scan(reference, source, None)?.build(),
                None => Err(not_resolved),
            }
        }
    }
}

/// Looks a table up in the session's catalogs (see [`super::ForecastRelationPlanner`]).
fn lookup_table(
    session: Option<&Session>,
    reference: &TableReference,
) -> Result<Option<Arc<dyn TableSource>>> {
    let Some(state) = session.and_then(Weak::upgrade) else {
        return Ok(None);
    };
    // A copy of the state, so that no lock is held while the catalog answers.
    let state = state.read().clone();
    let Ok(schema) = state.schema_for_ref(reference.clone()) else {
        return Ok(None);
    };
    let table = futures::executor::block_on(schema.table(reference.table()))?;
    Ok(table.map(provider_as_source))
}

type Resolved<'a> = (Column, &'a DataType);

/// The column `name` of `relation` ("the input", "future"), given by `argument`.
pub(super) fn find_column<'a>(
    function: &str,
    schema: &'a DFSchema,
    relation: &str,
    argument: &str,
    name: &str,
) -> Result<Resolved<'a>> {
    match schema.qualified_field_with_unqualified_name(name) {
        Ok((qualifier, field)) => Ok((
            Column::new(qualifier.cloned(), field.name()),
            field.data_type(),
        )),
        Err(_) => {
            let available: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            plan_err!(
                "{function}: column '{name}' ({argument}) is not in {relation}; its columns are: {}",
                available.join(", ")
            )
        }
    }
}

fn resolve_columns<'a>(
    function: &str,
    schema: &'a DFSchema,
    names: &ColumnNames,
) -> Result<(Resolved<'a>, Resolved<'a>, Resolved<'a>)> {
    let find =
        |argument: &str, name: &str| find_column(function, schema, "the input", argument, name);
    let id = find("id_col", &names.id)?;
    let time = find("time_col", &names.time)?;
    let target = find("target_col", &names.target)?;
    if !is_id_type(id.1) {
        return plan_err!(
            "{function}: id column '{}' has type {}; allowed: strings, dictionaries of strings, integers",
            names.id,
            id.1
        );
    }
    if !(time.1.is_integer()
        || matches!(
            time.1,
            DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64
        ))
    {
        return plan_err!(
            "{function}: time column '{}' has type {}; allowed: Timestamp (any unit, with or without time zone), Date32, Date64, integers",
            names.time,
            time.1
        );
    }
    if !target.1.is_numeric() && !matches!(target.1, DataType::Null) {
        return plan_err!(
            "{function}: target column '{}' has type {}; allowed: numeric types",
            names.target,
            target.1
        );
    }
    if names.id == names.time || names.id == names.target || names.time == names.target {
        return plan_err!(
            "{function}: id_col, time_col and target_col must be three different columns"
        );
    }
    Ok((id, time, target))
}

fn is_id_type(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, value) => is_id_type(value),
        other => other.is_integer(),
    }
}
