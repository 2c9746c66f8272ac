//! An executor SIGKILLed in the middle of a forecast query: the harness that runs one
//! such scenario and says what the client got.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use ballista_core::config::TaskSchedulingPolicy;
use ballista_core::extension::SessionConfigExt;
use ballista_core::serde::protobuf::task_status;
use ballista_scheduler::state::execution_stage::ExecutionStage;
use datafusion::prelude::SessionConfig;

use crate::cluster::{Cluster, Executors, Options, State, scratch_dir};
use crate::data::{register_inputs, rows, write_panel};

/// The query killed in the middle: slow enough in a debug build to be caught running.
pub(crate) const SQL: &str = "SELECT * FROM forecast((SELECT unique_id, ds, y FROM panel), h => 7, \
     models => 'Naive(), SeasonalNaive(season_length=7), HistoricAverage(), \
     SimpleExponentialSmoothingOptimized(), SeasonalExponentialSmoothingOptimized(season_length=7)', \
     level => [80, 95])";

/// How one kill went for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The same rows as a local run.
    Identical,
    /// Every local row, some more than once.
    Duplicated { extra: usize },
    /// Fewer rows than a local run, no error.
    Partial { missing: usize },
    /// Rows that differ otherwise.
    Different { expected: usize, actual: usize },
    /// The query failed with this error.
    Failed(String),
    /// No answer within the budget.
    Hung,
}

/// A cluster configuration and what happens around the kill.
#[derive(Debug, Clone)]
pub(crate) struct Scenario {
    pub(crate) policy: TaskSchedulingPolicy,
    /// Ballista's adaptive query planner (`ballista.planner.adaptive.enabled`).
    pub(crate) adaptive: bool,
    pub(crate) executor_timeout_seconds: u64,
    pub(crate) expire_dead_executor_interval_seconds: u64,
    pub(crate) heartbeat_seconds: u64,
    pub(crate) task_max_failures: usize,
    pub(crate) stage_max_failures: usize,
    /// Start a third executor right after the kill.
    pub(crate) replacement: bool,
    /// How long the client waits for the answer after the kill.
    pub(crate) budget: Duration,
    /// Hash partitions of the shuffle (the forecast stage's tasks).
    pub(crate) partitions: usize,
    /// When executor-1 dies.
    pub(crate) kill_at: KillAt,
}

/// The moment of the kill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KillAt {
    /// The forecast stage has tasks running on both executors and none finished.
    Running,
    /// Executor-1 has finished a forecast task (its output is on its disk) and the
    /// stage is not finished.
    AfterOutput,
    /// Executor-0 (which survives) has finished a forecast task and tasks of the stage
    /// still wait for executor-1's shuffle output.
    AfterSurvivorOutput,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            policy: TaskSchedulingPolicy::PushStaged,
            adaptive: true,
            executor_timeout_seconds: 15,
            expire_dead_executor_interval_seconds: 5,
            heartbeat_seconds: 5,
            task_max_failures: 4,
            stage_max_failures: 4,
            replacement: false,
            budget: Duration::from_secs(90),
            partitions: 4,
            kill_at: KillAt::Running,
        }
    }
}

/// The rows a local run gives for [`SQL`] over `panel`.
pub(crate) async fn local_rows(panel: &Path) -> Vec<String> {
    let ctx = datafusion_forecast::session_context(SessionConfig::new().with_target_partitions(4));
    register_inputs(&ctx, panel).await;
    rows(&ctx.sql(SQL).await.unwrap().collect().await.unwrap())
}

/// A panel big enough for the forecast stage to run for seconds.
pub(crate) fn panel() -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = scratch_dir("fault-data");
    let panel = write_panel(&dir, 6000, 150, 300, 4);
    (dir, panel)
}

/// Starts a cluster of two `dfcast-executor` children, runs [`SQL`], SIGKILLs one
/// executor while the forecast stage runs on both, and compares the answer with
/// `expected`.
/// Also returns how many output partitions the scheduler listed more than once (what
/// Ballista's own client would have returned twice).
pub(crate) async fn kill_during_forecast(
    scenario: &Scenario,
    panel: &Path,
    expected: &[String],
) -> (Outcome, usize) {
    let mut cluster = Cluster::start(Options {
        executors: 2,
        vcores: 2,
        kind: Executors::Children,
        policy: scenario.policy,
        our_scheduler: true,
        executor_timeout_seconds: scenario.executor_timeout_seconds,
        expire_dead_executor_interval_seconds: scenario.expire_dead_executor_interval_seconds,
        task_max_failures: scenario.task_max_failures,
        stage_max_failures: scenario.stage_max_failures,
        heartbeat_seconds: scenario.heartbeat_seconds,
        memory_pool_bytes: None,
    })
    .await;
    let config = SessionConfig::new()
        .with_target_partitions(scenario.partitions)
        .with_ballista_adaptive_query_planner(scenario.adaptive);
    let remote = datafusion_forecast::codec::remote_context(&cluster.url, config)
        .await
        .expect("client connects");
    register_inputs(&remote, panel).await;
    let query = tokio::spawn(async move { remote.sql(SQL).await?.collect().await });

    let start = Instant::now();
    let running = loop {
        if let Some(stage) = forecast_stage(&cluster.state).await {
            let ready = match scenario.kill_at {
                KillAt::Running => {
                    stage.done.is_empty()
                        && stage.running.iter().any(|e| e == "executor-0")
                        && stage.running.iter().any(|e| e == "executor-1")
                }
                KillAt::AfterOutput => {
                    stage.done.iter().any(|e| e == "executor-1") && !stage.running.is_empty()
                }
                KillAt::AfterSurvivorOutput => {
                    stage.done.iter().any(|e| e == "executor-0") && stage.pending > 0
                }
            };
            if ready {
                break stage;
            }
        }
        if query.is_finished() || start.elapsed() > Duration::from_secs(120) {
            panic!(
                "the forecast stage never ran on both executors (logs in {})",
                cluster.dir.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!("forecast stage: {running:?}; killing executor-1");
    cluster.executors[1].kill();
    if scenario.replacement {
        cluster.add_executor().await;
    }

    let outcome = match tokio::time::timeout(scenario.budget, query).await {
        Err(_) => Outcome::Hung,
        Ok(joined) => match joined.expect("query task") {
            Err(e) => Outcome::Failed(e.to_string()),
            Ok(batches) => compare(expected, &rows(&batches)),
        },
    };
    let listed_twice = output_listed_twice(&cluster.state).await;
    println!(
        "{scenario:?}: {outcome:?}; output partitions Ballista listed more than once: {listed_twice} (logs in {})",
        cluster.dir.display()
    );
    (outcome, listed_twice)
}

fn compare(expected: &[String], actual: &[String]) -> Outcome {
    if actual == expected {
        return Outcome::Identical;
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for row in expected {
        *counts.entry(row).or_default() += 1;
    }
    for row in actual {
        *counts.entry(row).or_default() -= 1;
    }
    let missing: i64 = counts.values().filter(|c| **c > 0).sum();
    let extra: i64 = -counts.values().filter(|c| **c < 0).sum::<i64>();
    match (missing, extra) {
        (0, extra) => Outcome::Duplicated {
            extra: extra as usize,
        },
        (missing, 0) => Outcome::Partial {
            missing: missing as usize,
        },
        _ => Outcome::Different {
            expected: expected.len(),
            actual: actual.len(),
        },
    }
}

/// How many output partitions of the finished jobs the scheduler lists more than once.
pub(crate) async fn output_listed_twice(state: &State) -> usize {
    let mut twice = 0;
    for job in state.task_manager.get_all_jobs().await.unwrap_or_default() {
        let Ok(Some(status)) = state.task_manager.get_job_status(&job.job_id).await else {
            continue;
        };
        if let Some(ballista_core::serde::protobuf::job_status::Status::Successful(done)) =
            status.status
        {
            let mut seen = std::collections::HashSet::new();
            for location in &done.partition_location {
                let id = location
                    .partition_id
                    .as_ref()
                    .map(|p| (p.stage_id, p.partition_id));
                if !seen.insert((id, location.map_partition_id)) {
                    twice += 1;
                }
            }
        }
    }
    twice
}

/// Where the tasks of the running forecast stage are.
#[derive(Debug)]
struct ForecastStage {
    /// Executors running a task of it.
    running: Vec<String>,
    /// Executors that finished a task of it.
    done: Vec<String>,
    /// Partitions not started yet.
    pending: usize,
}

/// The running stage holding `ForecastExec`, if there is one.
async fn forecast_stage(state: &State) -> Option<ForecastStage> {
    let jobs = state.task_manager.get_running_job_cache();
    for job in jobs.values() {
        let graph = job.execution_graph.read().await;
        for stage in graph.stages().values() {
            let ExecutionStage::Running(stage) = stage else {
                continue;
            };
            let plan = datafusion::physical_plan::displayable(stage.plan.as_ref())
                .indent(false)
                .to_string();
            if !plan.contains("ForecastExec") {
                continue;
            }
            let (mut running, mut done) = (Vec::new(), Vec::new());
            for info in &stage.task_infos {
                match &info.task_status {
                    task_status::Status::Running(task) => running.push(task.executor_id.clone()),
                    task_status::Status::Successful(task) => done.push(task.executor_id.clone()),
                    _ => {}
                }
            }
            let started: usize = stage
                .task_infos
                .iter()
                .map(|info| info.global_input_partition_ids.len())
                .sum();
            let pending = stage.partitions.saturating_sub(started);
            return Some(ForecastStage {
                running,
                done,
                pending,
            });
        }
    }
    None
}
