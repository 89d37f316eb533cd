//! The README's first command (`./script/demo.sh`): Vigil's story on the embedded devnet, played
//! against the release wasm of the registry and the guard and forge's bytecode of the example vault.
//!
//! Four acts on one chain: an attacker blocked in the block that confirms it (scenario 1), a
//! drained rate limit that trips the breaker (2), an advisory that pauses a tagged function (3),
//! and a false flag that is disputed and reversed with every wei accounted for (4), then an
//! epilogue (a self-dispute loses money) and the closing table of gas. Each transaction prints one
//! line: who, what, the chain's answer (decoded), gas. Every answer is checked against what the
//! story expects, so a demo that drifts from the contracts fails (exit 1) instead of telling a
//! false story.
//!
//! `acts.rs` is the story, one function per act; this file is the stage: sending, printing and
//! checking transactions; `decode.rs` puts the chain's answers in words.

mod acts;
mod decode;

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use alloy_sol_types::SolCall;
use vigil_devnet::report::{ether, thousands, Align, Table};
use vigil_devnet::system::*;
use vigil_devnet::{Address, Bytes, Receipt, B256, U256};

/// What the story expects a transaction to do.
enum Expect {
    Success,
    Revert(Bytes),
}

/// A figure for the closing table.
struct Row {
    act: &'static str,
    what: String,
    gas: u64,
}

/// The world the story plays in, the closing table's figures and the names it gives addresses.
struct Demo {
    w: World,
    rows: Vec<Row>,
    txs: usize,
    names: Vec<(Address, &'static str)>,
}

type Step = Result<(), String>;

fn main() -> ExitCode {
    // Build (or find) the release wasm and the forge artifacts first, so the time printed at the
    // end is the devnet's alone.
    registry_wasm();
    guard_wasm();
    creation_code("GuardedVault.sol", "GuardedVault");
    let started = Instant::now();
    match play() {
        Ok(demo) => {
            demo.closing_table();
            println!(
                "\n{} transactions on the devnet in {:.2} s (after the build).",
                demo.txs,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\ndemo: the chain did not answer as the story expects: {e}");
            ExitCode::FAILURE
        }
    }
}

fn play() -> Result<Demo, String> {
    let mut d = Demo::setup();
    d.act_1_attacker_blocked()?;
    d.act_2_rate_limit()?;
    d.act_3_advisory()?;
    d.act_4_false_flag()?;
    d.epilogue_self_dispute()?;
    Ok(d)
}

impl Demo {
    fn deposit(&mut self, who: Address, amount: U256) -> Step {
        let (token, vault) = (self.w.token, self.w.vault);
        self.tx(
            DEPLOYER,
            token,
            &IToken::mintCall {
                to: who,
                value: amount,
            },
            format!("mint {} to {}", ether(amount), self.name(who)),
            Expect::Success,
        )?;
        self.tx(
            who,
            token,
            &IToken::approveCall {
                spender: vault,
                value: amount,
            },
            "approve vault".into(),
            Expect::Success,
        )?;
        self.tx(
            who,
            vault,
            &IVault::depositCall { amount },
            format!("deposit {}", ether(amount)),
            Expect::Success,
        )?;
        Ok(())
    }

    fn withdraw(&mut self, who: Address, amount: U256, expect: Expect) -> Result<Receipt, String> {
        let vault = self.w.vault;
        self.tx(
            who,
            vault,
            &IVault::withdrawCall { amount },
            format!("withdraw {}", ether(amount)),
            expect,
        )
    }

    fn tx<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        what: String,
        expect: Expect,
    ) -> Result<Receipt, String> {
        self.tx_value(from, to, call, U256::ZERO, what, expect)
    }

    /// One transaction: sent, printed, and checked against the story.
    fn tx_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
        what: String,
        expect: Expect,
    ) -> Result<Receipt, String> {
        let r = self.w.send_value(from, to, call, value);
        self.txs += 1;
        let who = self.name(from);
        self.line(&who, &what, &r);
        match expect {
            Expect::Success if r.success => Ok(r),
            Expect::Revert(ref data) if !r.success && r.output == *data => Ok(r),
            Expect::Success => Err(format!("{who}: {what}: {}", self.answer(&r))),
            Expect::Revert(data) => Err(format!(
                "{who}: {what}: expected revert {}, got {}",
                self.decode_error(&data),
                self.answer(&r)
            )),
        }
    }

    fn line(&self, who: &str, what: &str, r: &Receipt) {
        let mut answer = self.answer(r);
        let events = decode::event_names(r);
        if r.success && !events.is_empty() {
            let _ = write!(answer, " [{}]", events.join(", "));
        }
        println!(
            "  {:<12} {:<52} {:<60} {:>9} gas",
            who,
            what,
            answer,
            thousands(r.gas_used)
        );
    }

    fn level_note(&mut self, subject: B256) -> Step {
        let status = self.w.status(subject);
        let level = match status.level {
            0 => "none",
            1 => "pending",
            2 => "watch",
            3 => "confirmed",
            4 => "removed",
            5 => "expired",
            _ => return Err(format!("unknown level {}", status.level)),
        };
        let registry = self.w.registry;
        let flag = self.w.read(
            registry,
            &IThreatRegistry::flagInfoCall::new((status.flagId,)),
        );
        note(&format!(
            "registry: flag #{} is {level}, score {} from {} reporter(s){}",
            status.flagId,
            ether(U256::from(status.score)),
            flag.reporters.len(),
            if status.disputed { ", disputed" } else { "" }
        ));
        Ok(())
    }

    /// A reporter's (stake, locked bonds).
    fn stake_of(&mut self, reporter: Address) -> (U256, U256) {
        let registry = self.w.registry;
        let info = self
            .w
            .read(registry, &IThreatRegistry::reporterInfoCall { reporter });
        (info.stake, info.locked)
    }

    fn reputation_of(&mut self, reporter: Address) -> u32 {
        let registry = self.w.registry;
        self.w
            .read(registry, &IThreatRegistry::reporterInfoCall { reporter })
            .reputation
    }

    fn claimable(&mut self, account: Address) -> U256 {
        let registry = self.w.registry;
        self.w
            .read(registry, &IThreatRegistry::claimableCall { account })
    }

    /// The registry's books: (stakes + dispute bonds + claimable credits + treasury, the sum its
    /// balance must equal; the treasury alone).
    fn books(&mut self) -> (U256, U256) {
        let registry = self.w.registry;
        let (stakes, bonds, claimable, treasury): (U256, U256, U256, U256) = self
            .w
            .read(registry, &IThreatRegistry::accountingCall {})
            .into();
        (stakes + bonds + claimable + treasury, treasury)
    }

    fn row(&mut self, act: &'static str, what: &str, gas: u64) {
        self.rows.push(Row {
            act,
            what: what.to_string(),
            gas,
        });
    }

    fn name(&self, who: Address) -> String {
        self.names
            .iter()
            .find(|(a, _)| *a == who)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| who.to_string())
    }

    /// The chain's answer in words: "ok", or the decoded revert.
    fn answer(&self, r: &Receipt) -> String {
        match (&r.halt, r.success) {
            (Some(halt), _) => format!("HALT {halt}"),
            (None, true) => "ok".into(),
            (None, false) => format!("revert {}", self.decode_error(&r.output)),
        }
    }

    fn decode_error(&self, data: &[u8]) -> String {
        decode::error(data, |a| self.name(a))
    }

    fn closing_table(&self) {
        section("Closing table (whole-transaction gas: 21,000 intrinsic + calldata included)");
        let mut t = Table::new(&[
            ("act", Align::Left),
            ("transaction", Align::Left),
            ("gas", Align::Right),
        ]);
        for r in &self.rows {
            t.row(&[r.act.to_string(), r.what.clone(), thousands(r.gas)]);
        }
        print!("{}", t.markdown());
    }
}

fn check(what: &str, got: U256, expected: U256) -> Step {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: {got} wei, expected {expected} wei"))
    }
}

fn section(title: &str) {
    println!("\n== {title}");
}

fn note(text: &str) {
    println!("  {:<12} {text}", "..");
}
