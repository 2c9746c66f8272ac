//! Memory accounting of the forecast exec: a working budget taken from the session's
//! memory pool when a partition starts, so the spilling sort below it can never starve
//! it, and exact growth (with a message naming the series) beyond it.

use std::sync::Arc;

use datafusion::common::{DataFusionError, Result};
use datafusion::execution::memory_pool::{
    MemoryConsumer, MemoryLimit, MemoryPool, MemoryReservation,
};

/// Working memory of one partition: half for a chunk of input (16 bytes a row for `ds`
/// and `y`, 8 more per regressor), half for its output. Smaller under a small memory limit (an eighth of the limit
/// over all partitions, so the sorts below keep most of it), never below the floor.
const WORKING_BUDGET: usize = 4 << 20;
const WORKING_BUDGET_FLOOR: usize = 128 << 10;

/// The memory one partition of the exec holds, as accounted in the pool.
#[derive(Debug)]
pub(crate) struct ExecMemory {
    reservation: MemoryReservation,
    pool: Arc<dyn MemoryPool>,
    function: &'static str,
    budget: usize,
}

impl ExecMemory {
    /// Registers one of `partitions` partitions and takes its working budget.
    pub(crate) fn try_new(
        name: String,
        pool: &Arc<dyn MemoryPool>,
        partitions: usize,
        function: &'static str,
    ) -> Result<Self> {
        let budget = match pool.memory_limit() {
            MemoryLimit::Finite(limit) => {
                (limit / 8 / partitions.max(1)).clamp(WORKING_BUDGET_FLOOR, WORKING_BUDGET)
            }
            _ => WORKING_BUDGET,
        };
        let reservation = MemoryConsumer::new(name).register(pool);
        reservation.try_grow(budget).map_err(|e| {
            e.context(format!(
                "{function}: each partition needs {} of working memory; raise the memory \
                 limit or lower datafusion.execution.target_partitions",
                human(budget)
            ))
        })?;
        Ok(Self {
            reservation,
            pool: Arc::clone(pool),
            function,
            budget,
        })
    }

    /// Input rows of `row_bytes` each to buffer before the models run.
    pub(crate) fn chunk_input_rows(&self, row_bytes: usize) -> usize {
        self.budget / 2 / row_bytes.max(1)
    }

    /// Estimated output bytes of one chunk of series.
    pub(crate) fn chunk_output_bytes(&self) -> usize {
        self.budget / 2
    }

    /// Accounts `bytes` (input held plus output being built); within the working budget
    /// this never fails. `what` says what needs the memory, for the error.
    pub(crate) fn try_hold(&mut self, bytes: usize, what: impl FnOnce() -> String) -> Result<()> {
        let target = bytes.max(self.budget);
        let fits_machine = match self.pool.memory_limit() {
            MemoryLimit::Finite(_) => true,
            // Without a limit, still refuse what the machine cannot hold rather than let an
            // allocation abort the process.
            _ => available_memory().is_none_or(|free| bytes <= free),
        };
        let result = if fits_machine {
            self.reservation.try_resize(target)
        } else {
            Err(DataFusionError::ResourcesExhausted(format!(
                "{} needed, {} of memory available on this machine",
                human(bytes),
                human(available_memory().unwrap_or(0))
            )))
        };
        result.map_err(|e| {
            e.context(format!(
                "{}: {} needs ~{}",
                self.function,
                what(),
                human(bytes)
            ))
        })
    }
}

/// Bytes the operating system reports as available (Linux), if known.
fn available_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// `12.3 MB`-style sizes for messages.
pub(crate) fn human(bytes: usize) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::execution::memory_pool::GreedyMemoryPool;

    #[test]
    fn budget_first_then_exact_growth_with_a_named_cause() {
        // A 1 MB pool over one partition: the budget is the floor, 128 KB.
        let pool: Arc<dyn MemoryPool> = Arc::new(GreedyMemoryPool::new(1 << 20));
        let mut memory = ExecMemory::try_new("test".into(), &pool, 1, "forecast").unwrap();
        assert_eq!(pool.reserved(), WORKING_BUDGET_FLOOR);
        assert_eq!(memory.chunk_input_rows(16), 4096);
        assert_eq!(memory.chunk_input_rows(32), 2048);
        memory.try_hold(10, || unreachable!()).unwrap();
        assert_eq!(pool.reserved(), WORKING_BUDGET_FLOOR);
        memory.try_hold(1 << 20, || unreachable!()).unwrap();
        let error = memory
            .try_hold((1 << 20) + 1, || "the output of series 'a'".into())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("forecast: the output of series 'a' needs ~"),
            "{error}"
        );
        assert!(error.contains("Resources exhausted"), "{error}");
        let second = ExecMemory::try_new("second".into(), &pool, 1, "forecast")
            .unwrap_err()
            .to_string();
        assert!(second.contains("each partition needs 128.0 KB"), "{second}");
        // Under a large limit, the full budget.
        let pool: Arc<dyn MemoryPool> = Arc::new(GreedyMemoryPool::new(1 << 30));
        let memory = ExecMemory::try_new("test".into(), &pool, 2, "forecast").unwrap();
        assert_eq!(memory.chunk_output_bytes(), WORKING_BUDGET / 2);
    }

    #[test]
    fn without_a_limit_what_the_machine_cannot_hold_is_refused() {
        let pool: Arc<dyn MemoryPool> =
            Arc::new(datafusion::execution::memory_pool::UnboundedMemoryPool::default());
        let mut memory = ExecMemory::try_new("test".into(), &pool, 2, "forecast").unwrap();
        if available_memory().is_some() {
            let error = memory
                .try_hold(usize::MAX / 2, || "the output of series 'a'".into())
                .unwrap_err()
                .to_string();
            assert!(error.contains("available on this machine"), "{error}");
        }
        memory.try_hold(1 << 20, || unreachable!()).unwrap();
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(3 << 20), "3.0 MB");
    }
}
