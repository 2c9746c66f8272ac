//! SQL surface: a [`RelationPlanner`] that plans `forecast(...)`,
//! `cross_validation(...)`, `detect_anomalies(...)`, `evaluate(...)`, `fit_models(...)`,
//! `predict(...)` and `generate_panel(...)`
//! in a FROM clause.
//!
//! A relation planner (rather than a plain table function) is what lets the first
//! argument be any parenthesised query.

pub(crate) mod anomalies;
mod args;
mod evaluate;
mod fits;
mod forecast;
mod panel;
mod regressors;

use std::sync::{Arc, Weak};

use datafusion::common::Result;
use datafusion::execution::SessionState;
use datafusion::logical_expr::planner::{
    PlannedRelation, RelationPlanner, RelationPlannerContext, RelationPlanning,
};
use datafusion::sql::sqlparser::ast::TableFactor;

use args::Args;
use parking_lot::RwLock;

/// Plans the project's table functions; every other relation is left to DataFusion.
///
/// DataFusion resolves the tables a statement names before planning it, and a table
/// named by a string argument (`forecast('sales', ...)`) is not among them; with a handle
/// on its session the planner looks such a table up in the session's catalogs itself.
#[derive(Debug, Default)]
pub struct ForecastRelationPlanner {
    session: Option<Weak<RwLock<SessionState>>>,
}

impl ForecastRelationPlanner {
    /// A planner that can also resolve table names given as arguments in `session`.
    pub fn with_session(session: Weak<RwLock<SessionState>>) -> Self {
        Self {
            session: Some(session),
        }
    }
}

impl RelationPlanner for ForecastRelationPlanner {
    fn plan_relation(
        &self,
        relation: TableFactor,
        ctx: &mut dyn RelationPlannerContext,
    ) -> Result<RelationPlanning> {
        let TableFactor::Table {
            name,
            alias,
            args: Some(table_args),
            ..
        } = &relation
        else {
            return Ok(RelationPlanning::Original(Box::new(relation)));
        };
        let function = match name.0.as_slice() {
            [part] => part
                .as_ident()
                .map(|ident| ident.value.to_ascii_lowercase())
                .unwrap_or_default(),
            _ => String::new(),
        };
        let plan = match function.as_str() {
            "forecast" => {
                let args = Args::new("forecast", table_args.args.clone())?;
                forecast::plan_forecast(args, ctx, self.session.as_ref())?
            }
            "cross_validation" => {
                let args = Args::new("cross_validation", table_args.args.clone())?;
                forecast::plan_cross_validation(args, ctx, self.session.as_ref())?
            }
            "evaluate" => {
                let args = Args::new("evaluate", table_args.args.clone())?;
                evaluate::plan_evaluate(args, ctx, self.session.as_ref())?
            }
            "detect_anomalies" => {
                let args = Args::new("detect_anomalies", table_args.args.clone())?;
                anomalies::plan_detect_anomalies(args, ctx, self.session.as_ref())?
            }
            "fit_models" => {
                let args = Args::new("fit_models", table_args.args.clone())?;
                fits::plan_fit_models(args, ctx, self.session.as_ref())?
            }
            "predict" => {
                let args = Args::new("predict", table_args.args.clone())?;
                fits::plan_predict(args, ctx, self.session.as_ref())?
            }
            "generate_panel" => {
                let args = Args::new("generate_panel", table_args.args.clone())?;
                panel::plan_generate_panel(args)?
            }
            _ => return Ok(RelationPlanning::Original(Box::new(relation))),
        };
        Ok(RelationPlanning::Planned(Box::new(PlannedRelation::new(
            plan,
            alias.clone(),
        ))))
    }
}

/// The relation planners to install on a session.
pub fn relation_planners() -> Vec<Arc<dyn RelationPlanner>> {
    vec![Arc::new(ForecastRelationPlanner::default())]
}
