//! `dfcast`: the DataFusion command-line client with `forecast`, `cross_validation` and
//! `generate_panel` installed. Same flags as `datafusion-cli` for running SQL files
//! (`-f`), commands (`-c`) or a REPL.

use std::env;
use std::num::NonZeroUsize;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use datafusion::common::config::ConfigNonZeroUsize;
use datafusion::config::ConfigOptions;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::context::SessionConfig;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::{
    FairSpillPool, GreedyMemoryPool, MemoryPool, TrackConsumersPool,
};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::ExplainFormat;
use datafusion::prelude::SessionContext;
use datafusion_cli::catalog::DynamicObjectStoreCatalog;
use datafusion_cli::exec;
use datafusion_cli::functions::ParquetMetadataFunc;
use datafusion_cli::object_storage::instrumented::{
    InstrumentedObjectStoreMode, InstrumentedObjectStoreRegistry,
};
use datafusion_cli::object_storage::{StdinCarriesCommands, is_stdin_location};
use datafusion_cli::pool_type::PoolType;
use datafusion_cli::print_format::PrintFormat;
use datafusion_cli::print_options::{MaxRows, PrintOptions};
use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// Command-line arguments, as datafusion-cli's.
#[derive(Debug, Parser)]
#[clap(author, version, about = "DataFusion SQL with statsforecast-compatible forecasting", long_about = None)]
struct Args {
    #[clap(
        short = 'p',
        long,
        help = "Path to your data, default to current directory",
        value_parser(parse_valid_data_dir)
    )]
    data_path: Option<String>,

    #[clap(
        short = 'b',
        long,
        help = "The batch size of each query, or use DataFusion default",
        value_parser(parse_batch_size)
    )]
    batch_size: Option<usize>,

    #[clap(short = 'c', long, num_args = 0.., help = "Execute the given command string(s), then exit", value_parser(parse_command))]
    command: Vec<String>,

    #[clap(
        short = 'm',
        long,
        help = "The memory pool limitation (e.g. '10g'), default to None (no limit)",
        value_parser(parse_size)
    )]
    memory_limit: Option<usize>,

    #[clap(short, long, num_args = 0.., help = "Execute commands from file(s), then exit", value_parser(parse_valid_file))]
    file: Vec<String>,

    #[clap(short = 'r', long, num_args = 0.., help = "Run the provided files on startup instead of ~/.datafusionrc", value_parser(parse_valid_file), conflicts_with = "file")]
    rc: Option<Vec<String>>,

    #[clap(long, value_enum, default_value_t = PrintFormat::Automatic)]
    format: PrintFormat,

    #[clap(
        short,
        long,
        help = "Reduce printing other than the results and work quietly"
    )]
    quiet: bool,

    #[clap(long, help = "Specify the memory pool type 'greedy' or 'fair' (default: fair, which lets the sorts below a forecast spill in turn; see docs/memory.md)", default_value_t = PoolType::Fair)]
    mem_pool_type: PoolType,

    #[clap(
        long,
        help = "The number of top memory consumers to display when query fails due to memory exhaustion. To disable memory consumer tracking, set this value to 0",
        default_value = "3"
    )]
    top_memory_consumers: usize,

    #[clap(
        long,
        help = "The max number of rows to display for 'Table' format\n[possible values: numbers(0/10/...), inf(no limit)]",
        default_value = "40"
    )]
    maxrows: MaxRows,

    #[clap(long, help = "Enables console syntax highlighting")]
    color: bool,

    /// Runs the queries on a Ballista cluster (feature `ballista`).
    #[cfg(feature = "ballista")]
    #[clap(
        long,
        value_name = "df://HOST:PORT",
        help = "Run the queries on the Ballista cluster whose dfcast-scheduler listens at this URL (executors: dfcast-executor); inputs must be files or object-store URLs every executor can read"
    )]
    remote: Option<String>,
}

impl Args {
    fn repl_mode(&self) -> bool {
        self.command.is_empty() && self.file.is_empty()
    }
}

/// Spill files one merge pass opens under a memory limit.
const SPILL_MERGE_FAN_IN: usize = 16;

#[tokio::main]
async fn main() -> ExitCode {
    without_transparent_huge_pages();
    if let Err(e) = run().await {
        eprintln!("Error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Turns transparent huge pages off for this process. mimalloc asks for them on its
/// arenas (`madvise(MADV_HUGEPAGE)`), and where the kernel compacts memory to find them
/// (`defrag` set to `madvise`, the usual default) a fault can stall for milliseconds:
/// measured on a 100,000-series forecast, 1.6 s of system time with them against 0.3 s
/// without, and a third less wall time (BENCHMARKS.md).
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE reads only its integer arguments.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

async fn run() -> Result<()> {
    let args = Args::parse();
    // Progress lines are INFO logs of this crate: `-q` silences them, RUST_LOG overrides.
    let default_log = if args.quiet {
        "warn"
    } else {
        "warn,datafusion_forecast=info"
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(default_log)).init();
    if !args.quiet {
        println!(
            "dfcast v{} (DataFusion {})",
            env!("CARGO_PKG_VERSION"),
            datafusion::DATAFUSION_VERSION
        );
    }
    if let Some(path) = &args.data_path {
        env::set_current_dir(Path::new(path))?;
    }

    let mut runtime = RuntimeEnvBuilder::new();
    if let Some(limit) = args.memory_limit {
        let pool: Arc<dyn MemoryPool> = match (
            args.mem_pool_type.clone(),
            NonZeroUsize::new(args.top_memory_consumers),
        ) {
            (PoolType::Fair, None) => Arc::new(FairSpillPool::new(limit)),
            (PoolType::Fair, Some(top)) => {
                Arc::new(TrackConsumersPool::new(FairSpillPool::new(limit), top))
            }
            (PoolType::Greedy, None) => Arc::new(GreedyMemoryPool::new(limit)),
            (PoolType::Greedy, Some(top)) => {
                Arc::new(TrackConsumersPool::new(GreedyMemoryPool::new(limit), top))
            }
        };
        // A spill merge opens at most 16 files per pass, so that one sort's merge does
        // not take the whole pool from the others (see docs/memory.md).
        runtime = runtime.with_memory_pool(pool).with_disk_manager_builder(
            DiskManagerBuilder::default().with_max_spill_merge_fan_in(SPILL_MERGE_FAN_IN),
        );
    }
    let registry = Arc::new(
        InstrumentedObjectStoreRegistry::new()
            .with_profile_mode(InstrumentedObjectStoreMode::Disabled),
    );
    runtime = runtime.with_object_store_registry(registry.clone());

    let state = SessionStateBuilder::new()
        .with_config(session_config(&args)?)
        .with_runtime_env(runtime.build_arc()?)
        .with_default_features();
    let ctx = new_context(&args, state).await?.enable_url_table();
    ctx.refresh_catalogs().await?;
    ctx.register_catalog_list(Arc::new(DynamicObjectStoreCatalog::new(
        ctx.state().catalog_list().clone(),
        ctx.state_weak_ref(),
    )));
    ctx.register_udtf("parquet_metadata", Arc::new(ParquetMetadataFunc {}));
    datafusion_forecast::register(&ctx)?;

    let mut print_options = PrintOptions {
        format: args.format,
        quiet: args.quiet,
        maxrows: args.maxrows,
        color: args.color,
        instrumented_registry: registry,
    };
    let rc = match &args.rc {
        Some(files) => files.clone(),
        None => dirs_rc(),
    };
    if args.repl_mode() {
        if !rc.is_empty() {
            exec::exec_from_files(&ctx, rc, &print_options).await?;
        }
        return exec::exec_from_repl(&ctx, &mut print_options)
            .await
            .map_err(|e| DataFusionError::External(Box::new(e)));
    }
    for file in &args.file {
        run_file(&ctx, file, &print_options).await?;
    }
    if !args.command.is_empty() {
        exec::exec_from_commands(&ctx, args.command.clone(), &print_options).await?;
    }
    Ok(())
}

/// Runs a SQL file statement by statement (as datafusion-cli reads it: `--` comment
/// lines skipped, a statement ends with a line ending in `;`), stopping at the first
/// failure so that `dfcast -f` exits non-zero when a statement fails.
async fn run_file(ctx: &SessionContext, path: &str, print_options: &PrintOptions) -> Result<()> {
    let text = if is_stdin_location(path) {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(path)?
    };
    for (number, statement) in file_statements(&text).into_iter().enumerate() {
        exec::exec_from_commands(ctx, vec![statement], print_options)
            .await
            .map_err(|e| e.context(format!("{path}: statement {}", number + 1)))?;
    }
    Ok(())
}

/// The statements of a SQL file: whole lines up to one ending in `;` (or the end),
/// without `--` comment lines and `#!` lines.
fn file_statements(text: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.starts_with("--") || line.starts_with("#!") {
            continue;
        }
        let line = line.trim_end();
        current.push_str(line);
        if line.ends_with(';') {
            statements.push(std::mem::take(&mut current));
        } else {
            current.push('\n');
        }
    }
    if current.contains(|c: char| !c.is_whitespace()) {
        statements.push(current);
    }
    statements
}

/// A local session, or with `--remote` one whose queries run on the Ballista cluster.
#[cfg_attr(not(feature = "ballista"), allow(unused_variables))]
async fn new_context(args: &Args, state: SessionStateBuilder) -> Result<SessionContext> {
    #[cfg(feature = "ballista")]
    if let Some(url) = &args.remote {
        return datafusion_forecast::codec::connect(url, state).await;
    }
    Ok(SessionContext::new_with_state(
        datafusion_forecast::install(state).build(),
    ))
}

fn session_config(args: &Args) -> Result<SessionConfig> {
    let mut options = ConfigOptions::from_env()?;
    if let Some(batch_size) = args.batch_size {
        options.execution.batch_size = ConfigNonZeroUsize::try_new(batch_size)?;
    }
    if env::var_os("DATAFUSION_EXPLAIN_FORMAT").is_none() {
        options.explain.format = ExplainFormat::Tree;
    }
    if env::var_os("DATAFUSION_FORMAT_NULL").is_none() {
        options.format.null = String::from("NULL");
    }
    let mut config = SessionConfig::from(options).with_information_schema(true);
    if args.repl_mode() || args.file.iter().any(|f| is_stdin_location(f)) {
        config = config.with_extension(Arc::new(StdinCarriesCommands));
    }
    Ok(config)
}

fn dirs_rc() -> Vec<String> {
    env::var_os("HOME")
        .map(|home| Path::new(&home).join(".datafusionrc"))
        .filter(|rc| rc.exists())
        .and_then(|rc| rc.into_os_string().into_string().ok())
        .into_iter()
        .collect()
}

fn parse_valid_file(path: &str) -> std::result::Result<String, String> {
    if Path::new(path).is_file() || is_stdin_location(path) {
        Ok(path.to_string())
    } else {
        Err(format!("Invalid file '{path}'"))
    }
}

fn parse_valid_data_dir(dir: &str) -> std::result::Result<String, String> {
    if Path::new(dir).is_dir() {
        Ok(dir.to_string())
    } else {
        Err(format!("Invalid data directory '{dir}'"))
    }
}

fn parse_batch_size(size: &str) -> std::result::Result<usize, String> {
    match size.parse::<usize>() {
        Ok(size) if size > 0 => Ok(size),
        _ => Err(format!("Invalid batch size '{size}'")),
    }
}

fn parse_command(command: &str) -> std::result::Result<String, String> {
    if command.is_empty() {
        Err("-c flag expects only non empty commands".to_string())
    } else {
        Ok(command.to_string())
    }
}

/// `10g`, `512m`, `1024` (bytes).
fn parse_size(size: &str) -> std::result::Result<usize, String> {
    let lower = size.trim().to_ascii_lowercase();
    let digits: String = lower.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = lower[digits.len()..].trim_end_matches('b');
    let number: usize = digits
        .parse()
        .map_err(|_| format!("Invalid memory size '{size}'"))?;
    let multiplier: usize = match unit {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return Err(format!("Invalid memory size '{size}'")),
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("Memory size '{size}' is too large"))
}
