//! [`ForecastExec`]: states its input requirements (hash-partitioned on the series id,
//! sorted by id and time) and runs the models one series at a time.

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
use super::progress::Progress;
use super::series::{PlannedModel, SeriesRunner};
use super::stream::ForecastStream;
use super::time::TimeKind;
use crate::logical::{ForecastParams, Task, output_schema};
use crate::models::build_model;

/// Runs `forecast` / `cross_validation` over an input of `(id, ds, y)` columns.
#[derive(Debug)]
pub struct ForecastExec {
    input: Arc<dyn ExecutionPlan>,
    runner: Arc<SeriesRunner>,
    schema: SchemaRef,
    metrics: ExecutionPlanMetricsSet,
    properties: Arc<PlanProperties>,
    progress: Arc<Progress>,
}

impl ForecastExec {
    /// Validates the parameters against the input and caches the plan properties.
    pub fn try_new(input: Arc<dyn ExecutionPlan>, params: ForecastParams) -> Result<Self> {
        let input_schema = input.schema();
        if input_schema.fields().len() != 3 {
            return internal_err!("ForecastExec expects (id, ds, y) input, got {input_schema:?}");
        }
        let id_type = input_schema.field(0).data_type();
        let time_type = input_schema.field(1).data_type();
        let schema = output_schema(&params, id_type, time_type)?;
        let time_kind = TimeKind::try_new(time_type)
            .ok_or_else(|| plan_datafusion_err!("unsupported time column type {time_type}"))?;
        let specs = crate::logical::parse_specs(&params.models)?;
        let levels: Vec<f64> = params.levels.iter().map(|l| l.0).collect();
        let mut models = Vec::with_capacity(specs.len());
        for spec in &specs {
            let model = build_model(spec).map_err(|e| plan_datafusion_err!("{e}"))?;
            models.push(PlannedModel {
                alias: spec.alias().to_string(),
                with_intervals: model.has_intervals() && !levels.is_empty(),
                model,
            });
        }
        let fallback = match &params.fallback_model {
            None => None,
            Some(text) => {
                let spec = crate::logical::parse_specs(std::slice::from_ref(text))?;
                Some(build_model(&spec[0]).map_err(|e| plan_datafusion_err!("{e}"))?)
            }
        };
        let properties = Arc::new(Self::compute_properties(&input, &schema, &params));
        let runner = SeriesRunner {
            params,
            models,
            fallback,
            levels,
            time_kind,
        };
        let progress = Arc::new(Progress::new(runner.params.function_name()));
        Ok(Self {
            input,
            runner: Arc::new(runner),
            schema,
            metrics: ExecutionPlanMetricsSet::new(),
            properties,
            progress,
        })
    }

    /// The node's parameters.
    pub fn params(&self) -> &ForecastParams {
        &self.runner.params
    }

    /// The `(id, ds, y)` input.
    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }

    fn compute_properties(
        input: &Arc<dyn ExecutionPlan>,
        schema: &SchemaRef,
        params: &ForecastParams,
    ) -> PlanProperties {
        let column = |i: usize| -> Arc<dyn PhysicalExpr> {
            Arc::new(Column::new(schema.field(i).name(), i))
        };
        // Output rows leave each partition sorted by id, then cutoff (cv), then ds.
        let mut ordering = vec![PhysicalSortExpr::new_default(column(0))];
        if let Task::CrossValidation(_) = params.task {
            ordering.push(PhysicalSortExpr::new_default(column(2)));
        }
        ordering.push(PhysicalSortExpr::new_default(column(1)));
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

    fn input_key(&self) -> Arc<dyn PhysicalExpr> {
        Arc::new(Column::new(self.input.schema().field(0).name(), 0))
    }
}

impl DisplayAs for ForecastExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.name())?;
        crate::logical::fmt_params(&self.runner.params, f)
    }
}

impl ExecutionPlan for ForecastExec {
    fn name(&self) -> &'static str {
        match self.runner.params.task {
            Task::Forecast { .. } => "ForecastExec",
            Task::CrossValidation(_) => "CrossValidationExec",
        }
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn input_distribution_requirements(&self) -> InputDistributionRequirements {
        InputDistributionRequirements::new(vec![Distribution::KeyPartitioned(vec![
            self.input_key(),
        ])])
    }

    fn required_input_ordering(&self) -> Vec<Option<OrderingRequirements>> {
        let input_schema = self.input.schema();
        let options = Some(SortOptions::default());
        let requirement = LexRequirement::new([
            PhysicalSortRequirement::new(self.input_key(), options),
            PhysicalSortRequirement::new(
                Arc::new(Column::new(input_schema.field(1).name(), 1)),
                options,
            ),
        ]);
        vec![requirement.map(OrderingRequirements::new)]
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![false]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![true]
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return internal_err!("ForecastExec takes one child, got {}", children.len());
        }
        let input = children.swap_remove(0);
        let properties = Arc::new(Self::compute_properties(
            &input,
            &self.schema,
            &self.runner.params,
        ));
        Ok(Arc::new(Self {
            input,
            runner: Arc::clone(&self.runner),
            schema: Arc::clone(&self.schema),
            metrics: ExecutionPlanMetricsSet::new(),
            properties,
            progress: Arc::new(Progress::new(self.runner.params.function_name())),
        }))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let input = self.input.execute(partition, Arc::clone(&context))?;
        let aliases: Vec<String> = self.runner.models.iter().map(|m| m.alias.clone()).collect();
        let metrics = ForecastMetrics::new(&self.metrics, partition, &aliases);
        let memory = ExecMemory::try_new(
            format!("{}[{partition}]", self.name()),
            context.memory_pool(),
            self.properties.partitioning.partition_count(),
            self.runner.params.function_name(),
        )?;
        Ok(Box::pin(ForecastStream::new(
            input,
            Arc::clone(&self.schema),
            Arc::clone(&self.runner),
            context.session_config().batch_size(),
            metrics,
            memory,
            Arc::clone(&self.progress),
        )))
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }
}
