//! [`SortUnlessSortedExec`]: the per-partition sort in front of the exec's shuffle, which
//! checks the order its input arrives in and only sorts when it has to.

use std::cmp::Ordering;
use std::fmt;
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{ArrayRef, DynComparator, make_comparator};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{Result, internal_datafusion_err, internal_err};
use datafusion::execution::TaskContext;
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryReservation};
use datafusion::physical_expr::{EquivalenceProperties, LexOrdering, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::metrics::{
    BaselineMetrics, Count, ExecutionPlanMetricsSet, MetricBuilder, MetricsSet, RecordOutput,
};
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
    SendableRecordBatchStream,
};
use futures::{StreamExt, TryStreamExt, stream};

/// Sorts each input partition by `ordering`, like `SortExec` with `preserve_partitioning`,
/// but first reads the partition as it comes, checking its order: when every row already
/// follows the previous one (a panel written series by series, in time order: the usual
/// file), the batches are passed on as they are, which saves the sort's copies of every
/// row and their memory. The first row out of order, or the first batch the memory pool
/// refuses, hands everything read so far and the rest of the input to DataFusion's own
/// sort, which spills under a memory limit.
#[derive(Debug)]
pub(crate) struct SortUnlessSortedExec {
    /// The equivalent `SortExec`, kept for its input, ordering and plan properties (which
    /// are ours); the sort run on an input out of order is built at that moment.
    sort: SortExec,
    metrics: ExecutionPlanMetricsSet,
}

impl SortUnlessSortedExec {
    pub(crate) fn new(ordering: LexOrdering, input: Arc<dyn ExecutionPlan>) -> Self {
        Self {
            sort: SortExec::new(ordering, input).with_preserve_partitioning(true),
            metrics: ExecutionPlanMetricsSet::new(),
        }
    }

    pub(crate) fn input(&self) -> &Arc<dyn ExecutionPlan> {
        self.sort.input()
    }

    pub(crate) fn ordering(&self) -> &LexOrdering {
        self.sort.expr()
    }
}

impl DisplayAs for SortUnlessSortedExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: expr=[{}]", self.name(), self.ordering())
    }
}

impl ExecutionPlan for SortUnlessSortedExec {
    fn name(&self) -> &'static str {
        "SortUnlessSortedExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.sort.properties()
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![false]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![self.input()]
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        for sort_expr in self.ordering().iter() {
            if f(&sort_expr.expr)? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let [input] = <[_; 1]>::try_from(children)
            .map_err(|_| internal_datafusion_err!("{} takes one child", self.name()))?;
        Ok(Arc::new(Self::new(self.ordering().clone(), input)))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let input = self.input().execute(partition, Arc::clone(&context))?;
        let reservation = MemoryConsumer::new(format!("{}[{partition}]", self.name()))
            .with_can_spill(true)
            .register(context.memory_pool());
        let run = SortRun {
            ordering: self.ordering().clone(),
            schema: self.schema(),
            context,
            reservation,
            baseline: BaselineMetrics::new(&self.metrics, partition),
            sorted: MetricBuilder::new(&self.metrics).counter("sorted_partitions", partition),
        };
        let schema = self.schema();
        let output = stream::once(run.read(input)).try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, output)))
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }
}

/// One partition's run: its reading state and what it reports.
struct SortRun {
    ordering: LexOrdering,
    schema: SchemaRef,
    context: Arc<TaskContext>,
    reservation: MemoryReservation,
    baseline: BaselineMetrics,
    /// 1 when the partition had to be sorted.
    sorted: Count,
}

impl SortRun {
    /// Reads the partition: its batches as they came when they were in order, else the
    /// sorted stream of everything.
    async fn read(self, mut input: SendableRecordBatchStream) -> Result<SendableRecordBatchStream> {
        let Self {
            ordering,
            schema,
            context,
            reservation,
            baseline,
            sorted,
        } = self;
        let mut check = OrderCheck::default();
        let mut held = Vec::new();
        while let Some(batch) = input.next().await {
            let batch = batch?;
            let timer = baseline.elapsed_compute().timer();
            let in_order = check.admits(&ordering, &batch)?;
            timer.done();
            if in_order && reservation.try_grow(batch.get_array_memory_size()).is_ok() {
                held.push(batch);
                continue;
            }
            // Out of order or out of memory: the sort takes over. It reserves room for
            // merging its spill files before it takes any batch, so the held batches are
            // released from the pool first; the sort takes them at once, accounting each
            // and spilling what the pool cannot hold.
            reservation.free();
            sorted.add(1);
            let rest = stream::iter(held.into_iter().chain([batch]).map(Ok)).chain(input);
            let rest = Box::pin(RecordBatchStreamAdapter::new(schema, rest));
            let source = Arc::new(ReadOnce::new(rest));
            return SortExec::new(ordering, source)
                .with_preserve_partitioning(true)
                .execute(0, context);
        }
        let batches = stream::iter(held).map(move |batch| {
            reservation.shrink(batch.get_array_memory_size().min(reservation.size()));
            Ok(batch.record_output(&baseline))
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, batches)))
    }
}

/// Whether the rows seen so far are in order, and the sort keys of the last of them.
#[derive(Default)]
struct OrderCheck {
    last: Option<Vec<ArrayRef>>,
}

impl OrderCheck {
    /// Whether `batch` continues the order (every row at or after the one before it).
    fn admits(&mut self, ordering: &LexOrdering, batch: &RecordBatch) -> Result<bool> {
        let rows = batch.num_rows();
        if rows == 0 {
            return Ok(true);
        }
        let keys = ordering
            .iter()
            .map(|e| e.expr.evaluate(batch)?.into_array(rows))
            .collect::<Result<Vec<_>>>()?;
        if let Some(last) = &self.last
            && !at_or_before(&comparators(ordering, last, &keys)?, 0, 0)
        {
            return Ok(false);
        }
        let within = comparators(ordering, &keys, &keys)?;
        if !(1..rows).all(|row| at_or_before(&within, row - 1, row)) {
            return Ok(false);
        }
        self.last = Some(keys.iter().map(|k| k.slice(rows - 1, 1)).collect());
        Ok(true)
    }
}

/// One comparator per sort key, of `left`'s rows against `right`'s.
fn comparators(
    ordering: &LexOrdering,
    left: &[ArrayRef],
    right: &[ArrayRef],
) -> Result<Vec<DynComparator>> {
    ordering
        .iter()
        .zip(left.iter().zip(right))
        .map(|(e, (l, r))| Ok(make_comparator(l.as_ref(), r.as_ref(), e.options)?))
        .collect()
}

/// Whether row `left` sorts at or before row `right`: the first key that differs decides.
fn at_or_before(comparators: &[DynComparator], left: usize, right: usize) -> bool {
    for compare in comparators {
        match compare(left, right) {
            Ordering::Less => return true,
            Ordering::Greater => return false,
            Ordering::Equal => {}
        }
    }
    true
}

/// A plan over one stream, read once: the input of the sort [`SortRun::read`] hands over to.
struct ReadOnce {
    rows: Mutex<Option<SendableRecordBatchStream>>,
    properties: Arc<PlanProperties>,
}

impl ReadOnce {
    fn new(rows: SendableRecordBatchStream) -> Self {
        let properties = PlanProperties::new(
            EquivalenceProperties::new(rows.schema()),
            Partitioning::UnknownPartitioning(1),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        Self {
            rows: Mutex::new(Some(rows)),
            properties: Arc::new(properties),
        }
    }
}

impl fmt::Debug for ReadOnce {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("ReadOnce")
    }
}

impl DisplayAs for ReadOnce {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("ReadOnce")
    }
}

impl ExecutionPlan for ReadOnce {
    fn name(&self) -> &'static str {
        "ReadOnce"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
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
        if children.is_empty() {
            return Ok(self);
        }
        internal_err!("ReadOnce takes no children")
    }

    fn execute(
        &self,
        partition: usize,
        _context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let rows = self.rows.lock().map(|mut rows| rows.take());
        match (partition, rows) {
            (0, Ok(Some(rows))) => Ok(rows),
            _ => internal_err!("ReadOnce: partition {partition} read twice or out of range"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Array, Float64Array, Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::arrow::record_batch::RecordBatch;
    use datafusion::datasource::memory::MemorySourceConfig;
    use datafusion::execution::TaskContext;
    use datafusion::execution::runtime_env::RuntimeEnvBuilder;
    use datafusion::physical_expr::expressions::Column;
    use datafusion::physical_expr::{LexOrdering, PhysicalSortExpr};
    use datafusion::physical_plan::{ExecutionPlan, collect};
    use datafusion::prelude::SessionConfig;

    use super::SortUnlessSortedExec;

    fn batch(rows: &[(Option<&str>, i64)]) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("unique_id", DataType::Utf8, true),
            Field::new("ds", DataType::Int64, false),
            Field::new("y", DataType::Float64, false),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(rows.iter().map(|r| r.0).collect::<StringArray>()),
                Arc::new(rows.iter().map(|r| r.1).collect::<Int64Array>()),
                Arc::new(Float64Array::from_iter_values(
                    (0..rows.len()).map(|i| i as f64),
                )),
            ],
        )
        .unwrap()
    }

    /// Runs the exec over one partition of `batches`; the output batches and whether it
    /// sorted.
    async fn run(
        batches: Vec<RecordBatch>,
        memory_limit: Option<usize>,
    ) -> (Vec<RecordBatch>, usize) {
        let schema = batches[0].schema();
        let source = MemorySourceConfig::try_new_exec(&[batches], schema, None).unwrap();
        let ordering = LexOrdering::new([0, 1].map(|i| {
            let name = if i == 0 { "unique_id" } else { "ds" };
            PhysicalSortExpr::new_default(Arc::new(Column::new(name, i)))
        }))
        .unwrap();
        let exec = Arc::new(SortUnlessSortedExec::new(ordering, source));
        let mut runtime = RuntimeEnvBuilder::new();
        if let Some(limit) = memory_limit {
            runtime = runtime.with_memory_limit(limit, 1.0);
        }
        let context = Arc::new(
            TaskContext::default()
                .with_session_config(
                    SessionConfig::new()
                        .with_batch_size(4)
                        .with_sort_spill_reservation_bytes(16 << 10),
                )
                .with_runtime(runtime.build_arc().unwrap()),
        );
        let output = collect(Arc::clone(&exec) as Arc<dyn ExecutionPlan>, context)
            .await
            .unwrap();
        let sorted = exec
            .metrics()
            .and_then(|m| m.sum_by_name("sorted_partitions"))
            .map_or(0, |v| v.as_usize());
        (output, sorted)
    }

    fn keys(batches: &[RecordBatch]) -> Vec<(Option<String>, i64)> {
        batches
            .iter()
            .flat_map(|b| {
                let ids = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
                let ds = b.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
                (0..b.num_rows())
                    .map(|i| {
                        (
                            ids.is_valid(i).then(|| ids.value(i).to_string()),
                            ds.value(i),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[tokio::test]
    async fn ordered_input_passes_through_unsorted() {
        // Null ids first (the default order), equal keys allowed, order across batches.
        let input = vec![
            batch(&[(None, 5), (Some("a"), 1), (Some("a"), 2), (Some("a"), 2)]),
            batch(&[]),
            batch(&[(Some("a"), 3), (Some("b"), 1)]),
            batch(&[(Some("b"), 1), (Some("c"), 0)]),
        ];
        let (output, sorted) = run(input.clone(), None).await;
        assert_eq!(sorted, 0);
        assert_eq!(output, input);
    }

    #[tokio::test]
    async fn rows_out_of_order_are_sorted() {
        let within = vec![
            batch(&[(Some("a"), 1), (Some("a"), 2)]),
            batch(&[(Some("b"), 2), (Some("b"), 1)]),
        ];
        let across = vec![
            batch(&[(Some("a"), 1), (Some("b"), 2)]),
            batch(&[(Some("a"), 2), (Some("c"), 1)]),
        ];
        let nulls_last = vec![batch(&[(Some("a"), 1), (None, 2)])];
        for input in [within, across, nulls_last] {
            let mut expected = keys(&input);
            expected.sort();
            let (output, sorted) = run(input, None).await;
            assert_eq!(sorted, 1);
            assert_eq!(keys(&output), expected);
        }
    }

    #[tokio::test]
    async fn memory_refused_hands_over_to_the_spilling_sort() {
        // 400 KB of ordered rows through a 64 KB pool.
        let input: Vec<_> = (0..200)
            .map(|i| {
                let rows: Vec<_> = (0..100).map(|j| (Some("a"), 100 * i + j)).collect();
                batch(&rows)
            })
            .collect();
        let expected = keys(&input);
        let (output, sorted) = run(input, Some(64 << 10)).await;
        assert_eq!(sorted, 1);
        assert_eq!(keys(&output), expected);
    }
}
