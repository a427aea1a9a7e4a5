//! Benchmark (not a test): the console on a big store. Time to first frame (open + first
//! queries + draw), then the median and worst frame while switching screens and scrolling, each
//! frame timed as handling the key (queries included) and drawing it.
//!
//! `BENCH_DB=/path/to/store.db cargo bench -p payctl-tui --bench frames` measures an existing
//! store (e.g. one loaded with `payctl demo --ops 1000000 | payctl import -`); without it a store
//! of `BENCH_OPS` (default 100000) demo operations is built first.

use std::time::{Duration, Instant};

use payctl_core::demo::{DemoOptions, generate};
use payctl_core::import::{Format, ImportObserver, ImportOptions};
use payctl_core::{Engine, OpenMode};
use payctl_tui::keys::Input;
use payctl_tui::{Msg, Runner, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

struct Quiet;
impl ImportObserver for Quiet {}

fn build(path: &std::path::Path, ops: u64) -> Result<(), String> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    let opts = DemoOptions {
        members: (ops / 50).max(40) as u32,
        merchants: (ops / 5000 + 10) as u32,
        days: (ops / 20000 + 10) as u32,
        seed: 42,
        operations: Some(ops),
    };
    generate(&opts, file.as_file_mut()).map_err(|e| e.to_string())?;
    let mut engine = Engine::open(path, OpenMode::CreateIfMissing).map_err(|e| e.to_string())?;
    let options = ImportOptions {
        dry_run: false,
        require_keys: false,
        actor: "bench".into(),
        batch_lines: None,
    };
    engine
        .import(file.path(), Format::Jsonl, &options, &mut Quiet)
        .map_err(|e| e.to_string())?
        .map_err(|_| "malformed demo".to_string())?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().ok();
    let path = match std::env::var_os("BENCH_DB") {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let Some(dir) = &dir else {
                return eprintln!("no temp dir");
            };
            let ops = std::env::var("BENCH_OPS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(100_000);
            let p = dir.path().join("bench.db");
            let t = Instant::now();
            if let Err(e) = build(&p, ops) {
                return eprintln!("building the store: {e}");
            }
            println!(
                "built a store of {ops} demo operations in {:.1?}",
                t.elapsed()
            );
            p
        }
    };
    let mut terminal = match Terminal::new(TestBackend::new(160, 48)) {
        Ok(t) => t,
        Err(e) => return eprintln!("terminal: {e}"),
    };
    let start = Instant::now();
    let engine = match Engine::open(&path, OpenMode::MustExist) {
        Ok(e) => e,
        Err(e) => return eprintln!("open: {e}"),
    };
    let mut runner = Runner::new(engine, "bench", Box::new(payctl_core::clock::now));
    let mut app = match runner.start() {
        Ok(a) => a,
        Err(e) => return eprintln!("app: {e}"),
    };
    let _ = terminal.draw(|f| view::render(&app, f));
    let first = start.elapsed();
    println!("store: {} events", app.dashboard.figures.events);
    println!("first frame: {:.1} ms", ms(first));

    let mut script: Vec<Input> = Vec::new();
    for screen in ['2', '3', '4', '5', '6', '1'] {
        script.push(Input::Char(screen));
        if screen != '1' {
            script.extend(std::iter::repeat_n(Input::Down, 30));
            script.extend(std::iter::repeat_n(Input::PageDown, 15));
            script.push(Input::Enter);
            script.push(Input::Down);
            script.push(Input::Esc);
        }
    }
    let mut draw_times = Vec::new();
    let mut frame_times = Vec::new();
    for input in script {
        let t = Instant::now();
        runner.send(&mut app, Msg::Key(input));
        let d = Instant::now();
        let _ = terminal.draw(|f| view::render(&app, f));
        draw_times.push(d.elapsed());
        frame_times.push(t.elapsed());
        if t.elapsed() > Duration::from_millis(16) {
            println!(
                "  slow: {input:?} on {:?}: {:.1} ms",
                app.screen,
                ms(t.elapsed())
            );
        }
    }
    let report = |name: &str, mut v: Vec<Duration>| {
        v.sort();
        let median = v[v.len() / 2];
        let worst = v[v.len() - 1];
        println!(
            "{name:<28} median {:>7.2} ms, worst {:>7.2} ms over {} frames",
            ms(median),
            ms(worst),
            v.len()
        );
    };
    report("draw only", draw_times);
    report("key handling + draw", frame_times);
    if let Some(s) = &app.status {
        println!("last status: {}", s.text);
    }
}
