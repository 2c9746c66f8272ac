//! Parity of optimised models with statsforecast: a per-series relative tolerance, a
//! required share of matching series, and a documented list of the series that differ.
//! Shared by the ETS and ARIMA parity tests, with held-out accuracy (MASE, sMAPE).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::common::*;

/// One known difference from statsforecast: (dataset, unique_id, alias, what, reason), where
/// `what` is `selection`, `forecast`, `fitted` or `cv`.
pub(crate) type KnownMismatch = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The parity criterion of one model family.
pub(crate) struct Criterion {
    /// Relative tolerance of every compared cell.
    pub(crate) tolerance: f64,
    /// Share of series that must match, per dataset and model.
    pub(crate) required_share: f64,
    /// Below this many series one series is more than the allowed share: the share is not
    /// asserted, only that every mismatch is documented.
    pub(crate) min_series_for_share: usize,
    /// Series where we knowingly differ, with the reason.
    pub(crate) known: &'static [KnownMismatch],
}

impl Criterion {
    fn close(&self, actual: f64, expected: f64) -> bool {
        // Equal infinities (unbounded intervals) match.
        if actual == expected {
            return true;
        }
        if expected.is_nan() || actual.is_nan() {
            return expected.is_nan() && actual.is_nan();
        }
        (actual - expected).abs() <= self.tolerance * expected.abs() + 1e-10
    }

    pub(crate) fn known(&self, dataset: &str, id: &str, alias: &str, what: &str) -> bool {
        self.known
            .iter()
            .any(|(d, s, a, w, _)| *d == dataset && *s == id && *a == alias && *w == what)
    }

    /// Compares every non-NULL fixture cell of each model's columns; a series fails a model
    /// when any of its cells is off by more than the tolerance.
    pub(crate) fn tally(
        &self,
        expected: &Table,
        actual: &Table,
        aliases: &[&str],
    ) -> BTreeMap<String, Tally> {
        let mut out: BTreeMap<String, Tally> = BTreeMap::new();
        for alias in aliases {
            let columns: Vec<&String> = expected
                .columns
                .keys()
                .filter(|c| c.as_str() == *alias || c.starts_with(&format!("{alias}-")))
                .collect();
            let entry = out.entry(alias.to_string()).or_default();
            for column in columns {
                let values = &expected.columns[column];
                for (row, key) in expected.order.iter().enumerate() {
                    let Some(want) = values[row] else { continue };
                    entry.series.insert(key.0.clone());
                    let got = actual.value(key, column).flatten();
                    let error = got.map_or(f64::INFINITY, |g| relative_error(g, want));
                    if got.is_some_and(|g| self.close(g, want)) {
                        if error.is_finite() {
                            entry.worst = entry.worst.max(error);
                        }
                    } else {
                        let slot = entry.failing.entry(key.0.clone()).or_insert(0.0);
                        *slot = slot.max(error);
                    }
                }
            }
        }
        out
    }

    /// Asserts the criterion for one comparison and prints its row of the parity table.
    pub(crate) fn check(&self, dataset: &str, what: &str, tallies: &BTreeMap<String, Tally>) {
        assert!(
            tallies.values().any(|t| !t.series.is_empty()),
            "{dataset} {what}: nothing compared"
        );
        for (alias, t) in tallies {
            if t.series.is_empty() {
                // statsforecast did not run the model here (ETS_MAM on data with zeros).
                println!("{dataset:16} {what:9} {alias:12} not run by statsforecast");
                continue;
            }
            let share = 1.0 - t.failing.len() as f64 / t.series.len() as f64;
            println!(
                "{dataset:16} {what:9} {alias:12} series {:4}  within tolerance {:6.2} %  max rel err {:.2e}",
                t.series.len(),
                100.0 * share,
                t.worst
            );
            let unexplained: Vec<_> = t
                .failing
                .iter()
                .filter(|(id, _)| !self.known(dataset, id, alias, what))
                .collect();
            assert!(
                unexplained.is_empty(),
                "{dataset} {what} {alias}: series off by more than {} (relative) and \
             not in the known mismatches: {unexplained:?}",
                self.tolerance
            );
            assert!(
                share >= self.required_share || t.series.len() < self.min_series_for_share,
                "{dataset} {what} {alias}: {share}"
            );
        }
    }
}

/// One series' selection: its id, what statsforecast selected, and what we selected (or
/// why the fit failed).
pub(crate) type Selection<T> = (String, T, Result<T, String>);

impl Criterion {
    /// Runs `select` on every `(id, y, expected)` series, spread over the cores (the
    /// kernel is called directly, outside DataFusion), and asserts the criterion on the
    /// share of series whose selection equals statsforecast's; every other series must be
    /// a known `selection` mismatch of `alias`.
    pub(crate) fn check_selection<T>(
        &self,
        dataset: &str,
        alias: &str,
        series: &[(String, Vec<f64>, T)],
        select: impl Fn(&[f64]) -> Result<T, String> + Sync,
    ) where
        T: Clone + PartialEq + std::fmt::Debug + Send + Sync,
    {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = series.len().div_ceil(threads).max(1);
        let results: Vec<Selection<T>> = std::thread::scope(|s| {
            let handles: Vec<_> = series
                .chunks(chunk)
                .map(|part| {
                    let select = &select;
                    s.spawn(move || {
                        part.iter()
                            .map(|(id, y, want)| (id.clone(), want.clone(), select(y)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("selection thread"))
                .collect()
        });
        let compared = results.len();
        let same = results
            .iter()
            .filter(|(_, want, got)| got.as_ref() == Ok(want))
            .count();
        let unexplained: Vec<_> = results
            .iter()
            .filter(|(id, want, got)| {
                got.as_ref() != Ok(want) && !self.known(dataset, id, alias, "selection")
            })
            .collect();
        let share = same as f64 / compared as f64;
        println!(
            "{dataset:16} selection {alias:12} series {compared:4}  same as statsforecast {:6.2} %",
            100.0 * share
        );
        assert!(compared > 0, "{dataset}: nothing compared");
        assert!(unexplained.is_empty(), "{dataset}: {unexplained:?}");
        assert!(
            share >= self.required_share || compared < self.min_series_for_share,
            "{dataset}: {share}"
        );
    }
}

/// Datasets where MASE and sMAPE on the held-out test split are finite.
const ACCURACY_DATASETS: &[&str] = &[
    "air_passengers",
    "daily_synth",
    "m1_quarterly",
    "m1_monthly",
    "tourism_monthly",
];

/// Asserts that `alias`'s MASE and sMAPE on the held-out `<dataset>_test.csv`, over the
/// series of `ours`, are no worse than statsforecast's (`theirs`) by more than the relative
/// `margin`; datasets without finite accuracy are skipped.
pub(crate) fn check_accuracy(
    dataset: &str,
    m: usize,
    alias: &str,
    ours: &Table,
    theirs: &Table,
    margin: f64,
) {
    if !ACCURACY_DATASETS.contains(&dataset) {
        return;
    }
    let train = read_series(&format!("{dataset}_train.csv"));
    let test: HashMap<String, Vec<f64>> = read_series(&format!("{dataset}_test.csv"))
        .into_iter()
        .collect();
    let (ours_mase, ours_smape) = accuracy(&train, &test, &by_series(ours, alias), m);
    let (sf_mase, sf_smape) = accuracy(&train, &test, &by_series(theirs, alias), m);
    println!(
        "{dataset:16} accuracy  {alias} MASE ours {ours_mase:.6} statsforecast {sf_mase:.6}  \
         sMAPE ours {ours_smape:.6} statsforecast {sf_smape:.6}"
    );
    assert!(ours_mase <= sf_mase * (1.0 + margin), "{dataset}: MASE");
    assert!(ours_smape <= sf_smape * (1.0 + margin), "{dataset}: sMAPE");
}

pub(crate) fn relative_error(actual: f64, expected: f64) -> f64 {
    if (expected.is_nan() && actual.is_nan()) || actual == expected {
        0.0
    } else {
        (actual - expected).abs() / expected.abs().max(1e-300)
    }
}

/// Per model: series compared, series failing, worst relative error.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) series: BTreeSet<String>,
    pub(crate) failing: BTreeMap<String, f64>,
    pub(crate) worst: f64,
}

/// `(unique_id, value)` rows of a CSV with columns `unique_id,ds,y`, grouped by series in
/// file order.
pub(crate) fn read_series(file: &str) -> Vec<(String, Vec<f64>)> {
    let text = std::fs::read_to_string(fixture(file)).expect("CSV fixture reads");
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    for line in text.lines().skip(1) {
        let mut fields = line.split(',');
        let (Some(id), Some(_), Some(y)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        let y: f64 = y.parse().expect("numeric y");
        match out.last_mut() {
            Some((last, values)) if last == id => values.push(y),
            _ => out.push((id.to_owned(), vec![y])),
        }
    }
    out
}

/// MASE (scaled by the in-sample seasonal naive error) and sMAPE (in %), averaged over the
/// series whose scale is non-zero.
fn accuracy(
    train: &[(String, Vec<f64>)],
    test: &HashMap<String, Vec<f64>>,
    forecasts: &HashMap<String, Vec<f64>>,
    m: usize,
) -> (f64, f64) {
    let (mut mase, mut smape, mut count) = (0.0, 0.0, 0);
    for (id, y) in train {
        let (Some(actual), Some(predicted)) = (test.get(id), forecasts.get(id)) else {
            continue;
        };
        let lag = if y.len() > m { m } else { 1 };
        let scale = y
            .windows(lag + 1)
            .map(|w| (w[lag] - w[0]).abs())
            .sum::<f64>()
            / (y.len() - lag) as f64;
        if scale == 0.0 || predicted.iter().any(|v| !v.is_finite()) {
            continue;
        }
        let h = actual.len() as f64;
        let mae: f64 = actual
            .iter()
            .zip(predicted)
            .map(|(a, p)| (a - p).abs())
            .sum::<f64>()
            / h;
        let s: f64 = actual
            .iter()
            .zip(predicted)
            .map(|(a, p)| {
                let d = a.abs() + p.abs();
                if d == 0.0 {
                    0.0
                } else {
                    2.0 * (a - p).abs() / d
                }
            })
            .sum::<f64>()
            / h;
        mase += mae / scale;
        smape += 100.0 * s;
        count += 1;
    }
    (mase / count as f64, smape / count as f64)
}

/// One column of a forecast table as series -> values in `ds` order.
fn by_series(table: &Table, column: &str) -> HashMap<String, Vec<f64>> {
    let mut keyed: BTreeMap<(String, i64), f64> = BTreeMap::new();
    for key in &table.order {
        if let Some(Some(v)) = table.value(key, column) {
            keyed.insert((key.0.clone(), key.1), v);
        }
    }
    let mut out: HashMap<String, Vec<f64>> = HashMap::new();
    for ((id, _), v) in keyed {
        out.entry(id).or_default().push(v);
    }
    out
}

/// Columns of `<dataset>__selected.parquet` as text, per series (`None` where NULL), for the
/// series where the first column is not NULL (statsforecast fitted them).
pub(crate) async fn selected_columns(
    dataset: &str,
    columns: &[&str],
) -> HashMap<String, Vec<Option<String>>> {
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::compute::cast;
    use datafusion::arrow::datatypes::DataType;

    let ctx = session(1);
    let batches = read_fixture(&ctx, &format!("{dataset}__selected.parquet")).await;
    let mut out = HashMap::new();
    for batch in &batches {
        let text = |name: &str| {
            let column = batch.column_by_name(name).expect("selected column");
            cast(column, &DataType::Utf8).expect("castable to text")
        };
        let ids = text("unique_id");
        let values: Vec<_> = columns.iter().map(|c| text(c)).collect();
        for row in 0..batch.num_rows() {
            let cells: Vec<Option<String>> = values
                .iter()
                .map(|v| {
                    let v = v.as_string::<i32>();
                    (!v.is_null(row)).then(|| v.value(row).to_owned())
                })
                .collect();
            if cells[0].is_some() {
                out.insert(ids.as_string::<i32>().value(row).to_owned(), cells);
            }
        }
    }
    out
}
