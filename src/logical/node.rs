//! [`ForecastNode`]: a `UserDefinedLogicalNodeCore` over the `(id, ds, y)` input.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use datafusion::common::{DFSchema, DFSchemaRef, Result};
use datafusion::logical_expr::{Expr, LogicalPlan, UserDefinedLogicalNodeCore};

use super::{ForecastParams, Task, output_schema};

/// Forecasts every series of its input. The input has exactly three columns, in this
/// order: the id, the time column and the target (Float64).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ForecastNode {
    input: LogicalPlan,
    params: ForecastParams,
    schema: DFSchemaRef,
}

impl ForecastNode {
    /// Builds the node and its output schema.
    pub fn try_new(input: LogicalPlan, params: ForecastParams) -> Result<Self> {
        let input_schema = input.schema();
        let id_type = input_schema.field(0).data_type();
        let time_type = input_schema.field(1).data_type();
        let schema = output_schema(&params, id_type, time_type)?;
        let schema = Arc::new(DFSchema::try_from(schema.as_ref().clone())?);
        Ok(Self {
            input,
            params,
            schema,
        })
    }

    /// The node's parameters.
    pub fn params(&self) -> &ForecastParams {
        &self.params
    }

    /// The `(id, ds, y)` input plan.
    pub fn input(&self) -> &LogicalPlan {
        &self.input
    }
}

impl PartialOrd for ForecastNode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match self.params.cmp(&other.params) {
            Ordering::Equal => self.input.partial_cmp(&other.input),
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
        vec![&self.input]
    }

    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }

    fn expressions(&self) -> Vec<Expr> {
        vec![]
    }

    /// Only filters on the series id may move below the node: a filter on `ds` or `y`
    /// would change the training data.
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
        fmt_params(&self.params, f)
    }

    fn with_exprs_and_inputs(
        &self,
        _exprs: Vec<Expr>,
        mut inputs: Vec<LogicalPlan>,
    ) -> Result<Self> {
        let input = inputs.swap_remove(0);
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
            return Ok(Self {
                input,
                params: self.params.clone(),
                schema: Arc::clone(&self.schema),
            });
        }
        Self::try_new(input, self.params.clone())
    }

    /// Every input column is needed, whatever the output columns used above.
    fn necessary_children_exprs(&self, _output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        Some(vec![vec![0, 1, 2]])
    }
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
