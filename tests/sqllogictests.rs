//! Runs every `sql/*.slt` file against a session with the extension installed and prints
//! `N passed, N failed`.

use std::path::PathBuf;
use std::process::ExitCode;

use async_trait::async_trait;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::error::DataFusionError;
use datafusion::prelude::{SessionConfig, SessionContext};
use sqllogictest::{
    AsyncDB, DBOutput, DefaultColumnType, Runner, default_column_validator, default_normalizer,
    default_validator,
};

struct Database {
    ctx: SessionContext,
}

#[async_trait]
impl AsyncDB for Database {
    type Error = DataFusionError;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, DataFusionError> {
        let df = self.ctx.sql(sql).await?;
        let schema = df.schema().as_arrow().clone();
        let batches = df.collect().await?;
        let first_word = sql
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if matches!(first_word.as_str(), "CREATE" | "DROP" | "INSERT" | "SET") {
            return Ok(DBOutput::StatementComplete(0));
        }
        let types = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                t if t.is_integer() => DefaultColumnType::Integer,
                DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                    DefaultColumnType::FloatingPoint
                }
                DataType::Decimal128(_, _) | DataType::Decimal256(_, _) => {
                    DefaultColumnType::FloatingPoint
                }
                _ => DefaultColumnType::Text,
            })
            .collect();
        let options = FormatOptions::default().with_null("NULL");
        let repo = env!("CARGO_MANIFEST_DIR").trim_start_matches('/');
        let mut rows = Vec::new();
        for batch in &batches {
            let formatters = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
                .collect::<Result<Vec<_>, _>>()?;
            for row in 0..batch.num_rows() {
                let cells: Vec<String> = formatters
                    .iter()
                    .map(|f| {
                        // Plans print file paths: make them independent of the checkout.
                        let cell = f.value(row).to_string().replace(repo, "<repo>");
                        if cell.is_empty() {
                            "(empty)".to_string()
                        } else {
                            cell
                        }
                    })
                    .collect();
                // A multi-line cell (an EXPLAIN plan) continues on rows of its own.
                let mut continuation = Vec::new();
                let first: Vec<String> = cells
                    .iter()
                    .map(|cell| {
                        let mut lines = cell.lines();
                        let head = lines.next().unwrap_or_default().to_string();
                        continuation.extend(
                            lines
                                .filter(|l| !l.trim().is_empty())
                                .map(|l| vec![l.to_string()]),
                        );
                        head
                    })
                    .collect();
                rows.push(first);
                rows.extend(continuation);
            }
        }
        Ok(DBOutput::Rows { types, rows })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "datafusion-forecast"
    }
}

fn session() -> SessionContext {
    datafusion_forecast::session_context(
        SessionConfig::new()
            .with_target_partitions(4)
            .with_information_schema(true),
    )
}

async fn connect() -> Result<Database, DataFusionError> {
    Ok(Database { ctx: session() })
}

#[tokio::main]
async fn main() -> ExitCode {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sql");
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sql/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "slt"))
        .filter(|p| {
            filter
                .as_ref()
                .is_none_or(|f| p.to_string_lossy().contains(f.as_str()))
        })
        .collect();
    files.sort();
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("manifest dir");
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        if std::env::var_os("SLT_COMPLETE").is_some() {
            let mut runner = Runner::new(connect);
            // Rewrites the expected results in place: for writing new test files only.
            runner
                .update_test_file(
                    &file,
                    " ",
                    default_validator,
                    default_normalizer,
                    default_column_validator,
                )
                .await
                .expect("test file updates");
        }
        let mut runner = Runner::new(connect);
        match runner.run_file_async(&file).await {
            Ok(()) => {
                passed += 1;
                println!("ok     {}", file.display());
            }
            Err(e) => {
                failed += 1;
                println!("FAILED {}\n{e}", file.display());
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
