//! `dfcast-executor`: Ballista's executor with the datafusion-forecast codecs installed,
//! so that it can run stages holding a `ForecastExec`. It takes the flags of the stock
//! `ballista-executor` (`--scheduler-host`, `--scheduler-port`, `--bind-host`,
//! `--bind-port`, `--bind-grpc-port`, `--work-dir`, `--vcores`, `--task-scheduling-policy`,
//! ...; see `--help`), with one default changed: `--task-scheduling-policy` is
//! `pull-staged`, as `dfcast-scheduler`'s (the two must match).

use std::net::SocketAddr;
use std::sync::Arc;

use ballista_core::error::BallistaError;
use ballista_executor::config::Config;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_executor::health::spawn_health_server;
use clap::{CommandFactory, FromArgMatches};
use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

#[tokio::main]
async fn main() -> ballista_core::error::Result<()> {
    let matches = Config::command()
        .mut_arg("task_scheduling_policy", |arg| {
            arg.default_value("pull-staged")
        })
        .get_matches();
    let opt = Config::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let health_addr: SocketAddr = format!("{}:{}", opt.bind_host, opt.bind_health_port)
        .parse()
        .map_err(|e| BallistaError::General(format!("invalid --bind-health-port address: {e}")))?;

    let config = datafusion_forecast::codec::executor_config(ExecutorProcessConfig::try_from(opt)?);
    let log_file = config
        .log_dir
        .as_ref()
        .map(|dir| format!("{dir}/dfcast-{}.log", config.log_file_name_prefix()));
    datafusion_forecast::codec::init_logging(&config.special_mod_log_level, log_file.as_deref())?;

    // `/healthz` (process alive) and `/readyz` (last heartbeat to the scheduler succeeded),
    // as the stock binary serves them.
    let (stop_health, health_stopped) = tokio::sync::oneshot::channel();
    let health = spawn_health_server(health_addr, config.health.clone(), health_stopped);
    let result = start_executor_process(Arc::new(config)).await;
    let _ = stop_health.send(());
    if let Err(e) = health.await {
        log::warn!("health server task join error: {e}");
    }
    result
}
