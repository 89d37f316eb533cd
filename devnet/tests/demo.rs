//! The demo is the README's first command: this runs it (the same binary, built by cargo for this
//! test) so a story that drifts from the contracts fails the test command, not a user's first try.

use std::process::Command;

#[test]
fn demo_plays_every_act_and_exits_zero() {
    let out = Command::new(env!("CARGO_BIN_EXE_demo"))
        .output()
        .expect("running the demo binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    for act in [
        "Act 1",
        "Act 2",
        "Act 3",
        "Act 4",
        "Epilogue",
        "Closing table",
    ] {
        assert!(stdout.contains(act), "no {act} in:\n{stdout}");
    }
    // One function per act: they play in the story's order, each once.
    let sections: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("== "))
        .map(|title| title.split(':').next().unwrap_or(title))
        .collect();
    assert_eq!(
        sections,
        [
            "Deployment",
            "Act 1",
            "Act 2",
            "Act 3",
            "Act 4",
            "Epilogue",
            "Closing table (whole-transaction gas"
        ],
        "sections of:\n{stdout}"
    );
    assert!(stdout.contains("revert CallerFlagged(attacker, level 3)"));
    assert!(stdout.contains("| 1 | guarded withdraw, guard cached |"));
}
