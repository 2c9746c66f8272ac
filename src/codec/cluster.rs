//! The server side: the scheduler (codecs and the query planner that turns a
//! `ForecastNode` into a `ForecastExec`) and the executors (the physical codec).

use std::sync::Arc;

use ballista_core::object_store::{
    CustomObjectStoreRegistry, S3Options, session_config_with_s3_support,
};
use ballista_core::utils::default_session_builder;
use ballista_executor::executor_process::ExecutorProcessConfig;
use ballista_scheduler::config::SchedulerConfig;
use datafusion::common::Result;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::execution::{SessionState, SessionStateBuilder};
use datafusion::prelude::SessionConfig;

use super::{ForecastLogicalCodec, ForecastPhysicalCodec, PortableCsvSink};

/// `config` with this crate's codecs, the session builder of
/// [`scheduler_session_state`], and Ballista's S3-aware session config (as the stock
/// `ballista-scheduler` binary has): what `dfcast-scheduler` runs.
pub fn scheduler_config(config: SchedulerConfig) -> SchedulerConfig {
    let config = SchedulerConfig {
        override_logical_codec: Some(Arc::new(ForecastLogicalCodec::default())),
        override_physical_codec: Some(Arc::new(ForecastPhysicalCodec::default())),
        ..config
    };
    config
        .with_override_config_producer(Arc::new(session_config_with_s3_support))
        .with_override_session_builder(Arc::new(scheduler_session_state))
}

/// The session state a scheduler plans a client's queries with: Ballista's default
/// (its optimizer rules and functions), object stores for `file://`, `http(s)://` and
/// `s3://` inputs, and this crate's query planner, which turns `ForecastNode`s into
/// `ForecastExec`s (DataFusion's hash repartition stays: it becomes Ballista's shuffle),
/// and [`PortableCsvSink`], so that `COPY ... STORED AS CSV` writes on the executors what
/// it writes locally.
pub fn scheduler_session_state(config: SessionConfig) -> Result<SessionState> {
    let runtime = object_store_runtime(&config, None)?;
    let state = default_session_builder(config)?;
    let builder = SessionStateBuilder::new_from_existing(state).with_runtime_env(runtime);
    Ok(crate::install_planners(builder)
        .with_physical_optimizer_rule(Arc::new(PortableCsvSink))
        .build())
}

/// `config` with this crate's codecs and the S3-aware session config and runtime of the
/// stock `ballista-executor` binary (spill files still go to the work directory): what
/// `dfcast-executor` runs.
pub fn executor_config(mut config: ExecutorProcessConfig) -> ExecutorProcessConfig {
    config.override_logical_codec = Some(Arc::new(ForecastLogicalCodec::default()));
    config.override_physical_codec = Some(Arc::new(ForecastPhysicalCodec::default()));
    config.override_config_producer = Some(Arc::new(session_config_with_s3_support));
    let work_dir = config.work_dir.clone();
    config.override_runtime_producer = Some(Arc::new(move |session_config: &SessionConfig| {
        object_store_runtime(session_config, work_dir.as_deref())
    }));
    config
}

/// A runtime whose object-store registry serves local files, HTTP and S3 (configured by
/// the session's `s3.*` options) when the session carries them, spilling to `temp_dir`.
fn object_store_runtime(config: &SessionConfig, temp_dir: Option<&str>) -> Result<Arc<RuntimeEnv>> {
    let mut builder = RuntimeEnvBuilder::new();
    if let Some(s3) = config.options().extensions.get::<S3Options>() {
        builder = builder
            .with_object_store_registry(Arc::new(CustomObjectStoreRegistry::new(s3.clone())));
    }
    if let Some(dir) = temp_dir {
        builder = builder.with_temp_file_path(dir);
    }
    builder.build_arc()
}

/// Logs to stderr, or appended to `file`, at `RUST_LOG` when set and `default_filter`
/// (Ballista's `--log-level-setting`, e.g. `INFO,datafusion=INFO`) otherwise: what
/// `dfcast-scheduler` and `dfcast-executor` set up before starting.
pub fn init_logging(default_filter: &str, file: Option<&str>) -> ballista_core::error::Result<()> {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| default_filter.to_string());
    let mut builder = env_logger::Builder::new();
    builder.parse_filters(&filter);
    if let Some(path) = file {
        if let Some(dir) = std::path::Path::new(path).parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        builder.target(env_logger::Target::Pipe(Box::new(file)));
    }
    builder
        .try_init()
        .map_err(|e| ballista_core::error::BallistaError::General(e.to_string()))
}
