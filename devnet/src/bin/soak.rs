//! `soak`: plays random sequences of every registry and guard operation against the release wasm
//! on the devnet and checks the system's invariants after each (`vigil_devnet::soak`).
//! `script/soak.sh` builds the wasm first, then runs this.
//!
//! Usage: `soak --ops N [--seed S]`. Without `--seed` the seed comes from the clock; it is printed
//! first, so any run can be replayed. Exit status 0 without violation, 1 on a violation (its
//! report names the seed, the operation and the operations before it), 2 on bad arguments.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use vigil_devnet::soak::{self, Config};

const USAGE: &str = "usage: soak --ops N [--seed S]";

fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1).collect()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("soak: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    println!("soak: seed {}, {} operations", config.seed, config.ops);
    let progress = |done: u64, elapsed: std::time::Duration| {
        let secs = elapsed.as_secs_f64();
        eprintln!(
            "soak: {done} operations in {secs:.0} s ({:.0}/s)",
            done as f64 / secs.max(1e-9)
        );
    };
    match soak::run(&config, progress) {
        Ok(summary) => {
            print!("{summary}");
            ExitCode::SUCCESS
        }
        Err(violation) => {
            println!("{violation}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: Vec<String>) -> Result<Config, String> {
    let mut ops = None;
    let mut seed = None;
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number: u64 = value
            .replace('_', "")
            .parse()
            .map_err(|_| format!("{flag}: not a number: {value}"))?;
        match flag.as_str() {
            "--ops" if number > 0 => ops = Some(number),
            "--ops" => return Err("--ops needs a positive count".into()),
            "--seed" => seed = Some(number),
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    let ops = ops.ok_or("--ops is required")?;
    let seed = seed.unwrap_or_else(|| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        now.as_secs() ^ u64::from(now.subsec_nanos())
    });
    Ok(Config::new(ops, seed))
}
