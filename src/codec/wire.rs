//! The wire format of [`ForecastNode`] and [`ForecastExec`]: a magic prefix, then one
//! protobuf message (`prost` derives, no `protoc`) holding the [`ForecastParams`] as
//! plain data. Model specs travel as their canonical strings and are parsed again where
//! the plan is decoded; inputs travel as datafusion-proto's own plan nodes.
//!
//! Every value a node needs is an `optional` field, so a payload written by another
//! version of this crate that lacks one fails with an error naming it instead of decoding
//! to a default.
//!
//! [`ForecastNode`]: crate::logical::ForecastNode
//! [`ForecastExec`]: crate::physical::ForecastExec

use std::sync::Arc;

use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::ScalarUDF;
use prost::Message;

use crate::logical::{ColumnNames, CrossValidation, ForecastParams, Freq, Level, Task};
use crate::sql::anomalies::probability::{AnomalyProbability, anomaly_probability};

/// Starts every payload we write. Its first byte, `d` (0x64), reads as protobuf field 12
/// with wire type "end group", which no protobuf encoder emits at the start of a message:
/// no payload of Ballista's or DataFusion's own codecs can start with it, and their
/// decoders reject ours instead of misreading it.
pub(crate) const MAGIC: &[u8] = b"dfcast";

/// The version of the message below; bumped on incompatible changes.
pub(crate) const WIRE_VERSION: u32 = 1;

/// Which of our plan nodes a payload holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    /// The logical [`crate::logical::ForecastNode`].
    Logical,
    /// The physical [`crate::physical::ForecastExec`].
    Physical,
}

impl NodeKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            NodeKind::Logical => "ForecastNode",
            NodeKind::Physical => "ForecastExec",
        }
    }

    fn tag(self) -> u32 {
        match self {
            NodeKind::Logical => 1,
            NodeKind::Physical => 2,
        }
    }
}

/// True when `buf` was written by [`encode`].
pub(crate) fn is_ours(buf: &[u8]) -> bool {
    buf.starts_with(MAGIC)
}

/// Writes the payload of a scalar function of ours, `detect_anomalies`'
/// `anomaly_probability`: the marker alone, the function being known by its name (a
/// payload, unlike a name, keeps decoding away from the session's function registry,
/// where an application's function of the same name could be found). False, and nothing
/// written, for any other function.
pub(crate) fn encode_function(function: &ScalarUDF, buf: &mut Vec<u8>) -> bool {
    if !function.inner().is::<AnomalyProbability>() {
        return false;
    }
    buf.extend_from_slice(MAGIC);
    true
}

/// The function of ours named `name`, whose payload [`encode_function`] wrote.
pub(crate) fn decode_function(name: &str) -> Result<Arc<ScalarUDF>> {
    let function = anomaly_probability();
    if function.name() != name {
        return Err(DataFusionError::Plan(format!(
            "function '{name}' cannot be decoded: this build of datafusion-forecast has no \
             function of that name (deploy the same version on the client, the scheduler and \
             every executor)"
        )));
    }
    Ok(function)
}

/// Writes `params` as a `kind` payload.
pub(crate) fn encode(kind: NodeKind, params: &ForecastParams, buf: &mut Vec<u8>) -> Result<()> {
    let message = PlanNode {
        version: Some(WIRE_VERSION),
        kind: Some(kind.tag()),
        params: Some(ParamsMessage::from_params(params)),
    };
    buf.extend_from_slice(MAGIC);
    message
        .encode(buf)
        .map_err(|e| DataFusionError::Internal(format!("{} cannot be encoded: {e}", kind.name())))
}

/// Reads a `kind` payload written by [`encode`].
pub(crate) fn decode(kind: NodeKind, buf: &[u8]) -> Result<ForecastParams> {
    let name = kind.name();
    let Some(body) = buf.strip_prefix(MAGIC) else {
        return Err(DataFusionError::Internal(format!(
            "{name} cannot be decoded: the payload does not start with the datafusion-forecast marker"
        )));
    };
    let message = PlanNode::decode(body).map_err(|e| {
        DataFusionError::Plan(format!("{name} cannot be decoded: malformed payload: {e}"))
    })?;
    let missing = |field: &str| {
        DataFusionError::Plan(format!(
            "{name} cannot be decoded: field '{field}' is missing; the plan was written by \
             another version of datafusion-forecast (deploy the same version on the client, \
             the scheduler and every executor)"
        ))
    };
    let version = message.version.ok_or_else(|| missing("version"))?;
    if version != WIRE_VERSION {
        return Err(DataFusionError::Plan(format!(
            "{name} cannot be decoded: wire version {version}, this build reads version \
             {WIRE_VERSION} (deploy the same datafusion-forecast version on the client, the \
             scheduler and every executor)"
        )));
    }
    let found = message.kind.ok_or_else(|| missing("kind"))?;
    if found != kind.tag() {
        return Err(DataFusionError::Internal(format!(
            "{name} cannot be decoded: the payload holds node kind {found}"
        )));
    }
    message
        .params
        .ok_or_else(|| missing("params"))?
        .into_params(&missing)
}

#[derive(Clone, PartialEq, Message)]
struct PlanNode {
    #[prost(uint32, optional, tag = "1")]
    version: Option<u32>,
    /// 1 = ForecastNode, 2 = ForecastExec.
    #[prost(uint32, optional, tag = "2")]
    kind: Option<u32>,
    #[prost(message, optional, tag = "3")]
    params: Option<ParamsMessage>,
}

#[derive(Clone, PartialEq, Message)]
struct ParamsMessage {
    #[prost(oneof = "TaskMessage", tags = "1, 2, 9, 10")]
    task: Option<TaskMessage>,
    #[prost(uint64, optional, tag = "3")]
    h: Option<u64>,
    #[prost(string, repeated, tag = "4")]
    models: Vec<String>,
    #[prost(string, optional, tag = "5")]
    fallback_model: Option<String>,
    #[prost(double, repeated, tag = "6")]
    levels: Vec<f64>,
    #[prost(message, optional, tag = "7")]
    freq: Option<FreqMessage>,
    #[prost(message, optional, tag = "8")]
    columns: Option<ColumnsMessage>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
enum TaskMessage {
    #[prost(message, tag = "1")]
    Forecast(ForecastTaskMessage),
    #[prost(message, tag = "2")]
    CrossValidation(CrossValidationMessage),
    #[prost(message, tag = "9")]
    Fit(FitTaskMessage),
    #[prost(message, tag = "10")]
    Predict(PredictTaskMessage),
}

/// `fit_models`: nothing beyond the common parameters.
#[derive(Clone, PartialEq, Message)]
struct FitTaskMessage {}

#[derive(Clone, PartialEq, Message)]
struct PredictTaskMessage {
    #[prost(bool, optional, tag = "1")]
    forward: Option<bool>,
}

#[derive(Clone, PartialEq, Message)]
struct ForecastTaskMessage {
    #[prost(bool, optional, tag = "1")]
    fitted: Option<bool>,
}

#[derive(Clone, PartialEq, Message)]
struct CrossValidationMessage {
    #[prost(uint64, optional, tag = "1")]
    n_windows: Option<u64>,
    #[prost(uint64, optional, tag = "2")]
    step_size: Option<u64>,
    #[prost(uint64, optional, tag = "3")]
    test_size: Option<u64>,
    /// Absent when the training window is unbounded.
    #[prost(uint64, optional, tag = "4")]
    input_size: Option<u64>,
    #[prost(bool, optional, tag = "5")]
    refit: Option<bool>,
    #[prost(bool, optional, tag = "6")]
    fitted: Option<bool>,
}

#[derive(Clone, PartialEq, Message)]
struct FreqMessage {
    #[prost(oneof = "FreqKind", tags = "1, 2, 3")]
    kind: Option<FreqKind>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
enum FreqKind {
    #[prost(int64, tag = "1")]
    Step(i64),
    #[prost(message, tag = "2")]
    Calendar(CalendarMessage),
    /// A pandas offset alias in its canonical spelling.
    #[prost(string, tag = "3")]
    Offset(String),
}

#[derive(Clone, PartialEq, Message)]
struct CalendarMessage {
    #[prost(int32, optional, tag = "1")]
    months: Option<i32>,
    #[prost(int32, optional, tag = "2")]
    days: Option<i32>,
    #[prost(int64, optional, tag = "3")]
    nanos: Option<i64>,
}

#[derive(Clone, PartialEq, Message)]
struct ColumnsMessage {
    #[prost(string, optional, tag = "1")]
    id: Option<String>,
    #[prost(string, optional, tag = "2")]
    time: Option<String>,
    #[prost(string, optional, tag = "3")]
    target: Option<String>,
}

impl ParamsMessage {
    fn from_params(params: &ForecastParams) -> Self {
        let task = match &params.task {
            Task::Forecast { fitted } => TaskMessage::Forecast(ForecastTaskMessage {
                fitted: Some(*fitted),
            }),
            Task::CrossValidation(cv) => TaskMessage::CrossValidation(CrossValidationMessage {
                n_windows: Some(cv.n_windows as u64),
                step_size: Some(cv.step_size as u64),
                test_size: Some(cv.test_size as u64),
                input_size: cv.input_size.map(|n| n as u64),
                refit: Some(cv.refit),
                fitted: Some(cv.fitted),
            }),
            Task::Fit => TaskMessage::Fit(FitTaskMessage {}),
            Task::Predict { forward } => TaskMessage::Predict(PredictTaskMessage {
                forward: Some(*forward),
            }),
        };
        let freq = params.freq.map(|freq| FreqMessage {
            kind: Some(match freq {
                Freq::Step(step) => FreqKind::Step(step),
                Freq::Calendar {
                    months,
                    days,
                    nanos,
                } => FreqKind::Calendar(CalendarMessage {
                    months: Some(months),
                    days: Some(days),
                    nanos: Some(nanos),
                }),
                Freq::Offset(offset) => FreqKind::Offset(offset.to_string()),
            }),
        });
        Self {
            task: Some(task),
            h: Some(params.h as u64),
            models: params.models.clone(),
            fallback_model: params.fallback_model.clone(),
            levels: params.levels.iter().map(|l| l.0).collect(),
            freq,
            columns: Some(ColumnsMessage {
                id: Some(params.columns.id.clone()),
                time: Some(params.columns.time.clone()),
                target: Some(params.columns.target.clone()),
            }),
        }
    }

    fn into_params(self, missing: &dyn Fn(&str) -> DataFusionError) -> Result<ForecastParams> {
        let size = |value: Option<u64>, field: &str| -> Result<usize> {
            let value = value.ok_or_else(|| missing(field))?;
            usize::try_from(value).map_err(|_| {
                DataFusionError::Plan(format!(
                    "field '{field}' = {value} does not fit this platform's usize"
                ))
            })
        };
        let task = match self.task.ok_or_else(|| missing("params.task"))? {
            TaskMessage::Forecast(forecast) => Task::Forecast {
                fitted: forecast
                    .fitted
                    .ok_or_else(|| missing("params.task.forecast.fitted"))?,
            },
            TaskMessage::CrossValidation(cv) => Task::CrossValidation(CrossValidation {
                n_windows: size(cv.n_windows, "params.task.cross_validation.n_windows")?,
                step_size: size(cv.step_size, "params.task.cross_validation.step_size")?,
                test_size: size(cv.test_size, "params.task.cross_validation.test_size")?,
                input_size: match cv.input_size {
                    None => None,
                    Some(n) => Some(size(Some(n), "params.task.cross_validation.input_size")?),
                },
                refit: cv
                    .refit
                    .ok_or_else(|| missing("params.task.cross_validation.refit"))?,
                fitted: cv
                    .fitted
                    .ok_or_else(|| missing("params.task.cross_validation.fitted"))?,
            }),
            TaskMessage::Fit(FitTaskMessage {}) => Task::Fit,
            TaskMessage::Predict(predict) => Task::Predict {
                forward: predict
                    .forward
                    .ok_or_else(|| missing("params.task.predict.forward"))?,
            },
        };
        if self.models.is_empty() {
            return Err(missing("params.models"));
        }
        let freq = match self.freq {
            None => None,
            Some(freq) => Some(
                match freq.kind.ok_or_else(|| missing("params.freq.kind"))? {
                    FreqKind::Step(step) => Freq::Step(step),
                    FreqKind::Offset(alias) => match Freq::parse(&alias) {
                        Ok(freq @ Freq::Offset(_)) => freq,
                        _ => {
                            return Err(DataFusionError::Plan(format!(
                                "field 'params.freq.offset' = '{alias}' is not a pandas offset alias"
                            )));
                        }
                    },
                    FreqKind::Calendar(calendar) => Freq::Calendar {
                        months: calendar
                            .months
                            .ok_or_else(|| missing("params.freq.calendar.months"))?,
                        days: calendar
                            .days
                            .ok_or_else(|| missing("params.freq.calendar.days"))?,
                        nanos: calendar
                            .nanos
                            .ok_or_else(|| missing("params.freq.calendar.nanos"))?,
                    },
                },
            ),
        };
        let columns = self.columns.ok_or_else(|| missing("params.columns"))?;
        Ok(ForecastParams {
            task,
            h: size(self.h, "params.h")?,
            models: self.models,
            fallback_model: self.fallback_model,
            levels: self.levels.into_iter().map(Level).collect(),
            freq,
            columns: ColumnNames {
                id: columns.id.ok_or_else(|| missing("params.columns.id"))?,
                time: columns.time.ok_or_else(|| missing("params.columns.time"))?,
                target: columns
                    .target
                    .ok_or_else(|| missing("params.columns.target"))?,
            },
        })
    }
}

/// Payloads for the decoder's error tests.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn complete() -> PlanNode {
        let params = ForecastParams {
            task: Task::CrossValidation(CrossValidation {
                n_windows: 2,
                step_size: 1,
                test_size: 3,
                input_size: None,
                refit: true,
                fitted: false,
            }),
            h: 2,
            models: vec!["Naive()".into()],
            fallback_model: None,
            levels: vec![],
            freq: Some(Freq::days(1)),
            columns: ColumnNames::default(),
        };
        PlanNode {
            version: Some(WIRE_VERSION),
            kind: Some(NodeKind::Logical.tag()),
            params: Some(ParamsMessage::from_params(&params)),
        }
    }

    fn bytes(node: &PlanNode) -> Vec<u8> {
        let mut buf = MAGIC.to_vec();
        node.encode(&mut buf).unwrap();
        buf
    }

    /// Logical payloads that each lack one field, with the name the error must give.
    pub(crate) fn payloads_missing_a_field() -> Vec<(Vec<u8>, &'static str)> {
        type Edit = fn(&mut PlanNode);
        let edits: Vec<(Edit, &'static str)> = vec![
            (|n| n.version = None, "version"),
            (|n| n.kind = None, "kind"),
            (|n| n.params = None, "params"),
            (|n| n.params.as_mut().unwrap().task = None, "params.task"),
            (|n| n.params.as_mut().unwrap().h = None, "params.h"),
            (
                |n| n.params.as_mut().unwrap().models.clear(),
                "params.models",
            ),
            (
                |n| n.params.as_mut().unwrap().columns = None,
                "params.columns",
            ),
            (
                |n| n.params.as_mut().unwrap().columns.as_mut().unwrap().id = None,
                "params.columns.id",
            ),
            (
                |n| n.params.as_mut().unwrap().columns.as_mut().unwrap().time = None,
                "params.columns.time",
            ),
            (
                |n| n.params.as_mut().unwrap().columns.as_mut().unwrap().target = None,
                "params.columns.target",
            ),
            (
                |n| n.params.as_mut().unwrap().freq.as_mut().unwrap().kind = None,
                "params.freq.kind",
            ),
            (
                |n| {
                    if let Some(FreqKind::Calendar(c)) = n
                        .params
                        .as_mut()
                        .unwrap()
                        .freq
                        .as_mut()
                        .unwrap()
                        .kind
                        .as_mut()
                    {
                        c.days = None;
                    }
                },
                "params.freq.calendar.days",
            ),
            (
                |n| {
                    if let Some(TaskMessage::CrossValidation(cv)) =
                        n.params.as_mut().unwrap().task.as_mut()
                    {
                        cv.n_windows = None;
                    }
                },
                "params.task.cross_validation.n_windows",
            ),
            (
                |n| {
                    if let Some(TaskMessage::CrossValidation(cv)) =
                        n.params.as_mut().unwrap().task.as_mut()
                    {
                        cv.refit = None;
                    }
                },
                "params.task.cross_validation.refit",
            ),
            (
                |n| {
                    if let Some(TaskMessage::CrossValidation(cv)) =
                        n.params.as_mut().unwrap().task.as_mut()
                    {
                        cv.fitted = None;
                    }
                },
                "params.task.cross_validation.fitted",
            ),
            (
                |n| {
                    n.params.as_mut().unwrap().task =
                        Some(TaskMessage::Forecast(ForecastTaskMessage { fitted: None }));
                },
                "params.task.forecast.fitted",
            ),
        ];
        edits
            .into_iter()
            .map(|(edit, field)| {
                let mut node = complete();
                edit(&mut node);
                (bytes(&node), field)
            })
            .collect()
    }

    /// A complete physical payload that claims wire version `version`.
    pub(crate) fn payload_with_version(version: u32) -> Vec<u8> {
        let mut node = complete();
        node.version = Some(version);
        node.kind = Some(NodeKind::Physical.tag());
        bytes(&node)
    }
}
