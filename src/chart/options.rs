//! The options of `COPY ... TO 'x.svg' OPTIONS (...)`.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};

use datafusion::common::config::{ConfigEntry, ConfigExtension, ExtensionOptions};
use datafusion::common::{Result, plan_datafusion_err, plan_err};

/// Every option a chart takes, in the order the error message lists them.
const KNOWN: [&str; 11] = [
    "width",
    "height",
    "title",
    "max_series",
    "series",
    "models",
    "columns",
    "id_col",
    "time_col",
    "target_col",
    "cutoff_col",
];

/// Sizes outside this range are refused: a PNG of the largest holds 8192 × 8192 × 3
/// bytes before it is encoded.
const SIZE_RANGE: std::ops::RangeInclusive<u32> = 100..=8192;

/// The most panels one chart draws.
const MAX_PANELS: usize = 1000;

/// How a chart is drawn and which columns it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChartOptions {
    /// Image width in pixels.
    pub(crate) width: u32,
    /// Image height in pixels; `None` grows with the number of panel rows.
    pub(crate) height: Option<u32>,
    /// Text above the panels.
    pub(crate) title: Option<String>,
    /// How many series get a panel when `series` does not name them.
    pub(crate) max_series: usize,
    /// The series to draw, in this order.
    pub(crate) series: Option<Vec<String>>,
    /// The model columns to draw; all of them when `None`.
    pub(crate) models: Option<Vec<String>>,
    /// Panels per row of the grid; chosen from the number of panels when `None`.
    pub(crate) columns: Option<usize>,
    /// Series identifier column.
    pub(crate) id_col: String,
    /// Time column.
    pub(crate) time_col: String,
    /// Observed values column.
    pub(crate) target_col: String,
    /// Cross-validation cutoff column.
    pub(crate) cutoff_col: String,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 1200,
            height: None,
            title: None,
            max_series: 9,
            series: None,
            models: None,
            columns: None,
            id_col: "unique_id".to_string(),
            time_col: "ds".to_string(),
            target_col: "y".to_string(),
            cutoff_col: "cutoff".to_string(),
        }
    }
}

impl ChartOptions {
    /// Reads the options DataFusion hands a file format. `COPY` passes a bare key `width`
    /// as `format.width` and a dotted key as written, so `width`, `format.width` and
    /// `chart.width` all work here (datafusion-cli refuses the first two before planning);
    /// `execution.*` keys belong to DataFusion.
    pub(crate) fn from_map(map: &HashMap<String, String>) -> Result<Self> {
        let mut options = ChartOptions::default();
        // Sorted so that the first bad option reported does not depend on hashing.
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort();
        for (key, value) in entries {
            if key.starts_with("execution.") {
                continue;
            }
            let name = key
                .strip_prefix("chart.")
                .or_else(|| key.strip_prefix("format."))
                .unwrap_or(key);
            options.set(name, value.trim())?;
        }
        Ok(options)
    }

    fn set(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "width" => self.width = size(name, value)?,
            "height" => self.height = Some(size(name, value)?),
            "title" => self.title = Some(value.to_string()).filter(|t| !t.is_empty()),
            "max_series" => self.max_series = count(name, value)?,
            "series" => self.series = Some(list(name, value)?),
            "models" => self.models = Some(list(name, value)?),
            "columns" => self.columns = Some(count(name, value)?),
            "id_col" => self.id_col = column(name, value)?,
            "time_col" => self.time_col = column(name, value)?,
            "target_col" => self.target_col = column(name, value)?,
            "cutoff_col" => self.cutoff_col = column(name, value)?,
            _ => {
                return plan_err!(
                    "unknown chart option '{name}'; the options are: {} (as 'chart.<name>' or '<name>')",
                    KNOWN.join(", ")
                );
            }
        }
        Ok(())
    }
}

/// The `chart` namespace of the session's table options. Front ends that check a `COPY`'s
/// options against the session's namespaces before planning (datafusion-cli, and so
/// `dfcast`) then accept `'chart.width' 800`; the values are checked here and read by the
/// chart from the statement itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChartTableOptions {
    values: BTreeMap<String, String>,
}

impl ConfigExtension for ChartTableOptions {
    const PREFIX: &'static str = "chart";
}

impl ExtensionOptions for ChartTableOptions {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn cloned(&self) -> Box<dyn ExtensionOptions> {
        Box::new(self.clone())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let name = key.strip_prefix("chart.").unwrap_or(key);
        ChartOptions::default().set(name, value.trim())?;
        self.values.insert(name.to_string(), value.to_string());
        Ok(())
    }

    fn entries(&self) -> Vec<ConfigEntry> {
        KNOWN
            .iter()
            .map(|name| ConfigEntry {
                key: format!("chart.{name}"),
                value: self.values.get(*name).cloned(),
                description: "a chart option of COPY ... TO 'x.svg' / 'x.png'",
            })
            .collect()
    }
}

fn size(name: &str, value: &str) -> Result<u32> {
    let pixels: u32 = value.parse().map_err(|_| {
        plan_datafusion_err!("chart option {name} must be a whole number of pixels, got '{value}'")
    })?;
    if !SIZE_RANGE.contains(&pixels) {
        return plan_err!(
            "chart option {name} must be between {} and {} pixels, got {pixels}",
            SIZE_RANGE.start(),
            SIZE_RANGE.end()
        );
    }
    Ok(pixels)
}

fn count(name: &str, value: &str) -> Result<usize> {
    match value.parse::<usize>() {
        Ok(n) if (1..=MAX_PANELS).contains(&n) => Ok(n),
        _ => plan_err!(
            "chart option {name} must be a whole number from 1 to {MAX_PANELS}, got '{value}'"
        ),
    }
}

fn list(name: &str, value: &str) -> Result<Vec<String>> {
    let items: Vec<String> = value
        .split(',')
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect();
    if items.is_empty() {
        return plan_err!("chart option {name} needs a comma-separated list of names");
    }
    if items.len() > MAX_PANELS {
        return plan_err!("chart option {name} lists more than {MAX_PANELS} names");
    }
    Ok(items)
}

fn column(name: &str, value: &str) -> Result<String> {
    if value.is_empty() {
        return plan_err!("chart option {name} needs a column name");
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<ChartOptions> {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ChartOptions::from_map(&map)
    }

    #[test]
    fn chart_options_accept_every_prefix() {
        let options = parse(&[
            ("chart.width", "800"),
            ("format.height", "600"),
            ("max_series", "4"),
            ("chart.series", "b, a"),
            ("execution.keep_partition_by_columns", "false"),
        ])
        .unwrap();
        assert_eq!(options.width, 800);
        assert_eq!(options.height, Some(600));
        assert_eq!(options.max_series, 4);
        assert_eq!(options.series, Some(vec!["b".to_string(), "a".to_string()]));
    }

    #[test]
    fn chart_table_options_check_values() {
        let mut table_options = ChartTableOptions::default();
        table_options.set("chart.width", "800").unwrap();
        assert!(table_options.set("chart.colour", "red").is_err());
        assert!(table_options.set("chart.height", "tall").is_err());
        let width = table_options
            .entries()
            .into_iter()
            .find(|e| e.key == "chart.width")
            .unwrap();
        assert_eq!(width.value.as_deref(), Some("800"));
    }

    #[test]
    fn chart_options_refuse_unknown_and_bad_values() {
        let unknown = parse(&[("chart.colour", "red")]).unwrap_err().to_string();
        assert!(
            unknown.contains("unknown chart option 'colour'"),
            "{unknown}"
        );
        assert!(unknown.contains("max_series"), "{unknown}");
        for (key, value) in [
            ("chart.width", "wide"),
            ("chart.width", "20"),
            ("chart.max_series", "0"),
            ("chart.models", " , "),
            ("chart.id_col", ""),
        ] {
            assert!(parse(&[(key, value)]).is_err(), "{key} = {value}");
        }
    }
}
