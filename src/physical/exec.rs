//! [`ForecastExec`]: states its input requirements (hash-partitioned on the series id,
//! sorted by id and time; with a `future` input, both inputs co-partitioned) and runs
//! the models one series at a time.

use std::fmt;
use std::sync::Arc;

use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{Result, internal_err, plan_datafusion_err};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{
    EquivalenceProperties, LexRequirement, OrderingRequirements, Partitioning, PhysicalExpr,
    PhysicalSortExpr, PhysicalSortRequirement,
};
use datafusion::physical_plan::distribution_requirements::InputDistributionRequirements;
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::metrics::{ExecutionPlanMetricsSet, MetricsSet};
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, Distribution, ExecutionPlan, ExecutionPlanProperties,
    PlanProperties, SendableRecordBatchStream,
};

use super::memory::ExecMemory;
use super::metrics::ForecastMetrics;
use super::predict::{ModelCache, PredictStream};
use super::progress::Progress;
use super::series::{PlannedModel, SeriesRunner};
use super::stream::ForecastStream;
use super::time::TimeKind;
use crate::logical::{
    ForecastParams, Task, check_inputs, input_regressors, key_types, output_schema,
};
use crate::models::build_model;

/// Runs `forecast` / `cross_validation` over an input of `(id, ds, y, regressors...)`
/// columns and, for a forecast with regressors, a `future` input of `(id, ds,
/// regressors...)`.
///
/// Partition `p` reads partition `p` of both inputs, so the exec asks for them
/// co-partitioned: hash-partitioned on the id into the same number of partitions (the
/// planner gives both ids one type, hence one hash), as a partitioned hash join does;
/// DataFusion's `EnforceDistribution` then shuffles both alike. Each is sorted by
/// `(id, ds)`, and the two streams are merged series by series.
#[derive(Debug)]
pub struct ForecastExec {
    input: Arc<dyn ExecutionPlan>,
    future: Option<Arc<dyn ExecutionPlan>>,
    runner: Arc<SeriesRunner>,
    schema: SchemaRef,
    metrics: ExecutionPlanMetricsSet,
    properties: Arc<PlanProperties>,
    progress: Arc<Progress>,
    /// `predict`: the models of the specs its fits hold, built once per spec.
    fitted_models: Arc<ModelCache>,
}

impl ForecastExec {
    /// Validates the parameters against the inputs and caches the plan properties;
    /// `future` holds the regressors' future values (a forecast with regressors only).
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        future: Option<Arc<dyn ExecutionPlan>>,
        params: ForecastParams,
    ) -> Result<Self> {
        let input_schema = input.schema();
        check_inputs(
            &params,
            &input_schema,
            future.as_ref().map(|f| f.schema()).as_deref(),
        )?;
        let (id_type, time_type) = key_types(&params, &input_schema);
        let schema = output_schema(&params, &id_type, &time_type)?;
        let time_kind = TimeKind::try_new(&time_type)
            .ok_or_else(|| plan_datafusion_err!("unsupported time column type {time_type}"))?;
        let specs = crate::logical::parse_specs(&params.models)?;
        let levels: Vec<f64> = params.levels.iter().map(|l| l.0).collect();
        let fallback_spec = match &params.fallback_model {
            None => None,
            Some(text) => crate::logical::parse_specs(std::slice::from_ref(text))?
                .into_iter()
                .next(),
        };
        let mut models = Vec::with_capacity(specs.len());
        for spec in &specs {
            let model = build_model(spec).map_err(|e| plan_datafusion_err!("{e}"))?;
            models.push(PlannedModel {
                alias: spec.alias().to_string(),
                spec: spec.to_string(),
                fallback_spec: fallback_spec
                    .as_ref()
                    .map(|f| f.clone().with_alias(spec.alias()).to_string()),
                with_intervals: model.has_intervals() && !levels.is_empty(),
                model,
            });
        }
        let fallback = match &fallback_spec {
            None => None,
            Some(spec) => Some(build_model(spec).map_err(|e| plan_datafusion_err!("{e}"))?),
        };
        let properties = Arc::new(Self::compute_properties(&input, &schema, &params));
        let regressors = input_regressors(&params, &input_schema);
        let runner = SeriesRunner {
            params,
            models,
            fallback,
            levels,
            time_kind,
            regressors,
        };
        let progress = Arc::new(Progress::new(runner.params.function_name()));
        Ok(Self {
            input,
            future,
            runner: Arc::new(runner),
            schema,
            metrics: ExecutionPlanMetricsSet::new(),
            properties,
            progress,
            fitted_models: Arc::default(),
        })
    }

    /// The node's parameters.
    pub fn params(&self) -> &ForecastParams {
        &self.runner.params
    }

    /// The `(id, ds, y, regressors...)` input.
    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }

    /// The `(id, ds, regressors...)` input of the regressors' future values, if any.
    pub fn future(&self) -> Option<&Arc<dyn ExecutionPlan>> {
        self.future.as_ref()
    }

    fn compute_properties(
        input: &Arc<dyn ExecutionPlan>,
        schema: &SchemaRef,
        params: &ForecastParams,
    ) -> PlanProperties {
        let column = |i: usize| -> Arc<dyn PhysicalExpr> {
            Arc::new(Column::new(schema.field(i).name(), i))
        };
        // Output rows leave each partition sorted by id, then cutoff (cv), then ds; the rows
        // of `fit_models` by id (then in model order).
        let mut ordering = vec![PhysicalSortExpr::new_default(column(0))];
        if let Task::CrossValidation(_) = params.task {
            ordering.push(PhysicalSortExpr::new_default(column(2)));
        }
        if params.task != Task::Fit {
            ordering.push(PhysicalSortExpr::new_default(column(1)));
        }
        let eq = EquivalenceProperties::new_with_orderings(Arc::clone(schema), [ordering]);
        // The id keeps its name and position, so hash partitioning on it carries over.
        let partitioning = match input.output_partitioning() {
            Partitioning::Hash(exprs, n)
                if exprs
                    .iter()
                    .all(|e| e.downcast_ref::<Column>().is_some_and(|c| c.index() == 0)) =>
            {
                Partitioning::Hash(vec![column(0)], *n)
            }
            other => Partitioning::UnknownPartitioning(other.partition_count()),
        };
        PlanProperties::new(
            eq,
            partitioning,
            EmissionType::Incremental,
            Boundedness::Bounded,
        )
    }
}

/// The id column of an input (its first), the key of the partitioning.
fn key(input: &Arc<dyn ExecutionPlan>) -> Arc<dyn PhysicalExpr> {
    Arc::new(Column::new(input.schema().field(0).name(), 0))
}

/// `(id, ds)` ascending, the order each input is read in.
fn id_then_time(input: &Arc<dyn ExecutionPlan>) -> Option<OrderingRequirements> {
    let options = Some(SortOptions::default());
    let requirement = LexRequirement::new([
        PhysicalSortRequirement::new(key(input), options),
        PhysicalSortRequirement::new(
            Arc::new(Column::new(input.schema().field(1).name(), 1)),
            options,
        ),
    ]);
    requirement.map(OrderingRequirements::new)
}

/// The id ascending, the order `predict` reads its fits in.
fn id_only(input: &Arc<dyn ExecutionPlan>) -> Option<OrderingRequirements> {
    LexRequirement::new([PhysicalSortRequirement::new(
        key(input),
        Some(SortOptions::default()),
    )])
    .map(OrderingRequirements::new)
}

impl DisplayAs for ForecastExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.name())?;
        crate::logical::fmt_params(&self.runner.params, f)?;
        crate::logical::fmt_regressors(&self.runner.regressors, f)
    }
}

impl ExecutionPlan for ForecastExec {
    fn name(&self) -> &'static str {
        match self.runner.params.task {
            Task::Forecast { .. } => "ForecastExec",
            Task::CrossValidation(_) => "CrossValidationExec",
            Task::Fit => "FitModelsExec",
            Task::Predict { .. } => "PredictExec",
        }
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn input_distribution_requirements(&self) -> InputDistributionRequirements {
        let by_id = |input| Distribution::KeyPartitioned(vec![key(input)]);
        match &self.future {
            None => InputDistributionRequirements::new(vec![by_id(&self.input)]),
            Some(future) => InputDistributionRequirements::co_partitioned(vec![
                by_id(&self.input),
                by_id(future),
            ]),
        }
    }

    /// Each input sorted by `(id, ds)`; `predict`'s fits by id alone.
    fn required_input_ordering(&self) -> Vec<Option<OrderingRequirements>> {
        let mut requirements: Vec<_> = self.children().into_iter().map(id_then_time).collect();
        if let Task::Predict { .. } = self.runner.params.task {
            requirements[0] = id_only(&self.input);
        }
        requirements
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![false; self.children().len()]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![true; self.children().len()]
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        std::iter::once(&self.input).chain(&self.future).collect()
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let expected = self.children().len();
        let mut children = children.into_iter();
        let (Some(input), future, None) = (children.next(), children.next(), children.next())
        else {
            return internal_err!("{} takes {expected} children", self.name());
        };
        if future.is_some() != self.future.is_some() {
            return internal_err!("{} takes {expected} children", self.name());
        }
        let properties = Arc::new(Self::compute_properties(
            &input,
            &self.schema,
            &self.runner.params,
        ));
        Ok(Arc::new(Self {
            input,
            future,
            runner: Arc::clone(&self.runner),
            schema: Arc::clone(&self.schema),
            metrics: ExecutionPlanMetricsSet::new(),
            properties,
            progress: Arc::new(Progress::new(self.runner.params.function_name())),
            fitted_models: Arc::clone(&self.fitted_models),
        }))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let input = self.input.execute(partition, Arc::clone(&context))?;
        let future = match &self.future {
            None => None,
            Some(future) => {
                let (ours, theirs) = (
                    self.input.output_partitioning().partition_count(),
                    future.output_partitioning().partition_count(),
                );
                if ours != theirs {
                    return internal_err!(
                        "{}: the input has {ours} partitions and future {theirs}; the optimizer co-partitions them",
                        self.name()
                    );
                }
                Some(future.execute(partition, Arc::clone(&context))?)
            }
        };
        let aliases: Vec<String> = self.runner.models.iter().map(|m| m.alias.clone()).collect();
        let metrics = ForecastMetrics::new(&self.metrics, partition, &aliases);
        let memory = ExecMemory::try_new(
            format!("{}[{partition}]", self.name()),
            context.memory_pool(),
            self.properties.partitioning.partition_count(),
            self.runner.params.function_name(),
        )?;
        if let Task::Predict { .. } = self.runner.params.task {
            return Ok(Box::pin(PredictStream::new(
                input,
                future,
                Arc::clone(&self.schema),
                Arc::clone(&self.runner),
                Arc::clone(&self.fitted_models),
                context.session_config().batch_size(),
                metrics,
                memory,
                Arc::clone(&self.progress),
            )));
        }
        Ok(Box::pin(
            ForecastStream::new(
                input,
                Arc::clone(&self.schema),
                Arc::clone(&self.runner),
                context.session_config().batch_size(),
                metrics,
                memory,
                Arc::clone(&self.progress),
            )
            .with_future(future),
        ))
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }
}
