//! [`SortBeforeShuffle`]: the physical optimizer rule that moves the sort below the hash
//! shuffle in front of a [`ForecastExec`].

use std::sync::Arc;

use datafusion::common::Result;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::physical_expr::Partitioning;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, ExecutionPlan, ExecutionPlanProperties, ReplaceChildrenOptions,
};

use super::{ForecastExec, SortUnlessSortedExec};

/// Rewrites `ForecastExec <- SortExec <- RepartitionExec(hash) <- input`, what
/// DataFusion plans for the exec's requirements, into `ForecastExec <-
/// RepartitionExec(hash, order-preserving) <- SortUnlessSortedExec <- input`, and drops
/// that sort when the input is declared ordered by `(id, ds)`; for each input
/// (the future input of a forecast with regressors too). The partitioning is kept, so
/// co-partitioned inputs stay co-partitioned.
///
/// Same rows in the same order and the same sort work, but another shuffle. Under a
/// memory limit a hash `RepartitionExec` spills what its consumers cannot take yet, and
/// in DataFusion 55 the plain one can then stop for ever: when two of its inputs spill
/// towards one output at the same time, the reader waits on the older spill file while
/// the batch it needs is in the newer one (every thread parked, no error;
/// apache/datafusion#24883). The order-preserving shuffle keeps one spill channel per
/// (input, output) pair, which cannot stall that way. A sorted input is also never
/// sorted again: declared sorted, it is not sorted at all; arriving sorted without saying
/// so, [`SortUnlessSortedExec`] sees it and passes it on as it is.
///
/// Installed by [`crate::install`] for queries run in this process. A Ballista
/// scheduler does not run it: there the hash repartition becomes Ballista's own
/// shuffle (files between stages), which does not merge in order.
#[derive(Debug, Default)]
pub struct SortBeforeShuffle;

impl PhysicalOptimizerRule for SortBeforeShuffle {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            if !node.is::<ForecastExec>() {
                return Ok(Transformed::no(node));
            }
            let mut changed = false;
            let mut children = Vec::new();
            for child in node.children() {
                let rewritten = sort_before_shuffle(child)?;
                changed |= rewritten.is_some();
                children.push(rewritten.unwrap_or_else(|| Arc::clone(child)));
            }
            if !changed {
                return Ok(Transformed::no(node));
            }
            let rewritten = Arc::clone(&node).replace_children(
                children,
                ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
            )?;
            Ok(Transformed::yes(rewritten))
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "forecast_sort_before_shuffle"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// `RepartitionExec(hash, order-preserving) <- SortUnlessSortedExec <- source` for a
/// `SortExec <- RepartitionExec(hash) <- source` input of the exec; None for any other.
fn sort_before_shuffle(input: &Arc<dyn ExecutionPlan>) -> Result<Option<Arc<dyn ExecutionPlan>>> {
    let Some(sort) = input.downcast_ref::<SortExec>() else {
        return Ok(None);
    };
    let Some(shuffle) = sort.input().downcast_ref::<RepartitionExec>() else {
        return Ok(None);
    };
    let source = shuffle.input();
    // One input partition: nothing to merge, and no two writers to one output.
    if !matches!(shuffle.partitioning(), Partitioning::Hash(..))
        || shuffle.preserve_order()
        || sort.fetch().is_some()
        || source.output_partitioning().partition_count() < 2
    {
        return Ok(None);
    }
    let ordering = sort.expr().clone();
    let sorted = if source
        .equivalence_properties()
        .ordering_satisfy(ordering.clone())?
    {
        Arc::clone(source)
    } else {
        Arc::new(SortUnlessSortedExec::new(ordering, Arc::clone(source)))
    };
    let shuffle =
        RepartitionExec::try_new(sorted, shuffle.partitioning().clone())?.with_preserve_order();
    Ok(Some(Arc::new(shuffle)))
}
