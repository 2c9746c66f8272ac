//! The client side: a session that plans `forecast(...)` locally and runs it on a
//! Ballista cluster, with errors of misdeployed clusters explained.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use ballista::prelude::SessionContextExt;
use ballista_core::config::BALLISTA_ADAPTIVE_PLANNER_ENABLED;
use ballista_core::execution_plans::DistributedQueryExec;
use ballista_core::extension::SessionConfigExt;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::protobuf::{GetJobStatusParams, job_status};
use datafusion::arrow::array::RecordBatch;
use datafusion::catalog::Session;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DataFusionError, Result, exec_err, internal_err};
use datafusion::execution::context::QueryPlanner;
use datafusion::execution::{SessionState, SessionStateBuilder, TaskContext};
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SendableRecordBatchStream,
};
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion_proto::protobuf::LogicalPlanNode;
use futures::{StreamExt, TryStreamExt};

use super::{ForecastLogicalCodec, ForecastPhysicalCodec};
use crate::logical::ForecastNode;

/// `config` with this crate's codecs set as Ballista's logical and physical extension
/// codecs (through [`SessionConfigExt`]): what a client session needs so that plans
/// with `forecast(...)` serialise. Unless `config` sets
/// `ballista.planner.adaptive.enabled` itself, Ballista's adaptive planner is turned off:
/// after an executor is lost it can stop scheduling the job, which then never ends (see
/// `docs/ballista.md`).
pub fn client_config(config: SessionConfig) -> SessionConfig {
    let adaptive_set = config
        .ballista_config()
        .settings()
        .contains_key(BALLISTA_ADAPTIVE_PLANNER_ENABLED);
    let config = config
        .with_ballista_logical_extension_codec(Arc::new(ForecastLogicalCodec::default()))
        .with_ballista_physical_extension_codec(Arc::new(ForecastPhysicalCodec::default()));
    if adaptive_set {
        config
    } else {
        config.with_ballista_adaptive_query_planner(false)
    }
}

/// A session that plans `forecast(...)` / `cross_validation(...)` locally and runs the
/// queries on the Ballista cluster whose scheduler is at `url` (`df://host:port`).
///
/// ```no_run
/// # async fn run() -> datafusion::common::Result<()> {
/// use datafusion::prelude::SessionConfig;
/// use datafusion_forecast::codec::remote_context;
///
/// let ctx = remote_context("df://scheduler-host:50050", SessionConfig::new()).await?;
/// ctx.register_parquet("sales", "s3://bucket/sales/", Default::default()).await?;
/// ctx.sql("SELECT * FROM forecast('sales', h => 7, models => 'Naive()')")
///     .await?
///     .show()
///     .await?;
/// # Ok(())
/// # }
/// ```
///
/// The scheduler must be a `dfcast-scheduler` and the executors `dfcast-executor`s (or
/// processes set up with [`scheduler_config`](super::scheduler_config) and
/// [`executor_config`](super::executor_config)); inputs must be files or object-store
/// URLs every executor can read (memory tables do not serialise).
pub async fn remote_context(url: &str, config: SessionConfig) -> Result<SessionContext> {
    let builder = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features();
    remote_context_with_state(url, builder).await
}

/// [`remote_context`] from a state builder of the caller's (runtime, memory pool,
/// catalogs).
pub async fn remote_context_with_state(
    url: &str,
    builder: SessionStateBuilder,
) -> Result<SessionContext> {
    let ctx = connect(url, builder).await?;
    crate::register(&ctx)?;
    Ok(ctx)
}

/// The steps of [`remote_context_with_state`] but the last: adds this crate's codecs to
/// the builder's config, installs the relation planner, calls Ballista's
/// `SessionContext::remote_with_state`, and wraps Ballista's client planner so that a
/// query with `forecast(...)` has its result checked and its errors explained
/// ([`explain_cluster_error`]). Call [`crate::register`] on the context you finally use
/// (after `enable_url_table`, say).
///
/// The check: before the first row reaches the caller, the scheduler is asked which
/// output partitions the finished job has. When Ballista has re-run part of the final
/// stage after losing an executor it can list a partition twice (the client would
/// return those rows twice); then the query fails instead of returning them.
pub async fn connect(url: &str, mut builder: SessionStateBuilder) -> Result<SessionContext> {
    let scheduler_url = scheduler_url(url)?;
    let config = builder.config().take().unwrap_or_default();
    let builder = builder.with_config(client_config(config));
    let state = crate::install(builder).build();
    let state = SessionContext::remote_with_state(url, state).await?.state();
    let ballista = Arc::clone(state.query_planner());
    let session_id = state.session_id().to_string();
    let state = SessionStateBuilder::new_from_existing(state)
        .with_session_id(session_id)
        .with_query_planner(Arc::new(CheckingPlanner {
            inner: ballista,
            scheduler_url,
        }))
        .build();
    Ok(SessionContext::new_with_state(state))
}

/// `http://host:port` of a `df://host:port` URL, as Ballista's client derives it.
fn scheduler_url(url: &str) -> Result<String> {
    let parsed = url::Url::parse(url)
        .map_err(|e| DataFusionError::Configuration(format!("scheduler URL '{url}': {e}")))?;
    let Some(host) = parsed.host_str() else {
        return Err(DataFusionError::Configuration(format!(
            "scheduler URL '{url}' has no host; use df://host:port"
        )));
    };
    Ok(format!(
        "http://{host}:{}",
        parsed.port().unwrap_or(DEFAULT_SCHEDULER_PORT)
    ))
}

/// Ballista's default scheduler port.
const DEFAULT_SCHEDULER_PORT: u16 = 50050;

/// What Ballista's client reports when the plan does not serialise (a table held in
/// memory: DataFusion's default codec knows no custom table).
const NOT_SERIALISABLE: &str = "failed to serialize logical plan";
/// What a stock Ballista scheduler reports for a logical plan with our node in it (its
/// logical codec falls back to DataFusion's default, which knows no extension).
const STOCK_SCHEDULER: &str = "LogicalExtensionCodec is not provided";
/// What a stock Ballista executor reports, in pull mode, for a stage with our exec in it.
const STOCK_EXECUTOR_PULL: &str = "Could not deserialize BallistaPhysicalPlanNode";
/// What a scheduler reports when an executor refuses a pushed task, as a stock Ballista
/// executor refuses every task holding our exec.
const EXECUTOR_REJECTED: &str = "task could not be prepared or was rejected by executor";
/// What the client reports when an executor holding part of the result is gone.
const FETCH_FAILED: &str = "Error connecting to Ballista scheduler or executor";

/// Says what a cluster error means for a query with `forecast(...)`: a table that only
/// the client holds; a scheduler without our logical codec (it cannot read a
/// `ForecastNode`); executors without our physical codec (they cannot read a
/// `ForecastExec`); an executor lost during the job (after the checks and resubmissions
/// of [`connect`], no partial or duplicated result is returned). Other errors pass
/// unchanged. Sessions from [`remote_context`] apply it already.
pub fn explain_cluster_error(error: DataFusionError) -> DataFusionError {
    let text = error.to_string();
    let hint = if text.contains(NOT_SERIALISABLE) {
        "the query cannot be sent to the cluster: it reads a table that exists only in this \
         client's memory (generate_panel(...), CREATE TABLE ... AS, a registered batch); \
         executors read files or object-store URLs, so write the data where every executor \
         can read it (COPY (...) TO 'path') and query that"
    } else if text.contains(STOCK_SCHEDULER) {
        "ForecastNode cannot be decoded by the scheduler: start it with dfcast-scheduler \
         (datafusion-forecast codecs and query planner), not ballista-scheduler"
    } else if text.contains(STOCK_EXECUTOR_PULL) {
        "ForecastExec cannot be decoded by an executor: start every executor with \
         dfcast-executor (datafusion-forecast codec), not ballista-executor"
    } else if text.contains(EXECUTOR_REJECTED) {
        "an executor rejected a task (its log says why): an executor without the \
         datafusion-forecast codec (ballista-executor rather than dfcast-executor) rejects \
         every task holding ForecastExec, so start every executor with dfcast-executor; a \
         dfcast-executor rejects a task whose shuffle input Ballista listed twice after \
         losing an executor"
    } else if text.contains(LISTED_TWICE) || text.contains(SHUFFLE_INPUT_TWICE) {
        "the cluster lost an executor during the job and Ballista would have returned or \
         read some rows twice; the query failed instead (after resubmitting it): run it \
         again once the cluster is stable"
    } else if text.contains(FETCH_FAILED) {
        "part of the result, or of a shuffle, is on an executor that cannot be reached; \
         the query failed rather than return partial output: run it again once the cluster \
         is stable"
    } else {
        return error;
    };
    error.context(hint)
}

/// Ballista's client planner; plans holding a [`ForecastNode`] get their result checked
/// and their errors explained by [`CheckedResultExec`].
struct CheckingPlanner {
    inner: Arc<dyn QueryPlanner + Send + Sync>,
    scheduler_url: String,
}

impl fmt::Debug for CheckingPlanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckingPlanner")
            .field("inner", &self.inner)
            .field("scheduler_url", &self.scheduler_url)
            .finish()
    }
}

#[async_trait]
impl QueryPlanner for CheckingPlanner {
    async fn create_physical_plan(
        &self,
        logical_plan: &LogicalPlan,
        session: &dyn Session,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = self
            .inner
            .create_physical_plan(logical_plan, session)
            .await
            .map_err(explain_cluster_error)?;
        Ok(if has_forecast(logical_plan)? {
            // Ballista's client exec keeps the id of the first job it submitted, so a
            // resubmission plans a fresh one from the same logical plan and session.
            let resubmit = session
                .as_any()
                .downcast_ref::<SessionState>()
                .map(|state| {
                    Arc::new(Resubmit {
                        planner: Arc::clone(&self.inner),
                        logical_plan: logical_plan.clone(),
                        state: state.clone(),
                    })
                });
            Arc::new(CheckedResultExec {
                inner: plan,
                scheduler_url: self.scheduler_url.clone(),
                resubmit,
            })
        } else {
            plan
        })
    }
}

fn has_forecast(plan: &LogicalPlan) -> Result<bool> {
    let mut found = false;
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::Extension(extension) = node
            && extension.node.as_any().is::<ForecastNode>()
        {
            found = true;
            return Ok(TreeNodeRecursion::Stop);
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    Ok(found)
}

/// Runs the client's distributed plan; holds back the first row until the job's output
/// partitions are known to be listed once each, and maps errors with
/// [`explain_cluster_error`].
#[derive(Debug)]
struct CheckedResultExec {
    inner: Arc<dyn ExecutionPlan>,
    scheduler_url: String,
    resubmit: Option<Arc<Resubmit>>,
}

/// What planning the query again takes.
struct Resubmit {
    planner: Arc<dyn QueryPlanner + Send + Sync>,
    logical_plan: LogicalPlan,
    state: SessionState,
}

impl fmt::Debug for Resubmit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resubmit").finish_non_exhaustive()
    }
}

impl DisplayAs for CheckedResultExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "CheckedResultExec")
    }
}

impl ExecutionPlan for CheckedResultExec {
    fn name(&self) -> &'static str {
        "CheckedResultExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.inner.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.inner]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return internal_err!("CheckedResultExec takes one child, got {}", children.len());
        }
        Ok(Arc::new(Self {
            inner: children.swap_remove(0),
            scheduler_url: self.scheduler_url.clone(),
            resubmit: self.resubmit.clone(),
        }))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let schema = self.inner.schema();
        let first_plan = Arc::clone(&self.inner);
        let scheduler_url = self.scheduler_url.clone();
        let resubmit = self.resubmit.clone();
        let checked = futures::stream::once(async move {
            let mut plan = first_plan;
            let mut attempt = 0;
            loop {
                let error =
                    match first_checked_batch(&plan, partition, &context, &scheduler_url).await {
                        Ok(stream) => return Ok(stream),
                        Err(e) => e,
                    };
                let Some(resubmit) = resubmit.as_ref() else {
                    return Err(error);
                };
                if attempt == RESUBMISSIONS || !is_cluster_fault(&error) {
                    return Err(error);
                }
                attempt += 1;
                log::warn!(
                    "the cluster lost part of a forecast job before any row was returned \
                     ({error}); submitting it again ({attempt} of {RESUBMISSIONS})"
                );
                plan = resubmit
                    .planner
                    .create_physical_plan(&resubmit.logical_plan, &resubmit.state)
                    .await?;
            }
        })
        .try_flatten()
        .map_err(explain_cluster_error);
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, checked)))
    }
}

/// How many times a job that an executor loss spoiled is submitted again, when that
/// is found before any row was returned.
const RESUBMISSIONS: usize = 2;

/// Errors of an executor lost during the job (fetches that failed, output the scheduler
/// listed twice, a task refused for reading its input twice, which push scheduling
/// reports as a rejected task): the same query on the cluster as it is now can succeed.
fn is_cluster_fault(error: &DataFusionError) -> bool {
    let text = error.to_string();
    [
        FETCH_FAILED,
        LISTED_TWICE,
        SHUFFLE_INPUT_TWICE,
        EXECUTOR_REJECTED,
        "Shuffle fetch partition error",
    ]
    .iter()
    .any(|pattern| text.contains(pattern))
}

/// Runs the job, waits for its first batch (Ballista's client returns nothing before
/// the job has finished) and checks its output partitions; returns the whole stream,
/// first batch included. Nothing has reached the caller when this fails.
async fn first_checked_batch(
    inner: &Arc<dyn ExecutionPlan>,
    partition: usize,
    context: &Arc<TaskContext>,
    scheduler_url: &str,
) -> Result<futures::stream::BoxStream<'static, Result<RecordBatch>>> {
    let mut stream = inner.execute(partition, Arc::clone(context))?;
    let first = stream.next().await.transpose()?;
    let job_id = inner
        .downcast_ref::<DistributedQueryExec<LogicalPlanNode>>()
        .and_then(DistributedQueryExec::job_id);
    if let Some(job_id) = job_id {
        check_output_partitions(scheduler_url, job_id.as_ref()).await?;
    }
    Ok(futures::stream::iter(first.map(Ok)).chain(stream).boxed())
}

/// Part of the error [`check_output_partitions`] gives for output listed twice.
const LISTED_TWICE: &str = "finished with output listed more than once";
/// Part of the error an executor's codec gives for shuffle input listed twice.
const SHUFFLE_INPUT_TWICE: &str = "shuffle input listed twice";

/// Fails when the finished job `job_id` lists an output partition more than once or
/// skips one: Ballista's client would return those rows twice, or not at all.
async fn check_output_partitions(scheduler_url: &str, job_id: &str) -> Result<()> {
    let mut scheduler = SchedulerGrpcClient::connect(scheduler_url.to_string())
        .await
        .map_err(|e| DataFusionError::External(Box::new(e)))?;
    let status = scheduler
        .get_job_status(GetJobStatusParams {
            job_id: job_id.to_string(),
        })
        .await
        .map_err(|e| DataFusionError::External(Box::new(e)))?
        .into_inner()
        .status
        .and_then(|status| status.status);
    let Some(job_status::Status::Successful(job)) = status else {
        return Ok(());
    };
    let mut seen: HashMap<(u32, u32, u32, Option<u64>), usize> = HashMap::new();
    let mut partitions = BTreeSet::new();
    for location in &job.partition_location {
        let Some(id) = &location.partition_id else {
            continue;
        };
        *seen
            .entry((
                id.stage_id,
                id.partition_id,
                location.map_partition_id,
                location.file_id,
            ))
            .or_default() += 1;
        partitions.insert(id.partition_id);
    }
    let mut twice: Vec<String> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|((stage, partition, _, _), n)| {
            format!("partition {partition} of stage {stage} ({n} times)")
        })
        .collect();
    if !twice.is_empty() {
        twice.sort();
        return exec_err!(
            "job {job_id} {LISTED_TWICE}: {}. Ballista re-ran part of the final stage after \
             losing an executor and would return those rows twice; the result is refused \
             rather than returned duplicated",
            twice.join(", ")
        );
    }
    let missing: Vec<String> = (0..partitions.last().map_or(0, |last| last + 1))
        .filter(|p| !partitions.contains(p))
        .map(|p| p.to_string())
        .collect();
    if !missing.is_empty() {
        return exec_err!(
            "job {job_id} finished without output partitions {}; the result is refused \
             rather than returned incomplete",
            missing.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduler_urls_follow_ballista() {
        assert_eq!(
            scheduler_url("df://sched:50060").unwrap(),
            "http://sched:50060"
        );
        assert_eq!(
            scheduler_url("df://10.0.0.7").unwrap(),
            "http://10.0.0.7:50050"
        );
        assert!(scheduler_url("sched:50050").is_err());
        assert!(scheduler_url("not a url").is_err());
    }

    #[test]
    fn cluster_errors_name_the_missing_piece() {
        let explain =
            |text: &str| explain_cluster_error(DataFusionError::Execution(text.into())).to_string();
        assert!(
            explain("Could not parse plan: ... LogicalExtensionCodec is not provided")
                .starts_with("ForecastNode cannot be decoded by the scheduler")
        );
        assert!(
            explain("failed to serialize logical plan: ... LogicalExtensionCodec is not provided")
                .starts_with("the query cannot be sent to the cluster")
        );
        assert!(
            explain("Could not deserialize BallistaPhysicalPlanNode: invalid wire type")
                .starts_with("ForecastExec cannot be decoded by an executor")
        );
        assert!(
            explain("Job 1 failed: task could not be prepared or was rejected by executor")
                .starts_with("an executor rejected a task")
        );
        assert!(
            explain("job 1 finished with output listed more than once: partition 0")
                .starts_with("the cluster lost an executor")
        );
        assert!(
            explain("Error connecting to Ballista scheduler or executor at http://x:1")
                .starts_with("part of the result")
        );
        assert_eq!(explain("Divide by zero"), "Execution error: Divide by zero");
    }

    #[test]
    fn only_executor_losses_are_resubmitted() {
        let fault = |text: &str| is_cluster_fault(&DataFusionError::Execution(text.into()));
        assert!(fault(
            "job 1 finished with output listed more than once: partition 0"
        ));
        assert!(fault(
            "shuffle input listed twice: output partition 1 of stage 1"
        ));
        assert!(fault(
            "Shuffle fetch partition error from Executor executor-1"
        ));
        assert!(fault(
            "Error connecting to Ballista scheduler or executor at http://x:1"
        ));
        assert!(!fault("forecast: series 'a' has two rows with the same ds"));
        assert!(!fault("LogicalExtensionCodec is not provided"));
    }
}
