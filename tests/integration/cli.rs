//! `dfcast` as a scheduled job uses it: exit codes, `-q`, errors naming the statement.

use std::path::PathBuf;
use std::process::{Command, Output};

fn dfcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dfcast"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("dfcast runs")
}

fn script(name: &str, sql: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dfcast-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, sql).expect("script written");
    path
}

const GOOD: &str = "SELECT count(*) AS n FROM forecast((SELECT unique_id, ds, y FROM generate_panel(3, 'D', 30, 30)), h => 2, models => 'Naive()');";

#[test]
fn a_failing_statement_in_a_file_stops_the_script_and_fails_the_process() {
    let path = script(
        "failing.sql",
        &format!(
            "-- a comment\n{GOOD}\nSELECT * FROM forecast('missing_table', h => 1,\n  models => 'Naive()');\nSELECT 'not reached' AS marker;\n"
        ),
    );
    let out = dfcast(&["-q", "-f", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "exit status {:?}", out.status);
    assert!(stdout.contains('6'), "the first statement ran: {stdout}");
    assert!(
        !stdout.contains("not reached"),
        "stopped at the failure: {stdout}"
    );
    assert!(
        stderr.contains("failing.sql: statement 2") && stderr.contains("missing_table"),
        "the error names the statement and the cause: {stderr}"
    );
}

#[test]
fn a_clean_file_succeeds_and_quiet_prints_no_progress() {
    let path = script("clean.sql", &format!("{GOOD}\n{GOOD}\n"));
    let out = dfcast(&["-q", "-f", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("INFO"), "-q prints no progress: {stderr}");
}

#[test]
fn a_failing_command_fails_the_process() {
    let out = dfcast(&[
        "-q",
        "-c",
        "SELECT * FROM forecast('missing_table', h => 1, models => 'Naive()')",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing_table"));
}
