//! Turns a [`ForecastNode`] into a [`ForecastExec`].

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::Session;
use datafusion::common::Result;
use datafusion::execution::context::QueryPlanner;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{LogicalPlan, UserDefinedLogicalNode};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_planner::{DefaultPhysicalPlanner, ExtensionPlanner, PhysicalPlanner};

use super::ForecastExec;
use crate::logical::ForecastNode;

/// Plans [`ForecastNode`]s; returns `None` for every other node.
#[derive(Debug, Default)]
pub struct ForecastExtensionPlanner;

#[async_trait]
impl ExtensionPlanner for ForecastExtensionPlanner {
    async fn plan_extension(
        &self,
        _planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        _logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        _session: &dyn Session,
        _planning_ctx: &PhysicalPlanningContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let Some(node) = node.as_any().downcast_ref::<ForecastNode>() else {
            return Ok(None);
        };
        let exec = ForecastExec::try_new(
            Arc::clone(&physical_inputs[0]),
            physical_inputs.get(1).cloned(),
            node.params().clone(),
        )?;
        Ok(Some(Arc::new(exec)))
    }
}

/// DataFusion's default physical planner with [`ForecastExtensionPlanner`] installed.
#[derive(Debug, Default)]
pub struct ForecastQueryPlanner;

#[async_trait]
impl QueryPlanner for ForecastQueryPlanner {
    async fn create_physical_plan(
        &self,
        logical_plan: &LogicalPlan,
        session: &dyn Session,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        DefaultPhysicalPlanner::with_extension_planners(vec![Arc::new(ForecastExtensionPlanner)])
            .create_physical_plan(logical_plan, session)
            .await
    }
}
