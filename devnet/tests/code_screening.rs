//! Issue 11 §1 on the release wasm: a flag on an exploit's code hash protects against every copy of
//! it. The attacker's exploit contract (test/forge/attack/VaultDrainer.sol) is flagged by its code
//! hash through the registry (stake, submit, corroborate to confirmation); the attacker redeploys
//! it with CREATE2 from a fresh address (test/forge/utils/Create2Factory.sol): a new address, the
//! same runtime code. With code-hash screening on the vault's `withdraw`, the clone is refused with
//! `CodeFlagged(clone, codeHash, 3)`, byte for byte through the vault; without the mode the same
//! clone passes, and an externally owned account is never affected.
//!
//! Run: `cargo test -p vigil-devnet --test code_screening` (add `-- --nocapture` for the gas).

use alloy_sol_types::{sol, SolCall, SolEvent};
use vigil_devnet::system::*;
use vigil_devnet::{keccak256, Address, Bytes, Receipt, B256, U256};

sol! {
    /// test/forge/attack/VaultDrainer.sol
    interface IVaultDrainer {
        function cycle(address vault, address token, uint256 amount) external;
        function fund(address vault, address token, uint256 amount) external;
        function withdraw(address vault, uint256 amount) external;
    }

    /// test/forge/utils/Create2Factory.sol
    interface ICreate2Factory {
        function deploy(bytes code, bytes32 salt) external returns (address instance);
        event Deployed(address indexed instance, bytes32 codeHash, bytes32 salt);
    }
}

/// The attacker's second identity: a fresh address that deploys the factory and the clone.
const FRESH: Address = Address::repeat_byte(0xf5);
/// Exploit category (any category works; the guard reads only the level).
const EXPLOIT: u8 = 1;

/// The subject of a code hash (`vigil_common::subject::code_hash`): 0x02 over the hash's top byte.
fn code_subject(hash: B256) -> B256 {
    let mut word = hash.0;
    word[0] = 2;
    B256::new(word)
}

fn drainer_code() -> Vec<u8> {
    creation_code("VaultDrainer.sol", "VaultDrainer")
}

/// The world, the attacker's original exploit (deployed by ATTACKER) and its runtime code hash.
fn setup() -> (World, Address, B256) {
    let mut w = World::with_warm_reporters();
    for who in [ATTACKER, FRESH] {
        w.chain.fund(who, eth(1));
    }
    let exploit = w
        .chain
        .deploy_evm(ATTACKER, drainer_code().into())
        .expect("deploy the exploit");
    let hash = keccak256(w.chain.code(exploit));
    (w, exploit, hash)
}

/// A clone of the exploit: FRESH deploys the factory, which CREATE2-deploys the same creation
/// code under `salt`.
fn clone_exploit(w: &mut World, salt: u8) -> Address {
    let factory_code = creation_code("Create2Factory.sol", "Create2Factory");
    let factory = w
        .chain
        .deploy_evm(FRESH, factory_code.into())
        .expect("deploy the factory");
    let r = w.ok(
        FRESH,
        factory,
        &ICreate2Factory::deployCall {
            code: drainer_code().into(),
            salt: B256::repeat_byte(salt),
        },
    );
    let deployed = r
        .logs
        .iter()
        .find(|l| l.address == factory)
        .map(|l| {
            ICreate2Factory::Deployed::decode_raw_log(l.topics.iter().copied(), &l.data)
                .expect("Deployed decodes")
        })
        .expect("the factory logged the clone");
    deployed.instance
}

/// Mints `amount` to `drainer` and has it deposit the lot into the vault.
fn fund(w: &mut World, drainer: Address, amount: U256) {
    let (token, vault) = (w.token, w.vault);
    w.ok(
        DEPLOYER,
        token,
        &IToken::mintCall {
            to: drainer,
            value: amount,
        },
    );
    w.ok(
        FRESH,
        drainer,
        &IVaultDrainer::fundCall {
            vault,
            token,
            amount,
        },
    );
}

/// The drainer withdraws `amount` from the vault (sent by FRESH, who controls it).
fn drain(w: &mut World, drainer: Address, amount: U256) -> Receipt {
    let vault = w.vault;
    w.send(
        FRESH,
        drainer,
        &IVaultDrainer::withdrawCall { vault, amount },
    )
}

/// Code-hash screening (mode 4: confirmed flags, addresses and code) on the vault's `withdraw`,
/// or plain confirmed screening.
fn screening_mode(w: &mut World, mode: u8) {
    let (guard, vault) = (w.guard, w.vault);
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setScreeningCall::new((vault, withdraw_selector(), mode, false)),
    );
    let policy = w.read(
        guard,
        &ICircuitGuard::selectorPolicyCall::new((vault, withdraw_selector())),
    );
    assert_eq!((policy.configured, policy.screening), (true, mode));
}

#[test]
fn a_clone_of_flagged_exploit_code_is_refused_with_the_code_hash() {
    let (mut w, exploit, hash) = setup();
    let (guard, vault) = (w.guard, w.vault);
    let subject = code_subject(hash);

    // The exploit's code hash is flagged to confirmation; the push reaches the guard.
    w.flag(subject, EXPLOIT, 10 * DAY);
    let status = w.status(subject);
    assert_eq!(status.level, 3, "confirmed");
    let pushed = w.read(guard, &ICircuitGuard::statusWordCall { subject });
    assert_ne!(
        pushed,
        U256::ZERO,
        "the guard has the code hash's status word"
    );

    // The attacker redeploys it from a fresh address: new address, same runtime code.
    let clone = clone_exploit(&mut w, 1);
    assert_ne!(clone, exploit);
    assert_eq!(keccak256(w.chain.code(clone)), hash);
    assert_eq!(
        w.status(address_subject(clone)).level,
        0,
        "nothing is known about the clone's address"
    );
    fund(&mut w, clone, eth(5));

    // Without code-hash screening the clone passes: its address is clean.
    screening_mode(&mut w, SCREEN_CONFIRMED);
    let r = drain(&mut w, clone, eth(1));
    assert!(
        r.success,
        "the clone without the mode: 0x{}",
        hex_string(&r.output)
    );
    let without_mode = r.gas_used;
    assert_eq!(w.vault_balance(clone), eth(4));

    // With it, the clone (and the original) is refused with the guard's verdict, byte for byte
    // through the vault and the drainer, and nothing moves.
    screening_mode(&mut w, SCREEN_CONFIRMED | SCREEN_CODE);
    let verdict = |caller| {
        error_data(ICircuitGuard::CodeFlagged {
            caller,
            codeHash: hash,
            level: 3,
        })
    };
    let preview: Bytes = w.read(
        guard,
        &ICircuitGuard::previewCall::new((vault, clone, withdraw_selector(), eth(1))),
    );
    assert_eq!(preview, verdict(clone));
    let r = drain(&mut w, clone, eth(1));
    assert_reverted(&r, "the clone's withdraw", &verdict(clone));
    let refused = r.gas_used;
    assert_eq!(w.vault_balance(clone), eth(4));
    assert_eq!(w.token_balance(clone), eth(1));
    let r = drain(&mut w, exploit, U256::ZERO);
    assert_reverted(&r, "the original's withdraw", &verdict(exploit));

    // Accounts without code are never looked up: a user's withdraw passes under the mode.
    w.deposit(USER, eth(3));
    let r = w.withdraw(USER, eth(1));
    assert!(
        r.success,
        "an EOA under the mode: 0x{}",
        hex_string(&r.output)
    );
    let eoa_with_mode = r.gas_used;
    assert_eq!(w.vault_balance(USER), eth(2));

    // Another clone, another salt: refused all the same; switching the mode off lets it out.
    let second = clone_exploit(&mut w, 2);
    fund(&mut w, second, eth(1));
    assert_reverted(
        &drain(&mut w, second, eth(1)),
        "a second clone",
        &verdict(second),
    );
    screening_mode(&mut w, SCREEN_CONFIRMED);
    assert!(drain(&mut w, second, eth(1)).success);

    eprintln!("code-hash screening on withdraw (whole transaction gas):");
    eprintln!("  clone's withdraw, mode off, passes:   {without_mode:>8}");
    eprintln!("  clone's withdraw, mode on, refused:   {refused:>8}");
    eprintln!("  EOA's withdraw, mode on, passes:      {eoa_with_mode:>8}");
}

/// The flag follows the registry: a code hash that is only on watch does not block under mode 4
/// (confirmed only) but does under mode 5 (watch and above); once the flag expires, nothing does.
#[test]
fn code_screening_follows_the_flags_level_and_expiry() {
    let (mut w, _, hash) = setup();
    let subject = code_subject(hash);
    // One report: watch, not confirmed.
    let registry = w.registry;
    w.ok(
        REPORTERS[0],
        registry,
        &submit(subject, EXPLOIT, 4, DAY, "the exploit's code"),
    );
    assert_eq!(w.status(subject).level, 2, "watch");
    let clone = clone_exploit(&mut w, 7);
    fund(&mut w, clone, eth(2));
    screening_mode(&mut w, SCREEN_CONFIRMED | SCREEN_CODE);
    assert!(drain(&mut w, clone, eth(1)).success, "watch passes mode 4");
    screening_mode(&mut w, SCREEN_WATCH | SCREEN_CODE);
    assert_reverted(
        &drain(&mut w, clone, eth(1)),
        "watch under mode 5",
        &error_data(ICircuitGuard::CodeFlagged {
            caller: clone,
            codeHash: hash,
            level: 2,
        }),
    );
    w.warp_by(DAY);
    assert!(drain(&mut w, clone, eth(1)).success, "the flag expired");
}

/// An admin cannot ask for code screening with screening off: it would block nothing.
#[test]
fn code_screening_needs_a_level_mode() {
    let (mut w, _, _) = setup();
    let (guard, vault) = (w.guard, w.vault);
    for mode in [6u8, 7, 3] {
        w.reverts(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setScreeningCall::new((vault, withdraw_selector(), mode, false)),
            &error_data(ICircuitGuard::InvalidScreening { mode }),
        );
    }
    w.ok(
        VAULT_ADMIN,
        guard,
        &ICircuitGuard::setProtocolScreeningCall::new((vault, 5, true)),
    );
    let info = w.read(guard, &ICircuitGuard::protocolInfoCall { protocol: vault });
    assert_eq!((info.screening, info.screenOrigin), (5, true));
}
