//! `dfcast-scheduler`: Ballista's scheduler with the datafusion-forecast codecs and query
//! planner installed, so that it can plan `forecast(...)` / `cross_validation(...)`.
//! It takes the flags of the stock `ballista-scheduler` (`--bind-host`, `--bind-port`,
//! `--scheduler-policy`, `--executor-timeout-seconds`, `--task-max-failures`, ...; see
//! `--help`), with one default changed: `--scheduler-policy` is `pull-staged`, the
//! policy under which a query survives the loss of an executor (docs/ballista.md).

use std::net::SocketAddr;
use std::sync::Arc;

use ballista_core::error::BallistaError;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::{Config, SchedulerConfig};
use ballista_scheduler::scheduler_process::start_server;
use clap::{CommandFactory, FromArgMatches};
use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> ballista_core::error::Result<()> {
    // Ballista's scheduler binary runs its planner on threads with 32 MB stacks: deep
    // plans recurse.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 * 1024 * 1024)
        .build()?
        .block_on(run())
}

async fn run() -> ballista_core::error::Result<()> {
    let matches = Config::command()
        .mut_arg("scheduler_policy", |arg| arg.default_value("pull-staged"))
        .get_matches();
    let opt = Config::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let log_file = opt.log_dir.as_ref().map(|dir| {
        format!(
            "{dir}/dfcast-scheduler_{}_{}_{}.log",
            opt.namespace, opt.external_host, opt.bind_port
        )
    });
    datafusion_forecast::codec::init_logging(&opt.log_level_setting, log_file.as_deref())?;

    let addr: SocketAddr = format!("{}:{}", opt.bind_host, opt.bind_port)
        .parse()
        .map_err(|e: std::net::AddrParseError| BallistaError::Configuration(e.to_string()))?;
    let config = datafusion_forecast::codec::scheduler_config(SchedulerConfig::try_from(opt)?);
    let cluster = BallistaCluster::new_from_config(&config).await?;
    start_server(cluster, addr, Arc::new(config)).await
}
