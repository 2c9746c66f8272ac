//! Charts through `COPY (query) TO 'x.svg' / 'x.png'`: the SVG parses and holds one panel
//! per series and one band per model and level, cross-validation draws each cutoff,
//! anomalies are marked, the PNG decodes to the requested size, bad input is an error.

use std::path::PathBuf;
use std::sync::Arc;

use datafusion::arrow::array::AsArray;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

use crate::common::*;

const PANEL: &str =
    "generate_panel(n_series => 5, freq => 'D', min_length => 40, max_length => 60, seed => 3)";
const MODELS: &str = "SeasonalNaive(season_length=7), Naive()";

/// A fresh file name under the system's temporary directory.
fn output(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("datafusion-forecast-charts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

/// Runs a `COPY` and returns the row count it reports.
async fn copy(ctx: &SessionContext, sql: &str) -> datafusion::error::Result<i64> {
    let batches = ctx.sql(sql).await?.collect().await?;
    let count = cast(batches[0].column(0), &DataType::Int64)?;
    Ok(count.as_primitive::<Int64Type>().value(0))
}

fn read_chart(path: &PathBuf) -> String {
    std::fs::read_to_string(path).expect("the chart was written")
}

/// The `<g class="panel">` groups, in drawing order.
fn panels<'a, 'input>(doc: &'a roxmltree::Document<'input>) -> Vec<roxmltree::Node<'a, 'input>> {
    in_class(doc.root(), "panel")
}

/// The `<g>` groups of `class` under `node`.
fn in_class<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    class: &str,
) -> Vec<roxmltree::Node<'a, 'input>> {
    node.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some(class))
        .collect()
}

#[tokio::test]
async fn a_forecast_chart_has_one_panel_per_series_and_one_band_per_model_and_level() {
    let ctx = session(4);
    let path = output("forecast.svg");
    let sql = format!(
        "COPY (SELECT * FROM forecast((SELECT * FROM {PANEL}), h => 7, models => '{MODELS}',
                                      level => [80, 95], fitted => true))
         TO '{}' OPTIONS ('chart.max_series' 4, 'chart.title' 'Panel & forecasts')",
        path.display()
    );
    let rows = copy(&ctx, &sql).await.expect("the chart is written");
    let expected_rows: i64 = {
        let batches = query(&ctx, &format!("SELECT count(*) + 5 * 7 FROM {PANEL}")).await;
        batches[0].column(0).as_primitive::<Int64Type>().value(0)
    };
    assert_eq!(rows, expected_rows, "COPY counts every row it read");

    let text = read_chart(&path);
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("1200"));
    let panels = panels(&doc);
    let ids: Vec<&str> = panels
        .iter()
        .filter_map(|p| p.attribute("data-series"))
        .collect();
    assert_eq!(
        ids,
        ["0", "1", "2", "3"],
        "the first four series, in id order"
    );
    for panel in &panels {
        let bands = in_class(*panel, "band");
        let mut pairs: Vec<(&str, &str)> = bands
            .iter()
            .map(|b| {
                (
                    b.attribute("data-model").unwrap(),
                    b.attribute("data-level").unwrap(),
                )
            })
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("Naive", "80"),
                ("Naive", "95"),
                ("SeasonalNaive", "80"),
                ("SeasonalNaive", "95")
            ]
        );
        for band in &bands {
            let polygons = band
                .children()
                .filter(|n| n.has_tag_name("polygon"))
                .count();
            assert_eq!(polygons, 1, "a band is one filled polygon");
        }
        assert_eq!(in_class(*panel, "observed").len(), 1);
        assert_eq!(
            in_class(*panel, "fitted").len(),
            2,
            "in-sample values of both models"
        );
        assert_eq!(in_class(*panel, "forecast").len(), 2);
        let caption = panel
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .count();
        assert!(caption > 3, "the caption and axis labels are text");
    }
    assert!(
        text.contains("Panel &amp; forecasts"),
        "the title is escaped"
    );
}

#[tokio::test]
async fn a_png_chart_decodes_to_the_requested_size() {
    let ctx = session(2);
    let path = output("forecast.png");
    let sql = format!(
        "COPY (SELECT * FROM forecast((SELECT * FROM {PANEL}), h => 7, models => '{MODELS}', level => [80]))
         TO '{}' OPTIONS ('chart.width' 640, 'chart.height' 480)",
        path.display()
    );
    copy(&ctx, &sql).await.expect("the chart is written");
    let bytes = std::fs::read(&path).expect("the chart was written");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("the PNG decodes");
    let (width, height) = (reader.info().width, reader.info().height);
    assert_eq!((width, height), (640, 480));
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut pixels).expect("the pixels decode");
    let pixels = &pixels[..frame.buffer_size()];
    let white = pixels.chunks(3).filter(|p| p == &[255, 255, 255]).count();
    let total = pixels.len() / 3;
    assert!(white < total, "something is drawn");
    assert!(white > total / 2, "on a white background");
}

#[tokio::test]
async fn stored_as_and_bare_option_names_work_too() {
    let ctx = session(2);
    let path = output("chart-without-extension");
    let sql = format!(
        "COPY (SELECT * FROM forecast((SELECT * FROM {PANEL}), h => 3, models => 'Naive()'))
         TO '{}' STORED AS SVG OPTIONS (max_series 2, width 500, series '3, 1')",
        path.display()
    );
    copy(&ctx, &sql).await.expect("the chart is written");
    let text = read_chart(&path);
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses");
    assert_eq!(doc.root_element().attribute("width"), Some("500"));
    let ids: Vec<&str> = panels(&doc)
        .iter()
        .filter_map(|p| p.attribute("data-series"))
        .collect();
    assert_eq!(ids, ["3", "1"], "the named series, in the order named");
}

#[tokio::test]
async fn a_cross_validation_chart_draws_each_cutoff() {
    let ctx = session(4);
    let path = output("cross_validation.svg");
    let sql = format!(
        "COPY (SELECT * FROM cross_validation((SELECT * FROM {PANEL}), h => 5, n_windows => 3,
                                              step_size => 5, models => 'Naive()', level => [90]))
         TO '{}' OPTIONS ('chart.max_series' 2)",
        path.display()
    );
    copy(&ctx, &sql).await.expect("the chart is written");
    let text = read_chart(&path);
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses");
    let panels = panels(&doc);
    assert_eq!(panels.len(), 2);
    for panel in &panels {
        let cutoffs: Vec<&str> = in_class(*panel, "cutoff")
            .iter()
            .filter_map(|c| c.attribute("data-cutoff"))
            .collect();
        assert_eq!(cutoffs.len(), 3, "one marker per window");
        assert_eq!(
            in_class(*panel, "forecast").len(),
            3,
            "one forecast per window"
        );
        let mut band_cutoffs: Vec<&str> = in_class(*panel, "band")
            .iter()
            .filter_map(|b| b.attribute("data-cutoff"))
            .collect();
        band_cutoffs.sort();
        let mut sorted = cutoffs.clone();
        sorted.sort();
        assert_eq!(band_cutoffs, sorted, "one band per window");
    }
}

#[tokio::test]
async fn an_anomaly_chart_marks_every_flagged_observation() {
    let ctx = session(2);
    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/data/air_passengers.csv");
    ctx.register_csv("air_passengers", csv, CsvReadOptions::new())
        .await
        .expect("the CSV registers");
    let path = output("anomalies.svg");
    let source = "detect_anomalies('air_passengers', models => 'SeasonalNaive(season_length=12)', level => 80)";
    let flagged = query(
        &ctx,
        &format!("SELECT count(*) FROM {source} WHERE \"SeasonalNaive-anomaly\""),
    )
    .await[0]
        .column(0)
        .as_primitive::<Int64Type>()
        .value(0);
    assert!(flagged > 0, "the data has anomalies at 80 %");
    let sql = format!("COPY (SELECT * FROM {source}) TO '{}'", path.display());
    copy(&ctx, &sql).await.expect("the chart is written");
    let text = read_chart(&path);
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses");
    let marks = in_class(doc.root(), "anomalies");
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].attribute("data-model"), Some("SeasonalNaive"));
    let dots = marks[0]
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(dots as i64, flagged);
}

async fn copy_error(ctx: &SessionContext, sql: &str) -> String {
    match copy(ctx, sql).await {
        Ok(rows) => panic!("expected an error, wrote {rows} rows: {sql}"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn bad_charts_are_errors() {
    let ctx = session(2);
    let path = output("never.svg");
    let path = path.display();
    let forecast =
        format!("SELECT * FROM forecast((SELECT * FROM {PANEL}), h => 3, models => 'Naive()')");
    let cases = [
        (
            format!("COPY ({forecast}) TO '{path}' OPTIONS ('chart.colour' 'red')"),
            "unknown chart option 'colour'; the options are: width, height",
        ),
        (
            format!("COPY ({forecast}) TO '{path}' OPTIONS ('chart.width' 'wide')"),
            "chart option width must be a whole number of pixels",
        ),
        (
            format!("COPY (SELECT ds, \"Naive\" FROM ({forecast})) TO '{path}'"),
            "a chart needs a series column 'unique_id'",
        ),
        (
            format!("COPY (SELECT unique_id, \"Naive\" FROM ({forecast})) TO '{path}'"),
            "a chart needs a time column 'ds'",
        ),
        (
            format!("COPY (SELECT unique_id, 'x' AS ds FROM ({forecast})) TO '{path}'"),
            "must be a date, timestamp or integer",
        ),
        (
            format!("COPY ({forecast} WHERE false) TO '{path}'"),
            "nothing to chart: the query returned no rows",
        ),
        (
            format!("COPY ({forecast}) TO '{path}' OPTIONS ('chart.series' '1, nope')"),
            "the query returned no rows for nope",
        ),
        (
            format!("COPY ({forecast}) TO '{path}' OPTIONS ('chart.models' 'Theta')"),
            "'Theta' is not a model column; the model columns are: Naive",
        ),
    ];
    for (sql, expected) in cases {
        let error = copy_error(&ctx, &sql).await;
        assert!(error.contains(expected), "{error}\n  expected: {expected}");
    }
    assert!(!std::path::Path::new(&path.to_string()).exists());
}

#[tokio::test]
async fn a_chart_over_the_memory_limit_is_an_error() {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_limit(1024 * 1024, 1.0)
        .build_arc()
        .expect("runtime");
    let state = SessionStateBuilder::new()
        .with_config(SessionConfig::new().with_target_partitions(1))
        .with_runtime_env(Arc::clone(&runtime))
        .with_default_features();
    let ctx = SessionContext::new_with_state(datafusion_forecast::install(state).build());
    let path = output("too_big.svg");
    let sql = format!(
        "COPY (SELECT * FROM generate_panel(n_series => 400, freq => 'D', min_length => 200,
                                            max_length => 200, seed => 1))
         TO '{}' OPTIONS ('chart.max_series' 1000)",
        path.display()
    );
    let error = copy_error(&ctx, &sql).await;
    assert!(
        error.contains("a chart keeps the rows of the series it draws in memory"),
        "{error}"
    );
}

#[test]
fn dfcast_writes_a_chart() {
    let path = output("dfcast.svg");
    let sql = format!(
        "COPY (SELECT * FROM forecast('data/air_passengers.csv', h => 12, models => 'Naive()', level => [80]))
         TO '{}';",
        path.display()
    );
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dfcast"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["-q", "-c", &sql])
        .output()
        .expect("dfcast runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = read_chart(&path);
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses");
    assert_eq!(panels(&doc).len(), 1);
}
