//! [`ForecastLogicalCodec`]: encodes [`ForecastNode`]s, hands every other node to
//! Ballista's logical codec.

use std::sync::Arc;

use ballista_core::serde::BallistaLogicalExtensionCodec;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::common::parsers::CsvQuoteStyle;
use datafusion::common::{Result, TableReference, internal_err};
use datafusion::datasource::file_format::FileFormatFactory;
use datafusion::datasource::file_format::csv::CsvFormatFactory;
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{
    AggregateUDF, Extension, HigherOrderUDF, LogicalPlan, ScalarUDF, WindowUDF,
};
use datafusion_proto::logical_plan::LogicalExtensionCodec;

use super::wire::{self, NodeKind};
use crate::logical::ForecastNode;

/// The logical extension codec a Ballista client and scheduler need for plans with
/// `forecast(...)` / `cross_validation(...)`.
///
/// A [`ForecastNode`] is written as its parameters behind a datafusion-forecast marker,
/// its inputs (the input, and the future input of a forecast with regressors) as
/// datafusion-proto's own plan nodes; `detect_anomalies`' `anomaly_probability` function is
/// written as the marker alone; every other node, table provider, file format and function goes to the wrapped codec
/// (Ballista's [`BallistaLogicalExtensionCodec`] by default) unchanged.
#[derive(Debug)]
pub struct ForecastLogicalCodec {
    inner: Arc<dyn LogicalExtensionCodec>,
}

impl ForecastLogicalCodec {
    /// Wraps `inner`, which handles every node that is not ours.
    pub fn new(inner: Arc<dyn LogicalExtensionCodec>) -> Self {
        Self { inner }
    }
}

impl Default for ForecastLogicalCodec {
    /// Wraps Ballista's own logical codec.
    fn default() -> Self {
        Self::new(Arc::new(BallistaLogicalExtensionCodec::default()))
    }
}

impl LogicalExtensionCodec for ForecastLogicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> Result<Extension> {
        if !wire::is_ours(buf) {
            return self.inner.try_decode(buf, inputs, ctx);
        }
        let params = wire::decode(NodeKind::Logical, buf)?;
        let (input, future) = match inputs {
            [input] => (input, None),
            [input, future] => (input, Some(future.clone())),
            _ => {
                return internal_err!(
                    "ForecastNode cannot be decoded: expected the input and at most a future input, got {} inputs",
                    inputs.len()
                );
            }
        };
        let node = ForecastNode::try_new(input.clone(), future, params)?;
        Ok(Extension {
            node: Arc::new(node),
        })
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> Result<()> {
        match node.node.as_any().downcast_ref::<ForecastNode>() {
            Some(node) => wire::encode(NodeKind::Logical, node.params(), buf),
            None => self.inner.try_encode(node, buf),
        }
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> Result<Arc<dyn TableProvider>> {
        self.inner
            .try_decode_table_provider(buf, table_ref, schema, ctx)
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        self.inner.try_encode_table_provider(table_ref, node, buf)
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> Result<Arc<dyn FileFormatFactory>> {
        self.inner.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> Result<()> {
        self.inner
            .try_encode_file_format(buf, csv_quote_style_for_the_wire(node))
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

/// datafusion-proto 55 writes a CSV format's quote style as the position of the Rust
/// variant (`Always` 0, `Necessary` 1) and reads it as the protobuf enum (`Necessary` 0,
/// `Always` 1), so `COPY ... STORED AS CSV` through a cluster quoted every field. Swapping
/// the two before encoding makes the decoded style the one the user set; the loopback
/// cluster test compares a cluster COPY with a local one.
fn csv_quote_style_for_the_wire(node: Arc<dyn FileFormatFactory>) -> Arc<dyn FileFormatFactory> {
    let Some(csv) = node.downcast_ref::<CsvFormatFactory>() else {
        return node;
    };
    let mut options = csv.options.clone().unwrap_or_default();
    options.quote_style = match options.quote_style {
        CsvQuoteStyle::Always => CsvQuoteStyle::Necessary,
        CsvQuoteStyle::Necessary => CsvQuoteStyle::Always,
        other => other,
    };
    Arc::new(CsvFormatFactory::new_with_options(options))
}
