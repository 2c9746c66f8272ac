//! Round trips of every node and exec through the codecs, with every argument set, and
//! the errors of payloads that cannot be decoded.

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::common::Result;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::logical_expr::{Extension, LogicalPlan};
use datafusion::physical_plan::{ExecutionPlan, collect, displayable};
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion_proto::bytes::{
    logical_plan_from_bytes_with_extension_codec, logical_plan_to_bytes_with_extension_codec,
    physical_plan_from_bytes_with_extension_codec, physical_plan_to_bytes_with_extension_codec,
};
use datafusion_proto::physical_plan::{DefaultPhysicalProtoConverter, PhysicalExtensionCodec};

use super::wire::{self, NodeKind};
use super::{ForecastLogicalCodec, ForecastPhysicalCodec, PortableCsvSink, explain_cluster_error};
use crate::logical::{
    ColumnNames, CrossValidation, ForecastNode, ForecastParams, Freq, Level, Task,
};
use crate::physical::ForecastExec;
use datafusion::common::config::ConfigOptions;
use datafusion::physical_optimizer::PhysicalOptimizerRule;

/// Three daily series of 30 days, as a VALUES query (which serialises on its own).
fn daily_input(id: &str, ds: &str, y: &str) -> String {
    let mut rows = Vec::new();
    for series in ["a", "b", "c"] {
        for day in 0..30 {
            let y = (day % 7) as f64 + if series == "b" { 10.0 } else { 1.0 } + day as f64 * 0.1;
            rows.push(format!(
                "('{series}', DATE '2024-01-01' + INTERVAL '{day} days', {y})"
            ));
        }
    }
    format!(
        "(SELECT {id}, CAST({ds} AS DATE) AS {ds}, {y} FROM (VALUES {}) AS t({id}, {ds}, {y}))",
        rows.join(", ")
    )
}

/// Two series with an integer time column.
fn integer_input() -> String {
    let mut rows = Vec::new();
    for series in [1, 2] {
        for t in 0..24 {
            rows.push(format!("({series}, {}, {}.5)", 100 + 3 * t, t % 4 + series));
        }
    }
    format!(
        "(SELECT unique_id, ds, y FROM (VALUES {}) AS t(unique_id, ds, y))",
        rows.join(", ")
    )
}

/// One series of quarter-hourly timestamps.
fn timestamp_input() -> String {
    let rows: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "('s', TIMESTAMP '2024-03-01 00:00:00' + INTERVAL '{} minutes', {})",
                15 * i,
                (i % 4) as f64
            )
        })
        .collect();
    format!(
        "(SELECT unique_id, ds, y FROM (VALUES {}) AS t(unique_id, ds, y))",
        rows.join(", ")
    )
}

/// The daily input with a regressor `promo` (and a text column `note`, ignored by models
/// without regressors), and the future `promo` of the 7 days after it, with an extra
/// column.
fn input_with_regressors() -> (String, String) {
    let daily = daily_input("unique_id", "ds", "y");
    let input = format!(
        "(SELECT unique_id, ds, y, CAST(date_part('dow', ds) AS DOUBLE) AS promo, 'text' AS note FROM {daily})"
    );
    let mut rows = Vec::new();
    for series in ["a", "b", "c"] {
        for day in 30..37 {
            rows.push(format!(
                "('{series}', DATE '2024-01-01' + INTERVAL '{day} days', {}.0, 'x')",
                day % 3
            ));
        }
    }
    let future = format!(
        "(SELECT unique_id, CAST(ds AS DATE) AS ds, promo, extra FROM (VALUES {}) AS t(unique_id, ds, promo, extra))",
        rows.join(", ")
    );
    (input, future)
}

/// Every argument combination the SQL functions accept, one statement each.
fn statements() -> Vec<String> {
    let daily = daily_input("unique_id", "ds", "y");
    let custom = daily_input("series", "day", "sales");
    let (with_promo, future) = input_with_regressors();
    let regressor_input = with_promo.replace(", 'text' AS note", "");
    vec![
        format!("SELECT * FROM forecast({daily}, h => 5, models => 'Naive()')"),
        format!(
            "SELECT * FROM forecast({daily}, h => 7, models => 'SeasonalNaive(season_length=7), \
             Naive(), RandomWalkWithDrift(alias=''drift''), HistoricAverage', level => [95, 80, 99.5])"
        ),
        format!(
            "SELECT * FROM forecast({daily}, h => 3, models => 'Naive(), WindowAverage(window_size=3)', \
             level => 90, fitted => true)"
        ),
        format!(
            "SELECT * FROM forecast({daily}, h => 4, models => 'SeasonalNaive(season_length=7)', \
             freq => '1 day', fallback_model => 'Naive()', fitted => false)"
        ),
        format!(
            "SELECT * FROM forecast({custom}, h => 2, models => 'SimpleExponentialSmoothing(alpha=0.3)', id_col => 'series', \
             time_col => 'day', target_col => 'sales', freq => 'D', fallback_model => 'HistoricAverage()', \
             level => [80], fitted => true)"
        ),
        format!(
            "SELECT * FROM forecast({}, h => 3, models => 'Naive()', freq => '3', level => [50])",
            integer_input()
        ),
        format!(
            "SELECT * FROM forecast({}, h => 4, models => 'SeasonalNaive(season_length=4)', freq => '15 minutes')",
            timestamp_input()
        ),
        format!("SELECT * FROM cross_validation({daily}, h => 3, models => 'Naive()')"),
        format!(
            "SELECT * FROM cross_validation({daily}, h => 3, models => 'Naive(), SeasonalNaive(season_length=7)', \
             n_windows => 3, step_size => 2, level => [80, 95])"
        ),
        format!(
            "SELECT * FROM cross_validation({daily}, h => 2, models => 'Naive(), SeasonalNaive(season_length=7)', \
             test_size => 6, step_size => 2, input_size => 14, refit => false)"
        ),
        format!(
            "SELECT * FROM cross_validation({custom}, h => 2, models => 'HistoricAverage(), RandomWalkWithDrift', \
             n_windows => 2, refit => true, input_size => 20, freq => '1 day', fallback_model => 'Naive()', \
             id_col => 'series', time_col => 'day', target_col => 'sales', level => 95)"
        ),
        format!(
            "SELECT * FROM cross_validation({daily}, h => 3, models => 'Naive(), HistoricAverage()', \
             n_windows => 2, step_size => 3, level => [80, 95], fitted => true)"
        ),
        format!(
            "SELECT * FROM cross_validation({custom}, h => 2, models => 'SeasonalNaive(season_length=7), AutoETS()', \
             n_windows => 3, input_size => 20, refit => false, fitted => true, level => 90, \
             id_col => 'series', time_col => 'day', target_col => 'sales')"
        ),
        format!(
            "SELECT * FROM detect_anomalies({daily}, models => 'SeasonalNaive(season_length=7), AutoETS(), \
             ConstantModel(constant=1)', level => 95)"
        ),
        format!(
            "SELECT * FROM detect_anomalies({custom}, models => 'Naive()', fallback_model => 'HistoricAverage()', \
             freq => 'D', id_col => 'series', time_col => 'day', target_col => 'sales')"
        ),
        format!(
            "SELECT * FROM forecast({regressor_input}, h => 7, models => 'ARIMA(order=(1,0,0)), Naive()', \
             level => [80, 95], future => {future})"
        ),
        format!(
            "SELECT * FROM forecast({regressor_input}, h => 3, models => 'ARIMA(order=(0,0,0), alias=''arimax'')', \
             fitted => true, freq => 'D', future => {future})"
        ),
        format!(
            "SELECT * FROM forecast({with_promo}, h => 3, models => 'Naive()', future => {future})"
        ),
        format!(
            "SELECT * FROM cross_validation({regressor_input}, h => 3, n_windows => 2, \
             models => 'ARIMA(order=(0,0,0)), HistoricAverage()')"
        ),
    ]
}

fn context() -> SessionContext {
    crate::session_context(SessionConfig::new().with_target_partitions(3))
}

fn forecast_nodes(plan: &LogicalPlan) -> Vec<ForecastNode> {
    let mut nodes = Vec::new();
    plan.apply(|node| {
        if let LogicalPlan::Extension(Extension { node }) = node
            && let Some(node) = node.as_any().downcast_ref::<ForecastNode>()
        {
            nodes.push(node.clone());
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .unwrap();
    nodes
}

fn forecast_execs(plan: &Arc<dyn ExecutionPlan>) -> Vec<ForecastParams> {
    let mut found = Vec::new();
    if let Some(exec) = plan.downcast_ref::<ForecastExec>() {
        found.push(exec.params().clone());
    }
    for child in plan.children() {
        found.extend(forecast_execs(child));
    }
    found
}

fn sorted_rows(batches: &[RecordBatch]) -> Vec<String> {
    let text = datafusion::arrow::util::pretty::pretty_format_batches(batches)
        .unwrap()
        .to_string();
    let mut rows: Vec<String> = text.lines().map(str::to_string).collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn logical_plans_round_trip() -> Result<()> {
    let ctx = context();
    let codec = ForecastLogicalCodec::default();
    for sql in statements() {
        let plan = ctx.sql(&sql).await?.into_optimized_plan()?;
        let bytes = logical_plan_to_bytes_with_extension_codec(&plan, &codec)?;
        let decoded =
            logical_plan_from_bytes_with_extension_codec(&bytes, &ctx.task_ctx(), &codec)?;
        assert_eq!(decoded, plan, "{sql}");
        let nodes = forecast_nodes(&decoded);
        assert_eq!(nodes.len(), 1, "{sql}");
        assert_eq!(nodes, forecast_nodes(&plan), "{sql}");
    }
    Ok(())
}

#[tokio::test]
async fn physical_plans_round_trip_and_run_the_same() -> Result<()> {
    let ctx = context();
    let codec = ForecastPhysicalCodec::default();
    for sql in statements() {
        let plan = ctx.sql(&sql).await?.create_physical_plan().await?;
        let bytes = physical_plan_to_bytes_with_extension_codec(Arc::clone(&plan), &codec)?;
        let decoded =
            physical_plan_from_bytes_with_extension_codec(&bytes, &ctx.task_ctx(), &codec)?;
        let params = forecast_execs(&decoded);
        assert_eq!(params.len(), 1, "{sql}");
        assert_eq!(params, forecast_execs(&plan), "{sql}");
        assert_eq!(
            displayable(decoded.as_ref()).indent(true).to_string(),
            displayable(plan.as_ref()).indent(true).to_string(),
            "{sql}"
        );
        assert_eq!(decoded.schema(), plan.schema(), "{sql}");
        assert_eq!(
            decoded.properties().output_partitioning().to_string(),
            plan.properties().output_partitioning().to_string(),
            "{sql}"
        );
        let expected = collect(plan, ctx.task_ctx()).await?;
        let actual = collect(decoded, ctx.task_ctx()).await?;
        assert!(!expected.is_empty(), "{sql}");
        assert_eq!(sorted_rows(&actual), sorted_rows(&expected), "{sql}");
    }
    Ok(())
}

/// An exec over a hash repartition decodes with its partitioning recomputed from the
/// decoded input (what Ballista's stage split relies on).
#[tokio::test]
async fn decoded_exec_recomputes_its_properties() -> Result<()> {
    use datafusion::physical_expr::expressions::col;
    use datafusion::physical_plan::Partitioning;
    use datafusion::physical_plan::repartition::RepartitionExec;

    let ctx = context();
    let input = ctx
        .sql(&format!(
            "SELECT * FROM {}",
            daily_input("unique_id", "ds", "y")
        ))
        .await?
        .create_physical_plan()
        .await?;
    let key = col("unique_id", &input.schema())?;
    let repartition = Arc::new(RepartitionExec::try_new(
        input,
        Partitioning::Hash(vec![key], 5),
    )?);
    let exec: Arc<dyn ExecutionPlan> = Arc::new(ForecastExec::try_new(
        repartition,
        None,
        hand_made_params().remove(0),
    )?);
    let codec = ForecastPhysicalCodec::default();
    let bytes = physical_plan_to_bytes_with_extension_codec(Arc::clone(&exec), &codec)?;
    let decoded = physical_plan_from_bytes_with_extension_codec(&bytes, &ctx.task_ctx(), &codec)?;
    let partitioning = decoded.properties().output_partitioning();
    assert_eq!(partitioning.to_string(), "Hash([unique_id@0], 5)");
    assert_eq!(
        partitioning.to_string(),
        exec.properties().output_partitioning().to_string()
    );
    assert_eq!(
        decoded
            .properties()
            .equivalence_properties()
            .output_ordering(),
        exec.properties().equivalence_properties().output_ordering()
    );
    Ok(())
}

/// Parameters built by hand, for the values SQL cannot reach (large sizes, zero offsets).
fn hand_made_params() -> Vec<ForecastParams> {
    let columns = ColumnNames {
        id: "store".into(),
        time: "week".into(),
        target: "units".into(),
    };
    vec![
        ForecastParams {
            task: Task::Forecast { fitted: true },
            h: 1,
            models: vec!["Naive()".into()],
            fallback_model: None,
            levels: vec![],
            freq: None,
            columns: ColumnNames::default(),
        },
        ForecastParams {
            task: Task::Forecast { fitted: false },
            h: 10_000,
            models: vec!["SeasonalNaive(season_length=52)".into(), "Naive()".into()],
            fallback_model: Some("HistoricAverage()".into()),
            levels: vec![Level(0.5), Level(80.0), Level(99.99)],
            freq: Some(Freq::Calendar {
                months: 1,
                days: 2,
                nanos: 3,
            }),
            columns: columns.clone(),
        },
        ForecastParams {
            task: Task::CrossValidation(CrossValidation {
                n_windows: 4,
                step_size: 3,
                test_size: 11,
                input_size: None,
                refit: true,
                fitted: true,
            }),
            h: 2,
            models: vec!["Naive()".into()],
            fallback_model: None,
            levels: vec![Level(95.0)],
            freq: Some(Freq::Step(-7)),
            columns: ColumnNames::default(),
        },
        ForecastParams {
            task: Task::CrossValidation(CrossValidation {
                n_windows: 1,
                step_size: 1,
                test_size: 5,
                input_size: Some(0),
                refit: false,
                fitted: false,
            }),
            h: 5,
            models: vec!["Naive()".into(), "SeasonalNaive(season_length=4)".into()],
            fallback_model: Some("Naive()".into()),
            levels: vec![],
            freq: Some(Freq::Calendar {
                months: 0,
                days: 0,
                nanos: 0,
            }),
            columns: columns.clone(),
        },
        ForecastParams {
            task: Task::Fit,
            h: 0,
            models: vec!["AutoETS(season_length=12)".into()],
            fallback_model: Some("Naive()".into()),
            levels: vec![],
            freq: None,
            columns: columns.clone(),
        },
        ForecastParams {
            task: Task::Predict { forward: true },
            h: 12,
            models: vec!["Naive()".into()],
            fallback_model: None,
            levels: vec![Level(80.0)],
            freq: None,
            columns,
        },
    ]
}

/// `detect_anomalies`' function travels as the marker alone, through both codecs; other
/// functions are left to the wrapped codecs.
#[test]
fn the_anomaly_probability_function_round_trips() -> Result<()> {
    use datafusion_proto::logical_plan::LogicalExtensionCodec;

    let function = crate::sql::anomalies::probability::anomaly_probability();
    let logical = ForecastLogicalCodec::default();
    let physical = ForecastPhysicalCodec::default();
    let mut buf = Vec::new();
    logical.try_encode_udf(&function, &mut buf)?;
    assert!(wire::is_ours(&buf));
    assert_eq!(logical.try_decode_udf(function.name(), &buf)?, function);
    let mut buf = Vec::new();
    physical.try_encode_udf(&function, &mut buf)?;
    assert!(wire::is_ours(&buf));
    assert_eq!(physical.try_decode_udf(function.name(), &buf)?, function);
    let error = logical.try_decode_udf("abs", &buf).unwrap_err().to_string();
    assert!(
        error.contains("function 'abs' cannot be decoded"),
        "{error}"
    );
    let mut other = Vec::new();
    logical.try_encode_udf(&datafusion::functions::math::abs(), &mut other)?;
    assert!(!wire::is_ours(&other));
    Ok(())
}

#[test]
fn params_round_trip_through_the_wire_format() -> Result<()> {
    let mut all = hand_made_params();
    for alias in ["2BQS-MAR", "W-MON", "15min", "WOM-3FRI", "SME-20"] {
        let mut params = all[0].clone();
        params.freq = Some(Freq::parse(alias).expect("an alias"));
        all.push(params);
    }
    for params in all {
        for kind in [NodeKind::Logical, NodeKind::Physical] {
            let mut buf = Vec::new();
            wire::encode(kind, &params, &mut buf)?;
            assert!(wire::is_ours(&buf));
            assert_eq!(wire::decode(kind, &buf)?, params);
        }
    }
    Ok(())
}

#[test]
fn a_logical_payload_is_not_a_physical_one() {
    let mut buf = Vec::new();
    wire::encode(NodeKind::Logical, &hand_made_params()[0], &mut buf).unwrap();
    let err = wire::decode(NodeKind::Physical, &buf)
        .unwrap_err()
        .to_string();
    assert!(err.contains("ForecastExec cannot be decoded"), "{err}");
}

#[test]
fn truncated_payloads_name_the_node() {
    let mut buf = Vec::new();
    wire::encode(NodeKind::Physical, &hand_made_params()[1], &mut buf).unwrap();
    buf.truncate(buf.len() - 3);
    let err = wire::decode(NodeKind::Physical, &buf)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ForecastExec cannot be decoded: malformed payload"),
        "{err}"
    );
}

#[test]
fn missing_fields_are_named() {
    for (payload, field) in wire::tests::payloads_missing_a_field() {
        let err = wire::decode(NodeKind::Logical, &payload)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!(
                "ForecastNode cannot be decoded: field '{field}' is missing"
            )),
            "{field}: {err}"
        );
    }
}

#[test]
fn other_wire_versions_are_refused() {
    let payload = wire::tests::payload_with_version(2);
    let err = wire::decode(NodeKind::Physical, &payload)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("wire version 2, this build reads version 1"),
        "{err}"
    );
}

/// A forecast with regressors has the future input as the second input of its node and
/// exec; the same forecast without regressor models has none.
#[tokio::test]
async fn the_future_input_is_planned_only_for_regressors() -> Result<()> {
    let ctx = context();
    let (with_promo, future) = input_with_regressors();
    let with_regressors = format!(
        "SELECT * FROM forecast({with_promo}, h => 3, models => 'ARIMA(order=(1,0,0))', future => {future})"
    )
    .replace(", 'text' AS note", "");
    let without = format!(
        "SELECT * FROM forecast({with_promo}, h => 3, models => 'Naive()', future => {future})"
    );
    for (sql, with_future) in [(&with_regressors, true), (&without, false)] {
        let logical = ctx.sql(sql).await?.into_optimized_plan()?;
        let node = forecast_nodes(&logical).remove(0);
        assert_eq!(node.future().is_some(), with_future, "{sql}");
        let physical = ctx.sql(sql).await?.create_physical_plan().await?;
        let mut execs = Vec::new();
        physical.apply(|plan| {
            if let Some(exec) = plan.downcast_ref::<ForecastExec>() {
                execs.push(exec.future().is_some());
            }
            Ok(TreeNodeRecursion::Continue)
        })?;
        assert_eq!(execs, [with_future], "{sql}");
    }
    Ok(())
}

/// Ballista's decoders must refuse our payloads rather than misread them, and their
/// errors are the ones `explain_cluster_error` recognises.
#[tokio::test]
async fn stock_ballista_codecs_refuse_our_nodes() -> Result<()> {
    use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};

    let ctx = context();
    let sql = &statements()[1];

    let logical = ctx.sql(sql).await?.into_optimized_plan()?;
    let bytes =
        logical_plan_to_bytes_with_extension_codec(&logical, &ForecastLogicalCodec::default())?;
    let err = logical_plan_from_bytes_with_extension_codec(
        &bytes,
        &ctx.task_ctx(),
        &BallistaLogicalExtensionCodec::default(),
    )
    .unwrap_err();
    let explained = explain_cluster_error(err).to_string();
    assert!(
        explained.contains(
            "ForecastNode cannot be decoded by the scheduler: start it with dfcast-scheduler"
        ),
        "{explained}"
    );

    let physical = ctx.sql(sql).await?.create_physical_plan().await?;
    let bytes =
        physical_plan_to_bytes_with_extension_codec(physical, &ForecastPhysicalCodec::default())?;
    let err = physical_plan_from_bytes_with_extension_codec(
        &bytes,
        &ctx.task_ctx(),
        &BallistaPhysicalExtensionCodec::default(),
    )
    .unwrap_err();
    let explained = explain_cluster_error(err).to_string();
    assert!(
        explained.contains("ForecastExec cannot be decoded by an executor: start every executor with dfcast-executor"),
        "{explained}"
    );
    Ok(())
}

/// Ballista's own nodes keep their wire format: what our codec writes for a node it does
/// not own is exactly what Ballista's codec writes.
#[test]
fn other_nodes_pass_through_unchanged() -> Result<()> {
    use ballista_core::execution_plans::ShuffleWriterExec;
    use ballista_core::serde::BallistaPhysicalExtensionCodec;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::physical_plan::empty::EmptyExec;

    let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, false)]));
    let input: Arc<dyn ExecutionPlan> = Arc::new(EmptyExec::new(schema));
    let writer: Arc<dyn ExecutionPlan> = Arc::new(ShuffleWriterExec::try_new(
        "job".into(),
        1,
        input,
        "/tmp".into(),
    )?);
    let converter = DefaultPhysicalProtoConverter {};
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    ForecastPhysicalCodec::default().try_encode(Arc::clone(&writer), &mut ours, &converter)?;
    BallistaPhysicalExtensionCodec::default().try_encode(writer, &mut theirs, &converter)?;
    assert_eq!(ours, theirs);
    assert!(!wire::is_ours(&ours));
    Ok(())
}

#[test]
fn client_config_turns_the_adaptive_planner_off_unless_set() {
    use ballista_core::extension::SessionConfigExt;

    let config = super::client_config(SessionConfig::new());
    assert!(!config.ballista_adaptive_query_planner_enabled());
    let config =
        super::client_config(SessionConfig::new().with_ballista_adaptive_query_planner(true));
    assert!(config.ballista_adaptive_query_planner_enabled());
}

/// `COPY ... STORED AS CSV` runs as a `DataSinkExec` on the executors: after the
/// scheduler's [`PortableCsvSink`] rule, the decoded sink writes exactly what the local
/// one writes (without it, dates and naive timestamps come out empty).
#[tokio::test]
async fn csv_copy_writes_the_same_file_after_a_round_trip() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("dfcast-csv-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let ctx = crate::session_context(SessionConfig::new().with_target_partitions(1));
    let query = "SELECT 'a,b' AS s, DATE '2024-01-31' AS d, \
                 arrow_cast(TIMESTAMP '2024-03-31T01:30:00', 'Timestamp(Nanosecond, Some(\"Europe/Paris\"))') AS t, \
                 TIMESTAMP '2024-01-01T00:00:00.5' AS naive, 1.5 AS v";
    let mut outputs = Vec::new();
    for (name, round_trip) in [("local.csv", false), ("decoded.csv", true)] {
        let path = dir.join(name);
        let sql = format!("COPY ({query}) TO '{}' STORED AS CSV", path.display());
        let plan = ctx.sql(&sql).await?.create_physical_plan().await?;
        let plan = if round_trip {
            let plan = PortableCsvSink.optimize(plan, &ConfigOptions::default())?;
            let codec = ForecastPhysicalCodec::default();
            let bytes = physical_plan_to_bytes_with_extension_codec(plan, &codec)?;
            physical_plan_from_bytes_with_extension_codec(&bytes, &ctx.task_ctx(), &codec)?
        } else {
            plan
        };
        collect(plan, ctx.task_ctx()).await?;
        outputs.push(std::fs::read_to_string(&path)?);
    }
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        outputs[1], outputs[0],
        "decoded sink output differs from the local one"
    );
    Ok(())
}
