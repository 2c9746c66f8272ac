//! [`ForecastPhysicalCodec`]: encodes [`ForecastExec`]s, hands every other plan to
//! Ballista's physical codec.

use std::collections::HashSet;
use std::sync::Arc;

use ballista_core::execution_plans::ShuffleReaderExec;
use ballista_core::serde::BallistaPhysicalExtensionCodec;
use datafusion::common::{Result, exec_err, internal_err};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{AggregateUDF, HigherOrderUDF, ScalarUDF, WindowUDF};
use datafusion::physical_expr_common::physical_expr::proto_decode::PhysicalExprDecodeCtx;
use datafusion::physical_expr_common::physical_expr::proto_encode::PhysicalExprEncodeCtx;
use datafusion::physical_plan::{ExecutionPlan, PhysicalExpr};
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};

use super::wire::{self, NodeKind};
use crate::physical::ForecastExec;

/// The physical extension codec a Ballista scheduler and its executors need for plans
/// with `forecast(...)` / `cross_validation(...)`.
///
/// A [`ForecastExec`] is written as its parameters behind a datafusion-forecast marker;
/// its inputs (with regressors, the future input too) travel as datafusion-proto's own
/// plan nodes, and decoding rebuilds the exec (schema, models, plan properties) from the
/// decoded inputs with
/// [`ForecastExec::try_new`]. `detect_anomalies`' `anomaly_probability` function is written
/// as the marker alone. Every other plan, expression and function goes to the
/// wrapped codec (Ballista's [`BallistaPhysicalExtensionCodec`] by default) unchanged,
/// so Ballista's own nodes keep their exact wire format.
///
/// (DataFusion's `ComposedPhysicalExtensionCodec` would also compose the two, but it
/// re-frames every node, Ballista's included, and does not forward expression and
/// window-function hooks; wrapping keeps both.)
///
/// Decoding also refuses a Ballista shuffle read that lists one map output twice (see
/// `check_shuffle_input`): after an executor loss Ballista 55 can hand a stage the same
/// input twice.
#[derive(Debug)]
pub struct ForecastPhysicalCodec {
    inner: Arc<dyn PhysicalExtensionCodec>,
}

impl ForecastPhysicalCodec {
    /// Wraps `inner`, which handles every plan that is not ours.
    pub fn new(inner: Arc<dyn PhysicalExtensionCodec>) -> Self {
        Self { inner }
    }
}

impl Default for ForecastPhysicalCodec {
    /// Wraps Ballista's own physical codec.
    fn default() -> Self {
        Self::new(Arc::new(BallistaPhysicalExtensionCodec::default()))
    }
}

impl PhysicalExtensionCodec for ForecastPhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if !wire::is_ours(buf) {
            let plan = self.inner.try_decode(buf, inputs, ctx, proto_converter)?;
            if let Some(reader) = plan.downcast_ref::<ShuffleReaderExec>() {
                check_shuffle_input(reader)?;
            }
            return Ok(plan);
        }
        let params = wire::decode(NodeKind::Physical, buf)?;
        let (input, future) = match inputs {
            [input] => (input, None),
            [input, future] => (input, Some(Arc::clone(future))),
            _ => {
                return internal_err!(
                    "ForecastExec cannot be decoded: expected the input and at most a future input, got {} inputs",
                    inputs.len()
                );
            }
        };
        Ok(Arc::new(ForecastExec::try_new(
            Arc::clone(input),
            future,
            params,
        )?))
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        match node.downcast_ref::<ForecastExec>() {
            Some(exec) => wire::encode(NodeKind::Physical, exec.params(), buf),
            None => self.inner.try_encode(node, buf, proto_converter),
        }
    }

    fn try_decode_udf(&self, name: &str, buf: &[u8]) -> Result<Arc<ScalarUDF>> {
        if wire::is_ours(buf) {
            return wire::decode_function(name);
        }
        self.inner.try_decode_udf(name, buf)
    }

    fn try_encode_udf(&self, node: &ScalarUDF, buf: &mut Vec<u8>) -> Result<()> {
        if wire::encode_function(node, buf) {
            return Ok(());
        }
        self.inner.try_encode_udf(node, buf)
    }

    fn try_decode_higher_order_function(
        &self,
        name: &str,
        buf: &[u8],
    ) -> Result<Arc<HigherOrderUDF>> {
        self.inner.try_decode_higher_order_function(name, buf)
    }

    fn try_encode_higher_order_function(
        &self,
        node: &HigherOrderUDF,
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        self.inner.try_encode_higher_order_function(node, buf)
    }

    fn try_decode_expr(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn PhysicalExpr>],
        ctx: &PhysicalExprDecodeCtx<'_>,
    ) -> Result<Arc<dyn PhysicalExpr>> {
        self.inner.try_decode_expr(buf, inputs, ctx)
    }

    fn try_encode_expr(
        &self,
        node: &Arc<dyn PhysicalExpr>,
        buf: &mut Vec<u8>,
        ctx: &PhysicalExprEncodeCtx<'_>,
    ) -> Result<()> {
        self.inner.try_encode_expr(node, buf, ctx)
    }

    fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> Result<Arc<AggregateUDF>> {
        self.inner.try_decode_udaf(name, buf)
    }

    fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> Result<()> {
        self.inner.try_encode_udaf(node, buf)
    }

    fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> Result<Arc<WindowUDF>> {
        self.inner.try_decode_udwf(name, buf)
    }

    fn try_encode_udwf(&self, node: &WindowUDF, buf: &mut Vec<u8>) -> Result<()> {
        self.inner.try_encode_udwf(node, buf)
    }
}

/// Refuses a shuffle read that lists one map output more than once.
///
/// Ballista 55 appends a stage's outputs to its consumer's inputs as its tasks finish and
/// does not remove them when it rolls the stage back and runs it again (after losing an
/// executor): the consumer would then read those rows twice. For a forecast that means
/// every row of some series twice, or (when a forecast stage re-ran) double counts in
/// what is computed from it. Decoding fails instead, so the task and then the query fail
/// with this error rather than compute on duplicated input.
fn check_shuffle_input(reader: &ShuffleReaderExec) -> Result<()> {
    let mut seen = HashSet::new();
    for location in reader.partition.iter().flatten() {
        let id = &location.partition_id;
        let key = (
            id.stage_id,
            id.partition_id,
            location.map_partition_id,
            location.file_id,
        );
        if !seen.insert(key) {
            return exec_err!(
                "shuffle input listed twice: output partition {} of stage {} written by map \
                 partition {} (job {}). Ballista ran that stage again after losing an \
                 executor and kept the first outputs; the task fails rather than read rows \
                 twice",
                id.partition_id,
                id.stage_id,
                location.map_partition_id,
                id.job_id
            );
        }
    }
    Ok(())
}
