//! # datafusion-forecast
//!
//! Statistical time-series forecasting as SQL in [Apache DataFusion], with the models,
//! parameters, defaults and output columns of Nixtla's statsforecast.
//!
//! ```sql
//! SELECT * FROM forecast((SELECT unique_id, ds, y FROM 'sales.parquet'),
//!                        h => 14, models => 'SeasonalNaive(season_length=7), Naive()',
//!                        level => [80, 95]);
//! SELECT * FROM cross_validation('sales', h => 14, n_windows => 3,
//!                                models => 'SeasonalNaive(season_length=7)');
//! ```
//!
//! ## Pipeline
//!
//! ```text
//!  SQL  forecast((SELECT ...), h => 14, models => '...')
//!   │   sql::ForecastRelationPlanner   parses arguments and model specs (plan errors)
//!   ▼
//!  ForecastNode (logical)              projection and id filters push below it
//!   │   ForecastExtensionPlanner
//!   ▼
//!  ForecastExec (physical)             requires KeyPartitioned(id), sorted by (id, ds):
//!   │                                  DataFusion inserts RepartitionExec + SortExec;
//!   │                                  SortBeforeShuffle sorts before the shuffle, and
//!   │                                  not at all for rows that arrive in order
//!   ▼
//!  per partition: sorted batches ─► one series ─► models::Model ─► output batches
//! ```
//!
//! Install everything on an application's context with one call, [`install_on`], or on a
//! `SessionStateBuilder` with [`install`], or build a context with [`session_context`].
//!
//! With the cargo feature `ballista`, the same SQL runs on an Apache Ballista cluster:
//! `codec` holds the extension codecs and the client, scheduler and executor set-up
//! (`codec::remote_context` for embedding apps, the `dfcast-scheduler` and
//! `dfcast-executor` binaries, `dfcast --remote df://host:port`); see `docs/ballista.md`.
//!
//! [Apache DataFusion]: https://datafusion.apache.org

pub mod chart;
#[cfg(feature = "ballista")]
pub mod codec;
pub mod logical;
pub mod models;
pub mod panel;
pub mod physical;
pub mod sql;

use std::sync::Arc;

use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

pub use physical::{
    ForecastExec, ForecastExtensionPlanner, ForecastQueryPlanner, SortBeforeShuffle,
};
pub use sql::ForecastRelationPlanner;

/// Installs the relation planner (`forecast`, `cross_validation`, `detect_anomalies`,
/// `generate_panel`), the query planner that executes them and the chart file formats
/// (`COPY ... TO 'x.svg'` / `'x.png'`, see [`chart`]) on a session state builder.
///
/// ```
/// use datafusion::execution::SessionStateBuilder;
/// use datafusion::prelude::SessionContext;
///
/// let state = datafusion_forecast::install(SessionStateBuilder::new().with_default_features()).build();
/// let ctx = SessionContext::new_with_state(state);
/// ```
pub fn install(builder: SessionStateBuilder) -> SessionStateBuilder {
    install_planners(builder).with_physical_optimizer_rule(Arc::new(SortBeforeShuffle))
}

/// What [`install`] installs but the [`SortBeforeShuffle`] rule: for a Ballista
/// scheduler, whose shuffles are the cluster's.
pub fn install_planners(mut builder: SessionStateBuilder) -> SessionStateBuilder {
    let planners = builder.relation_planners().get_or_insert_with(Vec::new);
    planners.extend(sql::relation_planners());
    chart::install(builder).with_query_planner(Arc::new(ForecastQueryPlanner))
}

/// Installs everything on an existing context, in one call: the relation and query
/// planners, the [`SortBeforeShuffle`] rule, and table lookup by name for
/// `forecast('table', ...)`. The context keeps its configuration, tables and functions.
///
/// ```
/// use datafusion::prelude::SessionContext;
///
/// let ctx = SessionContext::new();
/// datafusion_forecast::install_on(&ctx).unwrap();
/// ```
pub fn install_on(ctx: &SessionContext) -> datafusion::common::Result<()> {
    let state = install(SessionStateBuilder::new_from_existing(ctx.state())).build();
    *ctx.state_ref().write() = state;
    register(ctx)
}

/// Lets `forecast('table', ...)` (a table named by a string or identifier rather than a
/// query) find tables in `ctx`'s catalogs. [`install`] alone resolves such names only
/// when the statement also names the table elsewhere; call this once on the context
/// ([`install_on`] does).
pub fn register(ctx: &SessionContext) -> datafusion::common::Result<()> {
    ctx.register_relation_planner(Arc::new(ForecastRelationPlanner::with_session(
        ctx.state_weak_ref(),
    )))
}

/// A new session with the default DataFusion features and this extension installed.
pub fn session_context(config: SessionConfig) -> SessionContext {
    let builder = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features();
    let ctx = SessionContext::new_with_state(install(builder).build());
    register(&ctx).expect("registering a relation planner cannot fail");
    ctx
}
