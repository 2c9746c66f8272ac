//! [`ForecastNode`]: a `UserDefinedLogicalNodeCore` over the `(id, ds, y, regressors...)`
//! input and, for regressors' future values, the `(id, ds, regressors...)` future input.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::common::{DFSchema, DFSchemaRef, Result, internal_err};
use datafusion::logical_expr::{Expr, LogicalPlan, UserDefinedLogicalNodeCore};

use super::{ForecastParams, Task, output_schema};

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
        let input_schema = input.schema();
        let id_type = input_schema.field(0).data_type();
        let time_type = input_schema.field(1).data_type();
        let schema = output_schema(&params, id_type, time_type)?;
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
        regressor_names(self.input.schema().as_arrow())
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
        let types = |plan: &LogicalPlan| {
            let schema = plan.schema();
            (
                schema.field(0).data_type().clone(),
                schema.field(1).data_type().clone(),
            )
        };
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
    write!(f, ": h={}, models=[{}]", params.h, params.models.join(", "))?;
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
