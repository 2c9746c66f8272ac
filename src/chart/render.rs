//! Draws the panels with plotters, as an SVG document or a PNG image.
//!
//! Layout: a header with the title and a legend, then a grid of panels, one per series.
//! In each panel, back to front: the interval bands of each forecast (widest level
//! lightest), the observed values (dark line), each model's in-sample values (thin) and
//! forecasts (thick) in its colour, a grey vertical line at each cross-validation cutoff,
//! and red dots on the observations a model flags as anomalies.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike};
use datafusion::common::{DataFusionError, Result};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters_backend::DrawingBackend;

use super::collect::{Panel, TimeAxis};
use super::options::ChartOptions;
use super::svg::{Groups, SvgCanvas};

/// A Latin subset of DejaVu Sans (see `assets/fonts/LICENSE-DejaVu.txt`): text is laid
/// out and rasterised with it, so no system font is needed.
const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Latin.ttf");
/// The family the embedded font is registered under.
const FONT: &str = "DejaVu Sans";

/// Line colours of the models, in column order; red is left for anomalies.
const PALETTE: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(127, 127, 127),
];
const OBSERVED: RGBColor = RGBColor(34, 34, 34);
const ANOMALY: RGBColor = RGBColor(214, 39, 40);
const CUTOFF: RGBColor = RGBColor(150, 150, 150);
const GRID_BOLD: RGBColor = RGBColor(215, 215, 215);
const GRID_LIGHT: RGBColor = RGBColor(238, 238, 238);

/// Default height of one row of panels, when the option `height` is not set.
const ROW_HEIGHT: u32 = 300;
/// The widest grid chosen by default.
const MAX_DEFAULT_COLUMNS: usize = 3;
/// The tallest image drawn when the option `height` is not set.
const MAX_DEFAULT_HEIGHT: u32 = 8192;

/// Everything a chart draws.
#[derive(Debug)]
pub(crate) struct Chart {
    /// Text above the panels.
    pub(crate) title: Option<String>,
    /// How the time axis is labelled.
    pub(crate) axis: TimeAxis,
    /// Model names, in colour order.
    pub(crate) models: Vec<String>,
    /// Band levels, widest first.
    pub(crate) levels: Vec<String>,
    /// One per series, in drawing order.
    pub(crate) panels: Vec<Panel>,
    /// Panels per row.
    pub(crate) columns: usize,
    /// Image size in pixels.
    pub(crate) size: (u32, u32),
}

/// The grid and image size for `panels` panels: the options' `columns` and `height`,
/// or a near-square grid of at most three columns and 300 pixels per row.
pub(crate) fn layout(panels: usize, options: &ChartOptions) -> (usize, (u32, u32)) {
    let panels = panels.max(1);
    let columns = match options.columns {
        Some(columns) => columns.min(panels),
        None => ((panels as f64).sqrt().ceil() as usize).min(MAX_DEFAULT_COLUMNS),
    };
    let rows = panels.div_ceil(columns) as u32;
    let height = options.height.unwrap_or_else(|| {
        (header_height(options.title.is_some()) + rows * ROW_HEIGHT).min(MAX_DEFAULT_HEIGHT)
    });
    (columns, (options.width, height))
}

fn header_height(has_title: bool) -> u32 {
    if has_title { 60 } else { 34 }
}

/// The chart as an SVG document.
pub(crate) fn svg(chart: &Chart) -> Result<Vec<u8>> {
    register_font()?;
    let (canvas, groups) = SvgCanvas::new(chart.size);
    {
        let root = canvas.into_drawing_area();
        draw(&root, &groups, chart).map_err(drawing_error)?;
        root.present().map_err(drawing_error)?;
    }
    Ok(groups.finish().into_bytes())
}

/// The chart as a PNG image.
pub(crate) fn png(chart: &Chart) -> Result<Vec<u8>> {
    register_font()?;
    let (width, height) = chart.size;
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, chart.size).into_drawing_area();
        draw(&root, &Groups::default(), chart).map_err(drawing_error)?;
        root.present().map_err(drawing_error)?;
    }
    let mut encoded = Vec::new();
    let mut encoder = png::Encoder::new(&mut encoded, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(encoding_error)?;
    writer.write_image_data(&pixels).map_err(encoding_error)?;
    writer.finish().map_err(encoding_error)?;
    Ok(encoded)
}

fn drawing_error(error: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("drawing the chart failed: {error}"))
}

fn encoding_error(error: png::EncodingError) -> DataFusionError {
    DataFusionError::Execution(format!("encoding the chart as PNG failed: {error}"))
}

fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        // The generic family too, for any text plotters styles on its own.
        [FONT, "sans-serif"].iter().all(|family| {
            plotters::style::register_font(family, FontStyle::Normal, FONT_BYTES).is_ok()
        })
    });
    if registered {
        Ok(())
    } else {
        Err(DataFusionError::Internal(
            "the embedded chart font did not load".to_string(),
        ))
    }
}

type Drawn<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    groups: &Groups,
    chart: &Chart,
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(header_height(chart.title.is_some()));
    groups.open("header", &[]);
    draw_header(&header, chart)?;
    groups.close();
    let rows = chart.panels.len().div_ceil(chart.columns);
    let areas = body.split_evenly((rows, chart.columns));
    for (panel, area) in chart.panels.iter().zip(areas.iter()) {
        groups.open("panel", &[("data-series", &panel.id)]);
        draw_panel(area, groups, chart, panel)?;
        groups.close();
    }
    Ok(())
}

fn model_color(model: usize) -> RGBColor {
    PALETTE[model % PALETTE.len()]
}

/// Opacity of the band of the `rank`-th widest level: the widest lightest.
fn band_opacity(rank: usize, levels: usize) -> f64 {
    0.12 + 0.14 * (rank as f64 + 1.0) / levels.max(1) as f64
}

fn draw_header<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &Chart) -> Drawn<DB> {
    let mut y = 10;
    if let Some(title) = &chart.title {
        let style = TextStyle::from((FONT, 20).into_font()).color(&BLACK);
        area.draw_text(title, &style, (12, y))?;
        y += 28;
    }
    let label = TextStyle::from((FONT, 13).into_font()).color(&BLACK);
    let mut x = 12;
    let (width, _) = area.dim_in_pixel();
    let mut entries: Vec<(String, ShapeStyle, bool)> =
        vec![("observed".to_string(), OBSERVED.stroke_width(2), false)];
    for (model, name) in chart.models.iter().enumerate() {
        entries.push((name.clone(), model_color(model).stroke_width(3), false));
    }
    for (rank, level) in chart.levels.iter().enumerate() {
        let opacity = band_opacity(rank, chart.levels.len());
        entries.push((
            format!("{level}% interval"),
            BLACK.mix(opacity).filled(),
            true,
        ));
    }
    if chart.panels.iter().any(|p| !p.anomalies.is_empty()) {
        entries.push(("anomaly".to_string(), ANOMALY.filled(), true));
    }
    for (text, style, swatch) in entries {
        let (text_width, _) = area.estimate_text_size(&text, &label)?;
        if x + 26 + text_width as i32 > width as i32 {
            break;
        }
        if swatch {
            area.draw(&Rectangle::new([(x, y + 2), (x + 18, y + 12)], style))?;
        } else {
            area.draw(&PathElement::new(vec![(x, y + 7), (x + 18, y + 7)], style))?;
        }
        area.draw_text(&text, &label, (x + 24, y))?;
        x += 24 + text_width as i32 + 18;
    }
    Ok(())
}

/// The smallest and largest of `values`, ignoring non-finite ones.
fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |range, v| match range {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

/// `range` widened by a margin, and made non-empty.
fn padded((lo, hi): (f64, f64), margin: f64) -> std::ops::Range<f64> {
    let span = hi - lo;
    if !span.is_finite() {
        lo..hi
    } else if span > 0.0 {
        lo - span * margin..hi + span * margin
    } else {
        let half = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo - half..hi + half
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    groups: &Groups,
    chart: &Chart,
    panel: &Panel,
) -> Drawn<DB> {
    let xs = panel
        .observed
        .iter()
        .map(|p| p.0)
        .chain(panel.traces.iter().flat_map(|t| t.line.iter().map(|p| p.0)))
        .chain(
            panel
                .traces
                .iter()
                .flat_map(|t| t.bands.iter().flat_map(|b| b.points.iter().map(|p| p.0))),
        )
        .chain(panel.cutoffs.iter().copied());
    let ys = panel
        .observed
        .iter()
        .map(|p| p.1)
        .chain(panel.traces.iter().flat_map(|t| t.line.iter().map(|p| p.1)))
        .chain(panel.traces.iter().flat_map(|t| {
            t.bands
                .iter()
                .flat_map(|b| b.points.iter().flat_map(|p| [p.1, p.2]))
        }));
    let x_range = padded(extent(xs).unwrap_or((0.0, 1.0)), 0.01);
    let y_range = padded(extent(ys).unwrap_or((0.0, 1.0)), 0.05);
    let (width, height) = area.dim_in_pixel();
    let ticks = TimeTicks::new(chart.axis, &x_range, (width / 110).clamp(2, 12) as usize);

    let mut plot = ChartBuilder::on(area)
        .caption(&panel.id, (FONT, 15).into_font())
        .margin(8)
        .x_label_area_size(26)
        .y_label_area_size(56)
        .build_cartesian_2d(
            TimeCoord {
                linear: x_range.clone().into(),
                ticks: ticks.points.clone(),
            },
            y_range.clone(),
        )?;
    plot.configure_mesh()
        .y_labels((height / 45).clamp(2, 8) as usize)
        .x_label_formatter(&|x| ticks.label(*x))
        .y_label_formatter(&|y| number_label(*y))
        .label_style((FONT, 11).into_font())
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .max_light_lines(1)
        .axis_style(GRID_BOLD)
        .draw()?;
    let time_label = |x: f64| exact_time(chart.axis, x);

    for trace in panel.traces.iter().filter(|t| !t.bands.is_empty()) {
        let model = &chart.models[trace.model];
        for band in &trace.bands {
            let rank = chart
                .levels
                .iter()
                .position(|level| *level == band.level)
                .unwrap_or(0);
            let opacity = band_opacity(rank, chart.levels.len());
            let cutoff = trace.cutoff.map(&time_label).unwrap_or_default();
            let mut attributes = vec![
                ("data-model", model.as_str()),
                ("data-level", band.level.as_str()),
            ];
            if trace.cutoff.is_some() {
                attributes.push(("data-cutoff", cutoff.as_str()));
            }
            groups.open("band", &attributes);
            let outline: Vec<(f64, f64)> = band
                .points
                .iter()
                .map(|p| (p.0, p.2))
                .chain(band.points.iter().rev().map(|p| (p.0, p.1)))
                .collect();
            let color = model_color(trace.model).mix(opacity).filled();
            plot.draw_series(std::iter::once(Polygon::new(outline, color)))?;
            groups.close();
        }
    }

    if !panel.observed.is_empty() {
        groups.open("observed", &[]);
        plot.draw_series(std::iter::once(PathElement::new(
            panel.observed.clone(),
            OBSERVED.stroke_width(1),
        )))?;
        groups.close();
    }

    for trace in panel.traces.iter().filter(|t| t.line.len() > 1) {
        let (class, style) = if trace.in_sample {
            ("fitted", model_color(trace.model).mix(0.75).stroke_width(1))
        } else {
            ("forecast", model_color(trace.model).stroke_width(2))
        };
        groups.open(class, &[("data-model", &chart.models[trace.model])]);
        if style.stroke_width > 1 {
            // plotters rasterises a wide path as one polygon with mitred joins, which
            // spike far out of the panel at sharp turns: draw it segment by segment.
            plot.draw_series(
                trace
                    .line
                    .windows(2)
                    .map(|segment| PathElement::new(segment.to_vec(), style)),
            )?;
        } else {
            plot.draw_series(std::iter::once(PathElement::new(trace.line.clone(), style)))?;
        }
        groups.close();
    }
    // A forecast of a single step has no line: a dot instead.
    for trace in panel.traces.iter().filter(|t| t.line.len() == 1) {
        let class = if trace.in_sample {
            "fitted"
        } else {
            "forecast"
        };
        groups.open(class, &[("data-model", &chart.models[trace.model])]);
        plot.draw_series(std::iter::once(Circle::new(
            trace.line[0],
            3,
            model_color(trace.model).filled(),
        )))?;
        groups.close();
    }

    for &cutoff in &panel.cutoffs {
        groups.open("cutoff", &[("data-cutoff", &time_label(cutoff))]);
        plot.draw_series(std::iter::once(PathElement::new(
            vec![(cutoff, y_range.start), (cutoff, y_range.end)],
            CUTOFF.stroke_width(1),
        )))?;
        groups.close();
    }

    for (model, points) in &panel.anomalies {
        groups.open("anomalies", &[("data-model", &chart.models[*model])]);
        plot.draw_series(
            points
                .iter()
                .map(|&point| Circle::new(point, 4, ANOMALY.filled())),
        )?;
        groups.close();
    }
    Ok(())
}

/// The labelled positions of a time axis and how they are written: calendar axes tick
/// on whole days, months or years, step axes where plotters puts round numbers.
struct TimeTicks {
    points: Vec<f64>,
    axis: TimeAxis,
    pattern: &'static str,
}

const DAY: f64 = 86_400.0;

/// A linear time axis ticked where [`TimeTicks`] says.
struct TimeCoord {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for TimeCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.linear.range()
    }
}

impl TimeTicks {
    fn new(axis: TimeAxis, range: &std::ops::Range<f64>, most: usize) -> Self {
        let round_numbers = || RangedCoordf64::from(range.clone()).key_points(most);
        if axis == TimeAxis::Steps {
            return TimeTicks {
                points: round_numbers(),
                axis,
                pattern: "",
            };
        }
        let span = range.end - range.start;
        let months = span / (30.4 * DAY);
        let calendar = if months >= 2.0 {
            [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200]
                .into_iter()
                .find(|step| months / *step as f64 <= most as f64)
                .map(|step| {
                    let pattern = if step >= 12 { "%Y" } else { "%Y-%m" };
                    (month_starts(range, step), pattern)
                })
        } else if span >= 2.0 * DAY {
            [1, 2, 7, 14, 28]
                .into_iter()
                .find(|step| span / (*step as f64 * DAY) <= most as f64)
                .map(|step| {
                    let first = (range.start / DAY).ceil() as i64;
                    let last = (range.end / DAY).floor() as i64;
                    let days = (first..=last)
                        .filter(|day| day % step == 0)
                        .map(|day| day as f64 * DAY)
                        .collect();
                    (days, "%Y-%m-%d")
                })
        } else {
            None
        };
        let (points, pattern) = calendar.unwrap_or_else(|| (round_numbers(), "%m-%d %H:%M"));
        TimeTicks {
            points,
            axis,
            pattern,
        }
    }

    fn label(&self, x: f64) -> String {
        match (self.axis, date_time(x)) {
            (TimeAxis::Calendar, Some(time)) => time.format(self.pattern).to_string(),
            _ => number_label(x),
        }
    }
}

/// The first instants of every `step`-th month (counted from year 0) within `range`.
fn month_starts(range: &std::ops::Range<f64>, step: i64) -> Vec<f64> {
    let (Some(start), Some(end)) = (date_time(range.start), date_time(range.end)) else {
        return Vec::new();
    };
    let month_index = |t: DateTime<chrono::Utc>| t.year() as i64 * 12 + t.month0() as i64;
    let first = month_index(start).div_euclid(step) * step;
    (0..)
        .map(|k| first + k * step)
        .take_while(|&index| index <= month_index(end))
        .filter_map(|index| {
            let year = i32::try_from(index.div_euclid(12)).ok()?;
            let month = index.rem_euclid(12) as u32 + 1;
            let day = chrono::NaiveDate::from_ymd_opt(year, month, 1)?;
            Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp() as f64)
        })
        .filter(|x| range.contains(x))
        .collect()
}

fn date_time(seconds: f64) -> Option<DateTime<chrono::Utc>> {
    if !seconds.is_finite() {
        return None;
    }
    let whole = seconds.floor();
    DateTime::from_timestamp(whole as i64, ((seconds - whole) * 1e9) as u32)
}

/// A time written in full, for the SVG's `data-` attributes: the date, with the time of
/// day when there is one; steps as numbers.
fn exact_time(axis: TimeAxis, x: f64) -> String {
    match (axis, date_time(x)) {
        (TimeAxis::Calendar, Some(time)) if x.rem_euclid(DAY) == 0.0 => {
            time.format("%Y-%m-%d").to_string()
        }
        (TimeAxis::Calendar, Some(time)) => time.format("%Y-%m-%dT%H:%M:%S").to_string(),
        _ => number_label(x),
    }
}

/// A number with at most four significant digits, in scientific notation when very
/// large or small.
fn number_label(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-3..1e6).contains(&magnitude) {
        return format!("{value:.2e}");
    }
    let decimals = if magnitude >= 1000.0 {
        0
    } else {
        (3 - magnitude.max(1e-3).log10().floor() as i32).clamp(0, 6) as usize
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_number_labels_are_short() {
        assert_eq!(number_label(0.0), "0");
        assert_eq!(number_label(450.0), "450");
        assert_eq!(number_label(12.5), "12.5");
        assert_eq!(number_label(1234.56), "1235");
        assert_eq!(number_label(0.0123456), "0.01235");
        assert_eq!(number_label(2.5e7), "2.50e7");
    }

    #[test]
    fn chart_time_ticks_fall_on_whole_months_and_years() {
        let day = |y: i32, m: u32, d: u32| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp() as f64
        };
        let years = TimeTicks::new(TimeAxis::Calendar, &(day(1949, 1, 1)..day(1961, 1, 1)), 8);
        let labels: Vec<String> = years.points.iter().map(|x| years.label(*x)).collect();
        assert_eq!(labels, ["1950", "1952", "1954", "1956", "1958", "1960"]);
        let months = TimeTicks::new(TimeAxis::Calendar, &(day(2024, 1, 10)..day(2024, 7, 1)), 8);
        let labels: Vec<String> = months.points.iter().map(|x| months.label(*x)).collect();
        assert_eq!(
            labels,
            ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
        );
        let days = TimeTicks::new(TimeAxis::Calendar, &(day(2024, 1, 1)..day(2024, 1, 5)), 8);
        assert_eq!(days.label(days.points[0]), "2024-01-01");
        let steps = TimeTicks::new(TimeAxis::Steps, &(0.0..100.0), 5);
        assert!(steps.points.contains(&50.0));
        assert_eq!(steps.label(42.0), "42");
        assert_eq!(
            exact_time(TimeAxis::Calendar, day(1959, 12, 1)),
            "1959-12-01"
        );
        assert_eq!(
            exact_time(TimeAxis::Calendar, day(1959, 12, 1) + 3600.0),
            "1959-12-01T01:00:00"
        );
    }

    #[test]
    fn chart_layout_is_near_square() {
        let options = |columns: Option<usize>, height: Option<u32>| ChartOptions {
            width: 800,
            height,
            columns,
            ..ChartOptions::default()
        };
        assert_eq!(layout(1, &options(None, Some(600))), (1, (800, 600)));
        assert_eq!(layout(4, &options(None, Some(600))).0, 2);
        assert_eq!(layout(9, &options(None, None)), (3, (800, 34 + 3 * 300)));
        assert_eq!(layout(20, &options(None, None)).0, 3);
        assert_eq!(layout(9, &options(Some(1), None)).0, 1);
    }
}
