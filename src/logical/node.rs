//! [`ForecastNode`]: a `UserDefinedLogicalNodeCore` over the `(id, ds, y, regressors...)`
//! input and, for regressors' future values, the `(id, ds, regressors...)` future input.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::common::{DFSchema, DFSchemaRef, Result, internal_err};
use datafusion::logical_expr::{Expr, LogicalPlan, UserDefinedLogicalNodeCore};

use super::{ForecastParams, PREDICT_FIT_COLUMNS, Task, output_schema, predict_fit_types};

/// Forecasts every series of its input.
///
/// The input's columns, in this order: the id, the time column, the target (Float64),
/// then the exogenous regressors (Float64), present only when a model uses them. A
/// forecast with regressors has a second input, `future`: the id and time columns (of
/// the input's types) and the same regressors in the same order, holding their values
/// at the forecast dates. The output schema does not depend on the regressors.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ForecastNode {
    input: LogicalPlan,
    future: Option<LogicalPlan>,
    params: ForecastParams,
    schema: DFSchemaRef,
}

impl ForecastNode {
    /// Builds the node and its output schema; `future` is the regressors' future values
    /// (required by a forecast with regressors, refused otherwise).
    pub fn try_new(
        input: LogicalPlan,
        future: Option<LogicalPlan>,
        params: ForecastParams,
    ) -> Result<Self> {
        check_inputs(
            &params,
            input.schema().as_arrow(),
            future.as_ref().map(|f| f.schema().as_arrow()),
        )?;
        let (id_type, time_type) = key_types(&params, input.schema().as_arrow());
        let schema = output_schema(&params, &id_type, &time_type)?;
        let schema = Arc::new(DFSchema::try_from(schema.as_ref().clone())?);
        Ok(Self {
            input,
            future,
            params,
            schema,
        })
    }

    /// The node's parameters.
    pub fn params(&self) -> &ForecastParams {
        &self.params
    }

    /// The `(id, ds, y, regressors...)` input plan.
    pub fn input(&self) -> &LogicalPlan {
        &self.input
    }

    /// The `(id, ds, regressors...)` plan of the regressors' future values, if any.
    pub fn future(&self) -> Option<&LogicalPlan> {
        self.future.as_ref()
    }

    /// The names of the exogenous regressors, in input order.
    pub fn regressors(&self) -> Vec<String> {
        input_regressors(&self.params, self.input.schema().as_arrow())
    }
}

impl PartialOrd for ForecastNode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match self.params.cmp(&other.params) {
            Ordering::Equal => match self.input.partial_cmp(&other.input)? {
                Ordering::Equal => self.future.partial_cmp(&other.future),
                ordering => Some(ordering),
            },
            ordering => Some(ordering),
        }
    }
}

impl UserDefinedLogicalNodeCore for ForecastNode {
    fn name(&self) -> &str {
        match self.params.task {
            Task::Forecast { .. } => "Forecast",
            Task::CrossValidation(_) => "CrossValidation",
            Task::Fit => "FitModels",
            Task::Predict { .. } => "Predict",
        }
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        std::iter::once(&self.input).chain(&self.future).collect()
    }

    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }

    fn expressions(&self) -> Vec<Expr> {
        vec![]
    }

    /// Only filters on the series id may move below the node (into both inputs, where the
    /// id has the same name): a filter on `ds` or `y` would change the training data.
    fn prevent_predicate_push_down_columns(&self) -> HashSet<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .filter(|name| name != &self.params.columns.id)
            .collect()
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.name())?;
        fmt_params(&self.params, f)?;
        fmt_regressors(&self.regressors(), f)
    }

    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, inputs: Vec<LogicalPlan>) -> Result<Self> {
        let mut inputs = inputs.into_iter();
        let (Some(input), future, None) = (inputs.next(), inputs.next(), inputs.next()) else {
            return internal_err!("ForecastNode takes one or two inputs");
        };
        // The output schema depends on the input only through the id and time types:
        // keep it rather than rebuild thousands of columns on every optimizer pass.
        let types = |plan: &LogicalPlan| key_types(&self.params, plan.schema().as_arrow());
        if types(&input) == types(&self.input) {
            check_inputs(
                &self.params,
                input.schema().as_arrow(),
                future.as_ref().map(|f| f.schema().as_arrow()),
            )?;
            return Ok(Self {
                input,
                future,
                params: self.params.clone(),
                schema: Arc::clone(&self.schema),
            });
        }
        Self::try_new(input, future, self.params.clone())
    }

    /// Every column of both inputs is needed, whatever the output columns used above.
    fn necessary_children_exprs(&self, _output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        Some(
            self.inputs()
                .iter()
                .map(|plan| (0..plan.schema().fields().len()).collect())
                .collect(),
        )
    }
}

/// The types of the id and of the time column of the node's first input (for `predict`,
/// the fits, whose time column is `last_ds`).
pub(crate) fn key_types(params: &ForecastParams, input: &Schema) -> (DataType, DataType) {
    let time = match params.task {
        Task::Predict { .. } => 4,
        _ => 1,
    };
    (
        input.field(0).data_type().clone(),
        input.field(time).data_type().clone(),
    )
}

/// The regressors of the node's first input (`predict` has none).
pub(crate) fn input_regressors(params: &ForecastParams, input: &Schema) -> Vec<String> {
    match params.task {
        Task::Predict { .. } => Vec::new(),
        _ => regressor_names(input),
    }
}

/// The regressors of an `(id, ds, y, regressors...)` input: every column after the third.
pub(crate) fn regressor_names(input: &Schema) -> Vec<String> {
    input
        .fields()
        .iter()
        .skip(3)
        .map(|f| f.name().clone())
        .collect()
}

/// Checks the shapes SQL planning gives the inputs of the node and of its exec (anything
/// else is an internal error): `input` is `(id, ds, y, regressors...)` with Float64 target
/// and regressors; `future`, given exactly when a forecast has regressors, is `(id, ds,
/// regressors...)` with the input's id and time types and the same regressors in order.
pub(crate) fn check_inputs(
    params: &ForecastParams,
    input: &Schema,
    future: Option<&Schema>,
) -> Result<()> {
    let function = params.function_name();
    if let Task::Predict { forward } = params.task {
        return check_predict_inputs(forward, input, future);
    }
    if input.fields().len() < 3
        || input
            .fields()
            .iter()
            .skip(2)
            .any(|f| f.data_type() != &DataType::Float64)
    {
        return internal_err!(
            "{function}: the node's input must be (id, ds, y, regressors...) with Float64 y and regressors, got {input:?}"
        );
    }
    let regressors = regressor_names(input);
    let needs_future = !regressors.is_empty() && matches!(params.task, Task::Forecast { .. });
    match future {
        None if needs_future => internal_err!(
            "{function}: the regressors {regressors:?} need the input of their future values"
        ),
        Some(_) if !needs_future => {
            internal_err!("{function}: a future input is only taken by a forecast with regressors")
        }
        Some(future)
            if future.fields().len() != 2 + regressors.len()
                || future.field(0).data_type() != input.field(0).data_type()
                || future.field(1).data_type() != input.field(1).data_type()
                || future
                    .fields()
                    .iter()
                    .skip(2)
                    .map(|f| f.name())
                    .ne(&regressors)
                || future
                    .fields()
                    .iter()
                    .skip(2)
                    .any(|f| f.data_type() != &DataType::Float64) =>
        {
            internal_err!(
                "{function}: the future input must be (id, ds, {}) with the input's id and time types and Float64 regressors, got {future:?}",
                regressors.join(", ")
            )
        }
        _ => Ok(()),
    }
}

/// `predict`'s inputs: the fits `(id, model, spec, last_ds, freq, state)` and, exactly
/// with `forward`, the observations `(id, ds, y)` with the fits' id and time types.
fn check_predict_inputs(forward: bool, fits: &Schema, observations: Option<&Schema>) -> Result<()> {
    let time_type = match fits.fields().get(4) {
        Some(field) => field.data_type().clone(),
        None => return internal_err!("predict: the fits input must have 7 columns, got {fits:?}"),
    };
    let expected = predict_fit_types(&time_type);
    let shape_ok = fits.fields().len() == 1 + PREDICT_FIT_COLUMNS.len()
        && fits
            .fields()
            .iter()
            .skip(1)
            .zip(PREDICT_FIT_COLUMNS.iter().zip(&expected))
            .all(|(field, (name, data_type))| {
                field.name() == name && field.data_type() == data_type
            });
    if !shape_ok {
        return internal_err!(
            "predict: the fits input must be (id, {}), got {fits:?}",
            PREDICT_FIT_COLUMNS.join(", ")
        );
    }
    match observations {
        None if forward => internal_err!("predict: forward needs the observations input"),
        Some(_) if !forward => {
            internal_err!("predict: the observations input is only taken with forward")
        }
        Some(obs)
            if obs.fields().len() != 3
                || obs.field(0).data_type() != fits.field(0).data_type()
                || obs.field(1).data_type() != &time_type
                || obs.field(2).data_type() != &DataType::Float64 =>
        {
            internal_err!(
                "predict: the input must be (id, ds, y) with the fits' id and time types and Float64 y, got {obs:?}"
            )
        }
        _ => Ok(()),
    }
}

/// `, regressors=[promo, price]` when there are regressors, shared by the logical and
/// physical EXPLAIN lines.
pub(crate) fn fmt_regressors(regressors: &[String], f: &mut fmt::Formatter) -> fmt::Result {
    if regressors.is_empty() {
        return Ok(());
    }
    write!(f, ", regressors=[{}]", regressors.join(", "))
}

/// `: h=12, models=[Naive()], levels=[80, 95], ...`, shared by the logical and physical
/// EXPLAIN lines.
pub(crate) fn fmt_params(params: &ForecastParams, f: &mut fmt::Formatter) -> fmt::Result {
    if params.task == Task::Fit {
        write!(f, ": models=[{}]", params.models.join(", "))?;
    } else {
        write!(f, ": h={}, models=[{}]", params.h, params.models.join(", "))?;
    }
    if !params.levels.is_empty() {
        let levels: Vec<String> = params
            .levels
            .iter()
            .map(|l| super::format_level(l.0))
            .collect();
        write!(f, ", level=[{}]", levels.join(", "))?;
    }
    match &params.task {
        Task::Forecast { fitted } => {
            if *fitted {
                write!(f, ", fitted=true")?;
            }
        }
        Task::Fit => {}
        Task::Predict { forward } => {
            if *forward {
                write!(f, ", forward=true")?;
            }
        }
        Task::CrossValidation(cv) => {
            write!(
                f,
                ", n_windows={}, step_size={}, test_size={}",
                cv.n_windows, cv.step_size, cv.test_size
            )?;
            if let Some(input_size) = cv.input_size {
                write!(f, ", input_size={input_size}")?;
            }
            if !cv.refit {
                write!(f, ", refit=false")?;
            }
            if cv.fitted {
                write!(f, ", fitted=true")?;
            }
        }
    }
    if let Some(fallback) = &params.fallback_model {
        write!(f, ", fallback_model={fallback}")?;
    }
    if let Some(freq) = &params.freq {
        write!(f, ", freq='{freq}'")?;
    }
    Ok(())
}
