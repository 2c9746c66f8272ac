//! Distributed execution on [Apache Ballista] (cargo feature `ballista`).
//!
//! ```text
//!  client (dfcast --remote, remote_context)       plans the SQL: ForecastRelationPlanner
//!   │  logical plan, ForecastNode written by ForecastLogicalCodec
//!   ▼
//!  dfcast-scheduler                               ForecastQueryPlanner: ForecastNode ─► ForecastExec;
//!   │                                             the Hash(unique_id) repartition becomes a shuffle
//!   │  stage plans, ForecastExec written by ForecastPhysicalCodec
//!   ▼
//!  dfcast-executor × N                            scan ─► ShuffleWriter(hash unique_id)
//!                                                 ShuffleReader ─► Sort ─► ForecastExec
//! ```
//!
//! Our nodes travel as their [`ForecastParams`](crate::logical::ForecastParams), model
//! specs as their canonical strings, behind a marker that Ballista's and DataFusion's
//! own payloads can never start with; every other node goes to Ballista's codecs, which
//! these wrap. Ballista's codecs do not know our nodes: a stock `ballista-scheduler` or
//! `ballista-executor` rejects a plan with `forecast(...)` in it, and sessions from
//! [`remote_context`] add the missing piece to the errors they give
//! ([`explain_cluster_error`]).
//!
//! [Apache Ballista]: https://datafusion.apache.org/ballista/

mod client;
mod cluster;
mod csv_sink;
mod logical;
mod physical;
mod wire;

#[cfg(test)]
mod tests;

pub use client::{
    client_config, connect, explain_cluster_error, remote_context, remote_context_with_state,
};
pub use cluster::{executor_config, init_logging, scheduler_config, scheduler_session_state};
pub use csv_sink::PortableCsvSink;
pub use logical::ForecastLogicalCodec;
pub use physical::ForecastPhysicalCodec;
