//! Distributed execution on a real Ballista cluster on loopback (feature `ballista`):
//! the same SQL gives the same rows as a local run; EXPLAIN shows the shuffle; stock
//! Ballista processes fail with an error naming the missing piece; an executor killed
//! mid-query never yields duplicated or partial output presented as complete.
//!
//! `cargo test --features ballista --test ballista`. Every query is bounded by
//! `data::QUERY_TIMEOUT`; set `DFCAST_KEEP_TEST_DIRS=1` to keep work dirs and executor
//! logs.

#[path = "ballista/cluster.rs"]
mod cluster;
#[path = "ballista/data.rs"]
mod data;
#[path = "ballista/faults.rs"]
mod faults;

use datafusion::arrow::array::AsArray;
use datafusion::prelude::{SessionConfig, SessionContext};

use cluster::{Cluster, Executors, Options, scratch_dir};
use data::{
    assert_unique_keys, register_future, register_inputs, rows, run, write_future, write_panel,
};

/// The statements compared with a local run, with the number of key columns of their
/// output (`unique_id, ds` or `unique_id, ds, cutoff`).
fn statements() -> Vec<(&'static str, usize)> {
    vec![
        (
            "SELECT * FROM forecast((SELECT unique_id, ds, y FROM panel), h => 14, \
             models => 'Naive(), SeasonalNaive(season_length=7), HistoricAverage(), \
             RandomWalkWithDrift(), SimpleExponentialSmoothing(alpha=0.2), WindowAverage(window_size=7)', level => [80, 95])",
            2,
        ),
        (
            "SELECT * FROM forecast('m1', h => 6, models => 'SeasonalNaive(season_length=12), Naive()', \
             level => [90], fitted => true, freq => 'MS')",
            2,
        ),
        (
            "SELECT * FROM cross_validation('panel', h => 7, n_windows => 3, step_size => 7, \
             models => 'SeasonalNaive(season_length=7), Naive(), HistoricAverage()', level => [95], \
             input_size => 30)",
            3,
        ),
        (
            "SELECT * FROM cross_validation('panel', h => 7, n_windows => 2, step_size => 7, \
             models => 'SeasonalNaive(season_length=7), Naive()', level => [80], input_size => 14, \
             fitted => true)",
            3,
        ),
        (
            "SELECT * FROM detect_anomalies('m1', models => 'SeasonalNaive(season_length=12), Naive()', \
             level => 95, freq => 'MS')",
            2,
        ),
        (
            "SELECT * FROM predict(fits => (SELECT * FROM fit_models('panel', models => 'Naive(), \
             SeasonalNaive(season_length=7), SimpleExponentialSmoothingOptimized()')), h => 7, level => [80])",
            2,
        ),
        (
            "SELECT * FROM predict(fits => (SELECT * FROM fit_models((SELECT unique_id, ds, y FROM (SELECT *, row_number() OVER \
             (PARTITION BY unique_id ORDER BY ds DESC) AS back FROM panel) WHERE back > 7), \
             models => 'Naive(), SeasonalNaive(season_length=7)')), input => (SELECT unique_id, ds, y FROM panel), \
             h => 7, level => [95])",
            2,
        ),
    ]
}

/// A forecast with a regressor: `promo` in the input, its future values in
/// `panel_future` (two inputs shuffled alike on the cluster).
fn statement_with_future() -> String {
    format!(
        "SELECT * FROM forecast({}, h => 7, models => 'ARIMA(order=(1,0,0), alias=''ARIMAX''), Naive()', \
         level => [80], future => 'panel_future')",
        data::PANEL_WITH_PROMO
    )
}

/// The clusters of these tests run one at a time: on a small machine, executors of
/// concurrent tests would starve each other's heartbeats.
static ONE_CLUSTER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn client_config() -> SessionConfig {
    SessionConfig::new().with_target_partitions(4)
}

async fn local_context(panel: &std::path::Path) -> SessionContext {
    let ctx = datafusion_forecast::session_context(client_config());
    register_inputs(&ctx, panel).await;
    ctx
}

async fn remote_context(cluster: &Cluster, panel: &std::path::Path) -> SessionContext {
    let ctx = datafusion_forecast::codec::remote_context(&cluster.url, client_config())
        .await
        .expect("client connects");
    register_inputs(&ctx, panel).await;
    ctx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_results_equal_local_results() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    let dir = scratch_dir("data");
    let panel = write_panel(&dir, 3000, 40, 90, 4);
    let future = write_future(&dir, &panel).await;
    let cluster = Cluster::start(Options::default()).await;
    let local = local_context(&panel).await;
    let remote = remote_context(&cluster, &panel).await;
    register_future(&local, &future).await;
    register_future(&remote, &future).await;

    let with_future = statement_with_future();
    let all = statements().into_iter().chain([(with_future.as_str(), 2)]);
    for (sql, keys) in all {
        let expected = rows(&run(&local, sql).await.expect("local run"));
        let actual = rows(&run(&remote, sql).await.expect("cluster run"));
        assert!(
            expected.len() > 10_000,
            "{} rows from {sql}",
            expected.len()
        );
        assert_unique_keys(&expected, keys, sql);
        assert_eq!(actual.len(), expected.len(), "row count of {sql}");
        assert!(
            actual == expected,
            "cluster rows differ from local rows for {sql}"
        );
    }

    // The forecast stage (the last stage of each job) ran tasks on both executors.
    for executor in 0..2 {
        let stages = cluster.stages_run(executor);
        assert!(
            stages.len() >= 2,
            "executor {executor} wrote output for stages {stages:?} only"
        );
    }
    let last_stage = |executor: usize| cluster.stages_run(executor).iter().map(|s| s.1).max();
    assert_eq!(
        last_stage(0),
        last_stage(1),
        "both executors ran the final stage"
    );
    cluster::remove_dir(&dir);
}

/// Executors with a small memory pool each (Ballista's `--memory-pool-size`, a fair pool
/// per task) run their share spilling, and return exactly the local rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_limited_executors_return_the_local_rows() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    let dir = scratch_dir("data");
    let panel = write_panel(&dir, 6000, 100, 300, 4);
    let options = Options {
        kind: Executors::Children,
        policy: ballista_core::config::TaskSchedulingPolicy::PullStaged,
        // Per executor, split over its 2 vcores: the panel (~1.2M rows) is far larger.
        memory_pool_bytes: Some(24 << 20),
        ..Options::default()
    };
    let cluster = Cluster::start(options).await;
    let local = local_context(&panel).await;
    // Each sort keeps this much for merging its spill files (10 MiB by default): it must
    // fit in a task's share of the executor's pool. The setting travels with the query.
    let config = client_config().with_sort_spill_reservation_bytes(2 << 20);
    let remote = datafusion_forecast::codec::remote_context(&cluster.url, config)
        .await
        .expect("client connects");
    register_inputs(&remote, &panel).await;
    for sql in [
        "SELECT * FROM forecast('panel', h => 7, models => 'Naive(), SeasonalNaive(season_length=7)', level => [80])",
        "SELECT * FROM cross_validation('panel', h => 7, n_windows => 2, step_size => 7, models => 'HistoricAverage()')",
    ] {
        let expected = rows(&run(&local, sql).await.expect("local run"));
        let actual = rows(&run(&remote, sql).await.expect("memory-limited cluster run"));
        assert_eq!(actual.len(), expected.len(), "row count of {sql}");
        assert!(
            actual == expected,
            "cluster rows differ from local rows for {sql}"
        );
    }
    cluster::remove_dir(&dir);
}

/// `COPY ... TO` through the cluster writes what the same COPY writes locally, in CSV
/// (dates, timestamps, quoting, header), JSON and Parquet.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copy_through_the_cluster_writes_what_a_local_copy_writes() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    let dir = scratch_dir("data");
    let panel = write_panel(&dir, 50, 20, 40, 2);
    let cluster = Cluster::start(Options::default()).await;
    let local = local_context(&panel).await;
    let remote = remote_context(&cluster, &panel).await;
    let query = "SELECT unique_id || ',x' AS label, ds, \
                 arrow_cast(ds, 'Timestamp(Millisecond, None)') + INTERVAL '90 minutes 500 milliseconds' AS at, \
                 \"Naive\", \"Naive-lo-80\" \
                 FROM forecast('panel', h => 3, models => 'Naive()', level => [80]) ORDER BY label, ds";
    for (format, extension) in [("CSV", "csv"), ("JSON", "json"), ("PARQUET", "parquet")] {
        let mut written = Vec::new();
        for (ctx, side) in [(&local, "local"), (&remote, "cluster")] {
            let path = dir.join(format!("{side}.{extension}"));
            let sql = format!("COPY ({query}) TO '{}' STORED AS {format}", path.display());
            run(ctx, &sql).await.expect("COPY runs");
            written.push(if extension == "parquet" {
                let read = local
                    .read_parquet(path.to_str().unwrap(), Default::default())
                    .await
                    .expect("written parquet opens");
                rows(&read.collect().await.expect("written parquet reads")).join("\n")
            } else {
                std::fs::read_to_string(&path).expect("written file reads")
            });
        }
        assert!(written[0].lines().count() > 100, "{format}: {}", written[0]);
        assert!(
            written[1] == written[0],
            "{format}: the cluster wrote\n{}\nlocally\n{}",
            &written[1][..written[1].len().min(600)],
            &written[0][..written[0].len().min(600)]
        );
    }
    cluster::remove_dir(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn distributed_explain_shows_the_shuffle_before_the_forecast() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    let dir = scratch_dir("data");
    let panel = write_panel(&dir, 200, 40, 60, 2);
    let cluster = Cluster::start(Options::default()).await;
    let remote = remote_context(&cluster, &panel).await;
    let sql = format!("EXPLAIN {}", statements()[0].0);
    let batches = run(&remote, &sql).await.expect("explain");
    let mut distributed = None;
    for batch in &batches {
        let types = batch.column(0).as_string::<i32>();
        let plans = batch.column(1).as_string::<i32>();
        for row in 0..batch.num_rows() {
            if types.value(row) == "distributed_plan" {
                distributed = Some(plans.value(row).to_string());
            }
        }
    }
    let plan = distributed.expect("EXPLAIN on a cluster has a distributed_plan row");
    // Stages print as `=====...Stage[stage_id=N.0, ...]=====` followed by their plan.
    let stages: Vec<(usize, &str)> = plan
        .split("=========")
        .skip(1)
        .collect::<Vec<_>>()
        .chunks(2)
        .filter_map(|pair| match pair {
            [header, body] if header.contains("stage_id=") => {
                let id = header.split("stage_id=").nth(1)?.split(['.', ',']).next()?;
                Some((id.parse().ok()?, *body))
            }
            _ => None,
        })
        .collect();
    let (shuffle_stage, _) = stages
        .iter()
        .find(|(_, body)| {
            !body.contains("ForecastExec")
                && body.contains("ShuffleWriterExec: partitioning=Hash([unique_id@0]")
        })
        .unwrap_or_else(|| panic!("no stage hash-shuffles on unique_id:\n{plan}"));
    let (forecast_stage, forecast_body) = stages
        .iter()
        .find(|(_, body)| body.contains("ForecastExec"))
        .unwrap_or_else(|| panic!("no stage runs ForecastExec:\n{plan}"));
    assert!(shuffle_stage < forecast_stage, "{plan}");
    let reads =
        format!("UnresolvedShuffleExec: stage={shuffle_stage}, partitioning: Hash([unique_id@0]");
    assert!(
        forecast_body.contains(&reads),
        "the forecast stage reads the hash shuffle:\n{plan}"
    );
    let forecast_at = forecast_body.find("ForecastExec").unwrap();
    assert!(
        forecast_body[forecast_at..].contains("SortExec: expr=[unique_id@0 ASC, ds@1 ASC]"),
        "{plan}"
    );
    cluster::remove_dir(&dir);
}

/// A scheduler with our codecs and executors without: the job fails, naming the piece.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stock_executors_fail_naming_the_missing_codec() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    let dir = scratch_dir("data");
    let panel = write_panel(&dir, 50, 40, 60, 1);
    let cluster = Cluster::start(Options {
        kind: Executors::InProcessStock,
        ..Options::default()
    })
    .await;
    let remote = remote_context(&cluster, &panel).await;
    let err = run(&remote, statements()[0].0)
        .await
        .expect_err("stock executors cannot run ForecastExec")
        .to_string();
    println!("{err}");
    assert!(
        err.contains("start every executor with dfcast-executor"),
        "{err}"
    );
    cluster::remove_dir(&dir);
}

/// A stock scheduler: it cannot even read the logical plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stock_scheduler_fails_naming_the_missing_codec() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    let dir = scratch_dir("data");
    let panel = write_panel(&dir, 50, 40, 60, 1);
    let cluster = Cluster::start(Options {
        our_scheduler: false,
        ..Options::default()
    })
    .await;
    let remote = remote_context(&cluster, &panel).await;
    let err = run(&remote, statements()[0].0)
        .await
        .expect_err("a stock scheduler cannot plan ForecastNode")
        .to_string();
    println!("{err}");
    assert!(
        err.contains(
            "ForecastNode cannot be decoded by the scheduler: start it with dfcast-scheduler"
        ),
        "{err}"
    );
    cluster::remove_dir(&dir);
}

/// A table that lives in the client's memory cannot be shipped to the cluster: the
/// error says so (and does not blame the scheduler).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_tables_fail_naming_the_cause() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    let cluster = Cluster::start(Options::default()).await;
    let remote = datafusion_forecast::codec::remote_context(&cluster.url, client_config())
        .await
        .expect("client connects");
    let sql = "SELECT * FROM forecast((SELECT unique_id, ds, y FROM generate_panel(10, 'D', 20, 30)), \
               h => 3, models => 'Naive()')";
    let err = run(&remote, sql)
        .await
        .expect_err("a memory table does not serialise")
        .to_string();
    println!("{err}");
    assert!(err.contains("only in this client's memory"), "{err}");
    assert!(!err.contains("dfcast-scheduler"), "{err}");
}

/// Our defaults (pull-staged scheduling, the static planner, executor timeout 15 s):
/// SIGKILL one of two executors while the forecast stage runs on both, before any of its
/// tasks finished. Ballista re-runs the lost shuffle output and the forecast stage; when
/// it lists a re-run output twice, the client refuses the job before returning a row and
/// submits it again. The client gets exactly the local rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn executor_killed_mid_forecast_pull_static_gives_the_local_rows() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    use faults::{Outcome, Scenario, kill_during_forecast, local_rows, panel};

    let (dir, panel) = panel();
    let expected = local_rows(&panel).await;
    let scenario = Scenario {
        policy: ballista_core::config::TaskSchedulingPolicy::PullStaged,
        adaptive: false,
        ..Scenario::default()
    };
    let (outcome, listed_twice) = kill_during_forecast(&scenario, &panel, &expected).await;
    println!("Ballista listed {listed_twice} output partitions twice");
    assert_eq!(outcome, Outcome::Identical);
    cluster::remove_dir(&dir);
}

/// Ballista 55 keeps the outputs a stage published before it was rolled back: kill an
/// executor after the surviving one finished forecast tasks, and the scheduler lists
/// those output partitions twice (its own client would return their rows twice). Ours
/// refuses that job and submits the query again: the local rows, or an error, never
/// duplicated or partial rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn executor_killed_after_forecast_output_never_duplicates() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    use faults::{KillAt, Outcome, Scenario, kill_during_forecast, local_rows, panel};

    let (dir, panel) = panel();
    let expected = local_rows(&panel).await;
    let scenario = Scenario {
        adaptive: false,
        partitions: 16,
        kill_at: KillAt::AfterSurvivorOutput,
        ..Scenario::default()
    };
    let (outcome, listed_twice) = kill_during_forecast(&scenario, &panel, &expected).await;
    println!("Ballista listed {listed_twice} output partitions twice");
    match &outcome {
        Outcome::Identical => {}
        Outcome::Failed(error) => assert!(
            error.contains("listed more than once")
                || error.contains("listed twice")
                || error.contains("failed rather than return partial output"),
            "{error}"
        ),
        other => panic!("rows presented as complete must be the local rows, got {other:?}"),
    }
    cluster::remove_dir(&dir);
}

/// Ballista's adaptive planner (its default) can stop scheduling after an executor is
/// lost: the job neither finishes nor fails. Bounded here; whatever happens, no wrong
/// rows. (Our client turns the adaptive planner off.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn adaptive_planner_after_executor_kill_never_gives_wrong_rows() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    use faults::{Outcome, Scenario, kill_during_forecast, local_rows, panel};

    let (dir, panel) = panel();
    let expected = local_rows(&panel).await;
    let scenario = Scenario {
        adaptive: true,
        budget: std::time::Duration::from_secs(45),
        ..Scenario::default()
    };
    let (outcome, _) = kill_during_forecast(&scenario, &panel, &expected).await;
    assert!(
        matches!(
            outcome,
            Outcome::Hung | Outcome::Failed(_) | Outcome::Identical
        ),
        "{outcome:?}"
    );
    if outcome == Outcome::Hung {
        println!("reproduced: the adaptive planner hung after the executor kill");
    }
    cluster::remove_dir(&dir);
}

/// The executor-kill outcomes of every scheduling policy and planner, printed (an
/// experiment, several minutes: `cargo test --features ballista --test ballista
/// executor_kill_matrix -- --ignored --nocapture`; `DFCAST_KILL_SCENARIOS=pa,ps,...`
/// picks scenarios).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "experiment; several minutes"]
async fn executor_kill_matrix() {
    let _serial = ONE_CLUSTER_AT_A_TIME.lock().await;
    use ballista_core::config::TaskSchedulingPolicy::PullStaged;
    use faults::{KillAt, Scenario, kill_during_forecast, local_rows, panel};

    let (dir, panel) = panel();
    let expected = local_rows(&panel).await;
    let wanted = std::env::var("DFCAST_KILL_SCENARIOS").unwrap_or_else(|_| "pa,ps,la,ls".into());
    for name in wanted.split(',') {
        let scenario = match name {
            "pa" => Scenario::default(),
            "ps" => Scenario {
                adaptive: false,
                ..Scenario::default()
            },
            "la" => Scenario {
                policy: PullStaged,
                ..Scenario::default()
            },
            "ls" => Scenario {
                policy: PullStaged,
                adaptive: false,
                ..Scenario::default()
            },
            "par" => Scenario {
                replacement: true,
                ..Scenario::default()
            },
            "psr" => Scenario {
                adaptive: false,
                replacement: true,
                ..Scenario::default()
            },
            "lar" => Scenario {
                policy: PullStaged,
                replacement: true,
                ..Scenario::default()
            },
            "lsr" => Scenario {
                policy: PullStaged,
                adaptive: false,
                replacement: true,
                ..Scenario::default()
            },
            "ps8o" => Scenario {
                adaptive: false,
                partitions: 8,
                kill_at: KillAt::AfterOutput,
                ..Scenario::default()
            },
            "ls8o" => Scenario {
                policy: PullStaged,
                adaptive: false,
                partitions: 8,
                kill_at: KillAt::AfterOutput,
                ..Scenario::default()
            },
            "pa8o" => Scenario {
                partitions: 8,
                kill_at: KillAt::AfterOutput,
                ..Scenario::default()
            },
            "ps8" => Scenario {
                adaptive: false,
                partitions: 8,
                ..Scenario::default()
            },
            "ls8" => Scenario {
                policy: PullStaged,
                adaptive: false,
                partitions: 8,
                ..Scenario::default()
            },
            "ps16s" => Scenario {
                adaptive: false,
                partitions: 16,
                kill_at: KillAt::AfterSurvivorOutput,
                ..Scenario::default()
            },
            "ls16s" => Scenario {
                policy: PullStaged,
                adaptive: false,
                partitions: 16,
                kill_at: KillAt::AfterSurvivorOutput,
                ..Scenario::default()
            },
            "ls16s1" => Scenario {
                policy: PullStaged,
                adaptive: false,
                partitions: 16,
                kill_at: KillAt::AfterSurvivorOutput,
                stage_max_failures: 1,
                ..Scenario::default()
            },
            "ls81" => Scenario {
                policy: PullStaged,
                adaptive: false,
                partitions: 8,
                stage_max_failures: 1,
                ..Scenario::default()
            },
            other => panic!("unknown scenario {other}"),
        };
        println!("== {name}");
        let (outcome, listed_twice) = kill_during_forecast(&scenario, &panel, &expected).await;
        println!("== {name}: {outcome:?}; listed twice by Ballista: {listed_twice}");
    }
    cluster::remove_dir(&dir);
}
