//! A Ballista cluster on loopback for the tests: a scheduler in this process, executors
//! as in-process tasks or as `dfcast-executor` child processes, every port chosen free,
//! everything stopped (children killed) when the [`Cluster`] is dropped.

use std::fs;
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ballista_core::config::TaskSchedulingPolicy;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::{SchedulerConfig, TaskDistributionPolicy};
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use ballista_scheduler::state::SchedulerState;
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};
use tokio::task::JoinHandle;

/// How long a cluster may take to have all its executors registered.
const STARTUP: Duration = Duration::from_secs(60);

/// How the executors run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Executors {
    /// `start_executor_process` tasks in this process, with our codecs.
    InProcess,
    /// In-process, with Ballista's stock codecs (a `ballista-executor`).
    InProcessStock,
    /// `dfcast-executor` child processes (they can be SIGKILLed).
    Children,
}

/// What to start.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) executors: usize,
    pub(crate) vcores: usize,
    pub(crate) kind: Executors,
    pub(crate) policy: TaskSchedulingPolicy,
    /// `false` starts the scheduler with Ballista's stock codecs and session.
    pub(crate) our_scheduler: bool,
    /// Scheduler: seconds without heartbeat before an executor is declared dead.
    pub(crate) executor_timeout_seconds: u64,
    /// Scheduler: how often dead executors are looked for.
    pub(crate) expire_dead_executor_interval_seconds: u64,
    pub(crate) task_max_failures: usize,
    pub(crate) stage_max_failures: usize,
    /// Executors: seconds between heartbeats.
    pub(crate) heartbeat_seconds: u64,
    /// Executors: `--memory-pool-size` in bytes (a fair pool per task), or none.
    pub(crate) memory_pool_bytes: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            executors: 2,
            vcores: 2,
            kind: Executors::InProcess,
            policy: TaskSchedulingPolicy::PushStaged,
            our_scheduler: true,
            executor_timeout_seconds: 180,
            expire_dead_executor_interval_seconds: 15,
            task_max_failures: 4,
            stage_max_failures: 4,
            heartbeat_seconds: 60,
            memory_pool_bytes: None,
        }
    }
}

pub(crate) type State = Arc<SchedulerState<LogicalPlanNode, PhysicalPlanNode>>;

/// A running executor.
pub(crate) struct Executor {
    pub(crate) work_dir: PathBuf,
    task: Option<JoinHandle<()>>,
    child: Option<Child>,
}

impl Executor {
    /// SIGKILLs a child-process executor.
    pub(crate) fn kill(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// A scheduler and its executors.
pub(crate) struct Cluster {
    /// `df://127.0.0.1:<port>`.
    pub(crate) url: String,
    pub(crate) state: State,
    pub(crate) executors: Vec<Executor>,
    pub(crate) dir: PathBuf,
    scheduler: JoinHandle<()>,
    options: Options,
    scheduler_port: u16,
}

impl Cluster {
    pub(crate) async fn start(options: Options) -> Cluster {
        // Scheduler logs (and in-process executors') go to stderr with RUST_LOG set.
        let _ = env_logger::builder().is_test(true).try_init();
        let dir = scratch_dir("cluster");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind scheduler");
        let scheduler_port = listener.local_addr().unwrap().port();
        let config = SchedulerConfig {
            bind_host: "127.0.0.1".into(),
            external_host: "127.0.0.1".into(),
            bind_port: scheduler_port,
            scheduling_policy: options.policy,
            task_distribution: TaskDistributionPolicy::RoundRobin,
            executor_timeout_seconds: options.executor_timeout_seconds,
            expire_dead_executor_interval_seconds: options.expire_dead_executor_interval_seconds,
            no_executors_grace_period_seconds: options.executor_timeout_seconds,
            task_max_failures: options.task_max_failures,
            stage_max_failures: options.stage_max_failures,
            ..SchedulerConfig::default()
        };
        let config = if options.our_scheduler {
            datafusion_forecast::codec::scheduler_config(config)
        } else {
            config
        };
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .expect("scheduler cluster state");
        let server =
            create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, Arc::new(config))
                .await
                .expect("scheduler starts");
        let state = Arc::clone(&server.state);
        let scheduler = tokio::spawn(async move {
            if let Err(e) = start_grpc_service_with_listener(listener, server).await {
                eprintln!("scheduler stopped: {e}");
            }
        });
        let mut cluster = Cluster {
            url: format!("df://127.0.0.1:{scheduler_port}"),
            state,
            executors: Vec::new(),
            dir,
            scheduler,
            options: options.clone(),
            scheduler_port,
        };
        for _ in 0..options.executors {
            cluster.add_executor().await;
        }
        cluster.wait_for_executors(options.executors).await;
        cluster
    }

    /// Starts one more executor (registration is not awaited).
    pub(crate) async fn add_executor(&mut self) {
        let index = self.executors.len();
        let work_dir = self.dir.join(format!("executor-{index}"));
        fs::create_dir_all(&work_dir).unwrap();
        let (flight, grpc, health) = (free_port(), free_port(), free_port());
        let options = &self.options;
        let executor = match options.kind {
            Executors::InProcess | Executors::InProcessStock => {
                let config = ExecutorProcessConfig {
                    executor_id: format!("executor-{index}"),
                    bind_host: "127.0.0.1".into(),
                    external_host: Some("127.0.0.1".into()),
                    port: flight,
                    grpc_port: grpc,
                    scheduler_host: "127.0.0.1".into(),
                    scheduler_port: self.scheduler_port,
                    vcores: options.vcores,
                    task_scheduling_policy: options.policy,
                    work_dir: Some(work_dir.to_string_lossy().into_owned()),
                    executor_heartbeat_interval_seconds: options.heartbeat_seconds,
                    special_mod_log_level: "warn".into(),
                    memory_pool_size: options.memory_pool_bytes,
                    ..ExecutorProcessConfig::default()
                };
                let config = if options.kind == Executors::InProcess {
                    datafusion_forecast::codec::executor_config(config)
                } else {
                    config
                };
                let task = tokio::spawn(async move {
                    if let Err(e) = start_executor_process(Arc::new(config)).await {
                        eprintln!("executor-{index} stopped: {e}");
                    }
                });
                Executor {
                    work_dir,
                    task: Some(task),
                    child: None,
                }
            }
            Executors::Children => {
                let log = fs::File::create(self.dir.join(format!("executor-{index}.log"))).unwrap();
                let policy = match options.policy {
                    TaskSchedulingPolicy::PullStaged => "pull-staged",
                    TaskSchedulingPolicy::PushStaged => "push-staged",
                };
                let child =
                    Command::new(env!("CARGO_BIN_EXE_dfcast-executor"))
                        .args(["--id", &format!("executor-{index}")])
                        .args(["--bind-host", "127.0.0.1", "--external-host", "127.0.0.1"])
                        .args(["--bind-port", &flight.to_string()])
                        .args(["--bind-grpc-port", &grpc.to_string()])
                        .args(["--bind-health-port", &health.to_string()])
                        .args(["--scheduler-host", "127.0.0.1"])
                        .args(["--scheduler-port", &self.scheduler_port.to_string()])
                        .args(["--scheduler-connect-timeout-seconds", "30"])
                        .args(["--vcores", &options.vcores.to_string()])
                        .args(["--task-scheduling-policy", policy])
                        .args([
                            "--executor-heartbeat-interval-seconds",
                            &options.heartbeat_seconds.to_string(),
                        ])
                        .args(["--work-dir", &work_dir.to_string_lossy()])
                        .args(options.memory_pool_bytes.iter().flat_map(|bytes| {
                            ["--memory-pool-size".to_string(), bytes.to_string()]
                        }))
                        .env("RUST_LOG", "warn,ballista=info,ballista_executor=info")
                        .stdout(Stdio::from(log.try_clone().unwrap()))
                        .stderr(Stdio::from(log))
                        .spawn()
                        .expect("dfcast-executor starts");
                Executor {
                    work_dir,
                    task: None,
                    child: Some(child),
                }
            }
        };
        self.executors.push(executor);
    }

    /// Waits until `n` executors are registered with the scheduler.
    pub(crate) async fn wait_for_executors(&self, n: usize) {
        let start = Instant::now();
        loop {
            let registered = self.registered_executors().await;
            if registered >= n {
                return;
            }
            assert!(
                start.elapsed() < STARTUP,
                "only {registered} of {n} executors registered after {STARTUP:?} (logs in {})",
                self.dir.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub(crate) async fn registered_executors(&self) -> usize {
        self.state
            .executor_manager
            .get_executors_state()
            .await
            .map(|executors| executors.len())
            .unwrap_or(0)
    }

    /// The ids of the stages each executor wrote shuffle output for, per job.
    pub(crate) fn stages_run(&self, executor: usize) -> Vec<(String, usize)> {
        let mut stages = Vec::new();
        let Ok(jobs) = fs::read_dir(&self.executors[executor].work_dir) else {
            return stages;
        };
        for job in jobs.flatten() {
            let Ok(entries) = fs::read_dir(job.path()) else {
                continue;
            };
            for stage in entries.flatten() {
                if let Ok(id) = stage.file_name().to_string_lossy().parse::<usize>() {
                    stages.push((job.file_name().to_string_lossy().into_owned(), id));
                }
            }
        }
        stages.sort();
        stages
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for executor in &mut self.executors {
            executor.kill();
        }
        self.scheduler.abort();
        if std::env::var_os("DFCAST_KEEP_TEST_DIRS").is_none() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A port nobody listens on right now.
pub(crate) fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A fresh directory under the system temp dir.
pub(crate) fn scratch_dir(what: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "dfcast-ballista-{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes a scratch directory unless `DFCAST_KEEP_TEST_DIRS` is set.
pub(crate) fn remove_dir(dir: &Path) {
    if std::env::var_os("DFCAST_KEEP_TEST_DIRS").is_none() {
        let _ = fs::remove_dir_all(dir);
    }
}
