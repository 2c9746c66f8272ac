//! Progress of a long `forecast` / `cross_validation`: a log line (`info`) every
//! [`REPORT_EVERY`] with the series done so far, summed over the partitions of one
//! [`super::ForecastExec`], and a closing line once all of them have finished. Queries
//! shorter than the interval log nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Time between two progress lines.
pub(crate) const REPORT_EVERY: Duration = Duration::from_secs(10);

/// Shared by the partition streams of one execution.
#[derive(Debug)]
pub(crate) struct Progress {
    function: &'static str,
    series: AtomicUsize,
    /// Partition streams started and not yet finished.
    running: AtomicUsize,
    clock: Mutex<Clock>,
    every: Duration,
}

#[derive(Debug)]
struct Clock {
    started: Option<Instant>,
    last_report: Option<Instant>,
}

impl Progress {
    pub(crate) fn new(function: &'static str) -> Self {
        Self::reporting_every(function, REPORT_EVERY)
    }

    fn reporting_every(function: &'static str, every: Duration) -> Self {
        Self {
            function,
            series: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            clock: Mutex::new(Clock {
                started: None,
                last_report: None,
            }),
            every,
        }
    }

    /// A partition stream starts.
    pub(crate) fn start_partition(&self) {
        self.running.fetch_add(1, Ordering::Relaxed);
        let mut clock = self.clock.lock();
        let now = Instant::now();
        clock.started.get_or_insert(now);
    }

    /// `count` more series are done; returns the line logged, if one was due.
    pub(crate) fn add(&self, count: usize) -> Option<String> {
        let done = self.series.fetch_add(count, Ordering::Relaxed) + count;
        let now = Instant::now();
        let mut clock = self.clock.lock();
        let started = *clock.started.get_or_insert(now);
        let since = clock.last_report.unwrap_or(started);
        if now.duration_since(since) < self.every {
            return None;
        }
        clock.last_report = Some(now);
        let seconds = now.duration_since(started).as_secs_f64();
        let line = format!(
            "{}: {done} series done in {seconds:.0} s ({:.0} series/s)",
            self.function,
            done as f64 / seconds.max(1e-9)
        );
        log::info!("{line}");
        Some(line)
    }

    /// A partition stream has ended; the last one logs a closing line if progress was
    /// reported. Returns that line.
    pub(crate) fn finish_partition(&self) -> Option<String> {
        if self.running.fetch_sub(1, Ordering::Relaxed) != 1 {
            return None;
        }
        let clock = self.clock.lock();
        clock.last_report?;
        let seconds = clock.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        let line = format!(
            "{}: finished, {} series in {seconds:.0} s",
            self.function,
            self.series.load(Ordering::Relaxed)
        );
        log::info!("{line}");
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;
    use std::time::Duration;

    #[test]
    fn quiet_until_the_interval_then_sums_partitions() {
        let quiet = Progress::new("forecast");
        quiet.start_partition();
        assert_eq!(quiet.add(10), None);
        assert_eq!(quiet.finish_partition(), None);

        let progress = Progress::reporting_every("cross_validation", Duration::ZERO);
        progress.start_partition();
        progress.start_partition();
        let line = progress.add(5).expect("due");
        assert!(
            line.starts_with("cross_validation: 5 series done in "),
            "{line}"
        );
        assert!(progress.add(7).unwrap().contains(" 12 series done"));
        assert_eq!(
            progress.finish_partition(),
            None,
            "one partition still runs"
        );
        let last = progress.finish_partition().expect("closing line");
        assert!(
            last.starts_with("cross_validation: finished, 12 series in "),
            "{last}"
        );
    }
}
