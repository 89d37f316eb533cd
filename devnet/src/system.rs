//! The Vigil system on a devnet, for end-to-end scenarios: a [`World`] that deploys the release
//! wasm of the ThreatRegistry and the CircuitGuard and forge's bytecode of the example vault and its
//! token (all received from [`crate::artifacts`], which builds them) and links them the way a real
//! deployment would.
//!
//! Shared by the end-to-end tests, the `demo` and the `bench` binaries, so all three play on the
//! same deployment.

// alloy gives each event of the interfaces a constructor with one argument per field, and events such
// as `FlagSubmitted` carry ten: that is the published ABI, not a function to split.
#![allow(clippy::too_many_arguments)]

pub use crate::artifacts::{
    creation_code, guard_extension_wasm, guard_wasm, registry_extension_wasm, registry_wasm,
    workspace,
};
pub use crate::calls::*;
use crate::{keccak256, Address, Bytes, Devnet, Receipt, B256, U256};
pub use alloy_primitives::FixedBytes;
use alloy_sol_types::{sol, SolCall, SolError, SolValue};

// The interfaces exactly as export-abi prints them: a drift between the contracts and these files
// shows up here as a decoding failure.
sol!(
    #[sol(all_derives)]
    "../interfaces/IThreatRegistry.sol"
);
sol!(
    #[sol(all_derives)]
    "../interfaces/ICircuitGuard.sol"
);

sol! {
    /// examples/solidity-vault/GuardedVault.sol (the part the scenarios use). Test/forge's
    /// `UnguardedVault` has the same `deposit`/`withdraw`/`balanceOf`.
    interface IVault {
        function deposit(uint256 amount) external;
        function withdraw(uint256 amount) external;
        function transferBalance(address to, uint256 amount) external;
        function emergencyExit() external returns (uint256 amount);
        function balanceOf(address account) external view returns (uint256);
        function totalDeposits() external view returns (uint256);
        function guard() external view returns (address);
        error InsufficientBalance(uint256 balance, uint256 requested);
        error NothingToExit();
    }

    /// examples/solidity-vault/TestToken.sol
    interface IToken {
        function mint(address to, uint256 value) external;
        function approve(address spender, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }

    /// The guard's events the scenarios look for.
    interface IGuardEvents {
        event StatusSynced(bytes32 indexed subject, uint256 status);
        event Tripped(address indexed protocol, bytes4 indexed selector, uint64 until);
    }
}

pub use IThreatRegistry::{Params, SubjectStatus};

pub const DAY: u64 = 86_400;
pub const ETH: u64 = 1_000_000_000_000_000_000;

/// Registry owner (a governance multisig).
pub const OWNER: Address = Address::repeat_byte(0x0a);
/// Guard owner.
pub const GUARD_OWNER: Address = Address::repeat_byte(0x0b);
/// Dispute resolver.
pub const RESOLVER: Address = Address::repeat_byte(0x0c);
/// The vault's admin on the guard.
pub const VAULT_ADMIN: Address = Address::repeat_byte(0x0d);
/// Deploys the token and the vault.
pub const DEPLOYER: Address = Address::repeat_byte(0x0e);
/// Pays the keepalives of Vigil's programs ([`World::warp_by`]), so no scenario account's balance
/// or nonce moves for them.
pub const KEEPER: Address = Address::repeat_byte(0x0f);
pub const REPORTERS: [Address; 3] = [
    Address::repeat_byte(0x11),
    Address::repeat_byte(0x12),
    Address::repeat_byte(0x13),
];
pub const ATTACKER: Address = Address::repeat_byte(0xba);
pub const USER: Address = Address::repeat_byte(0xa1);
pub const USER2: Address = Address::repeat_byte(0xa2);
pub const TREASURY: Address = Address::repeat_byte(0x7e);
/// Sender of read-only calls.
pub const VIEWER: Address = Address::repeat_byte(0x99);

pub fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(ETH)
}

/// `n` tenths of an ether.
pub fn deci_eth(n: u64) -> U256 {
    U256::from(n) * U256::from(ETH / 10)
}

/// The registry's default rules (docs/design.md §5 prices them): a new 10-ETH reporter locks 10
/// ETH and weighs 5 (reputation 500 of 1,000), so three confirm (score 15 >= 12 with 3 >= 2
/// reporters) and two only reach Watch. A rejected flag costs each reporter half its lock: one
/// false confirmation costs at least 6 ETH (12 x 50%), 15 ETH for three new reporters.
pub fn params() -> Params {
    Params {
        minStake: eth(1),
        stakeCap: eth(10),
        stakeWarmup: DAY,
        unbondingDelay: 7 * DAY,
        slashBps: 5_000,
        disputeBond: deci_eth(5),
        watchScore: eth(1),
        confirmScore: eth(12),
        minReporters: 2,
        maxReporters: 4,
        maxTtl: 30 * DAY,
        victimShareBps: 6_000,
        disputerShareBps: 2_000,
        disputeWindow: 2 * DAY,
        disputeDeadline: 14 * DAY,
        paramsDelay: 2 * DAY,
    }
}

/// `creation code ++ abi.encode(args)`.
pub fn with_args(mut code: Vec<u8>, args: &[u8]) -> Bytes {
    code.extend_from_slice(args);
    code.into()
}

/// The subject of an address (`vigil_common::subject::address`): 0x01, 11 zero bytes, the address.
pub fn address_subject(account: Address) -> B256 {
    let mut word = [0u8; 32];
    word[0] = 1;
    word[12..].copy_from_slice(account.as_slice());
    B256::new(word)
}

/// The subject of an advisory id (`vigil_common::subject::advisory`): 0x03 over the id's top byte.
pub fn advisory_subject(id: &str) -> B256 {
    let mut word = keccak256(id.as_bytes()).0;
    word[0] = 3;
    B256::new(word)
}

/// Selector of the vault's `withdraw(uint256)`.
pub fn withdraw_selector() -> FixedBytes<4> {
    IVault::withdrawCall::SELECTOR.into()
}

/// ABI encoding of a custom error, selector included.
pub fn error_data<E: SolError>(e: E) -> Bytes {
    e.abi_encode().into()
}

/// Registry, guard, token and guarded vault, deployed and linked; reporters staked and warm.
pub struct World {
    pub chain: Devnet,
    pub registry: Address,
    /// The registry's second program (`vigil-registry-extension`), reached by DELEGATECALL.
    pub extension: Address,
    pub guard: Address,
    /// The guard's second program (`vigil-guard-extension`), reached by DELEGATECALL.
    pub guard_extension: Address,
    pub token: Address,
    pub vault: Address,
}

/// Deploys the guard's extension program, then the guard owned by `owner` and bound to it, both
/// from `owner`; returns (guard, extension).
pub fn deploy_guard(chain: &mut Devnet, owner: Address) -> (Address, Address) {
    let extension = chain
        .deploy_stylus(owner, guard_extension_wasm(), None)
        .expect("deploy guard extension");
    let guard = chain
        .deploy_stylus(
            owner,
            guard_wasm(),
            Some(&(owner, extension).abi_encode_params()),
        )
        .expect("deploy guard");
    (guard, extension)
}

/// Deploys TestToken and the example GuardedVault on `guard` (the vault registers itself, with
/// VAULT_ADMIN as its admin), from DEPLOYER; returns (token, vault).
pub fn deploy_vault(chain: &mut Devnet, guard: Address) -> (Address, Address) {
    let token_code = with_args(
        creation_code("TestToken.sol", "TestToken"),
        &("Vigil Test Token".to_string(), "VTT".to_string()).abi_encode_params(),
    );
    let token = chain
        .deploy_evm(DEPLOYER, token_code)
        .expect("deploy token");
    let vault_code = with_args(
        creation_code("GuardedVault.sol", "GuardedVault"),
        &(token, guard, VAULT_ADMIN).abi_encode_params(),
    );
    let vault = chain
        .deploy_evm(DEPLOYER, vault_code)
        .expect("deploy vault");
    (token, vault)
}

impl World {
    /// Deploys the guard (owner) and its extension, the registry's extension program, and the registry (owner,
    /// params, extension, the guard, the resolver), links the guard to the registry (its first
    /// link, immediate), deploys TestToken and GuardedVault (which registers itself with the
    /// guard), and configures confirmed-caller screening on the vault's `withdraw`. Nothing else:
    /// no stakes, no deposits.
    pub fn deploy() -> Self {
        let mut chain = Devnet::new();
        for who in [OWNER, GUARD_OWNER, RESOLVER, VAULT_ADMIN, DEPLOYER] {
            chain.fund(who, eth(1));
        }
        chain.fund(KEEPER, eth(1_000));
        let (guard, guard_extension) = deploy_guard(&mut chain, GUARD_OWNER);
        let extension = chain
            .deploy_stylus(OWNER, registry_extension_wasm(), None)
            .expect("deploy registry extension");
        let ctor = (OWNER, params(), extension, guard, vec![RESOLVER]).abi_encode_params();
        let registry = chain
            .deploy_stylus(OWNER, registry_wasm(), Some(&ctor))
            .expect("deploy registry");
        let (token, vault) = deploy_vault(&mut chain, guard);
        let mut w = World {
            chain,
            registry,
            extension,
            guard,
            guard_extension,
            token,
            vault,
        };
        w.ok(
            GUARD_OWNER,
            guard,
            &ICircuitGuard::setRegistryCall { registry },
        );
        w.ok(
            VAULT_ADMIN,
            guard,
            &ICircuitGuard::setScreeningCall::new((vault, withdraw_selector(), 0, false)),
        );
        w
    }

    /// The owner (`from`) schedules `call` on `target` (the registry or the guard: both take
    /// `schedule(bytes)` / `execute(bytes)`), the chain waits out the delay, and the owner executes
    /// it. Returns the execution's receipt.
    pub fn timelocked<C: SolCall>(&mut self, from: Address, target: Address, call: &C) -> Receipt {
        let data = Bytes::from(call.abi_encode());
        self.ok(
            from,
            target,
            &IThreatRegistry::scheduleCall { data: data.clone() },
        );
        let id = keccak256(&data);
        let eta = self.read(target, &IThreatRegistry::scheduledAtCall { id });
        let now = self.now();
        self.warp_by(eta.saturating_sub(now));
        self.send(from, target, &IThreatRegistry::executeCall { data })
    }

    /// [`World::deploy`], then each reporter stakes 10 ETH (of 100) and the warm-up passes.
    pub fn with_warm_reporters() -> Self {
        let mut w = Self::deploy();
        for r in REPORTERS {
            w.chain.fund(r, eth(100));
            w.ok_value(r, w.registry, &IThreatRegistry::stakeCall {}, eth(10));
        }
        w.warp_by(DAY);
        w
    }

    pub fn now(&self) -> u64 {
        self.chain.timestamp()
    }

    /// Moves the clock. As the keep-alive runbook says an operator does, the keeper renews any
    /// of Vigil's programs that the warp would otherwise take within 30 days of its expiry (Nitro
    /// allows a keepalive once a program is `keepaliveDays` old), so long scenarios never lose the
    /// registry or the guard to age; a warp of up to about 330 days at once is covered.
    pub fn warp_by(&mut self, seconds: u64) {
        for program in [
            self.registry,
            self.extension,
            self.guard,
            self.guard_extension,
        ] {
            let left = self.chain.program_time_left(program).unwrap_or(u64::MAX);
            if left <= seconds.saturating_add(30 * DAY) && self.chain.keepalive_fee(program).is_ok()
            {
                self.chain
                    .keepalive(KEEPER, program)
                    .expect("keepalive of a Vigil program");
            }
        }
        let t = self.now() + seconds;
        self.chain.warp(t);
    }

    /// A committed transaction; the receipt whatever happened.
    pub fn send<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> Receipt {
        self.send_value(from, to, call, U256::ZERO)
    }

    pub fn send_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Receipt {
        self.chain
            .call(from, to, call.abi_encode().into(), value)
            .unwrap_or_else(|e| panic!("{} from {from}: invalid transaction: {e}", C::SIGNATURE))
    }

    /// A committed transaction that must succeed.
    pub fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> Receipt {
        self.ok_value(from, to, call, U256::ZERO)
    }

    pub fn ok_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Receipt {
        let r = self.send_value(from, to, call, value);
        assert!(
            r.success,
            "{} from {from} failed: output 0x{}, halt {:?}",
            C::SIGNATURE,
            hex_string(&r.output),
            r.halt
        );
        r
    }

    /// A committed transaction that must revert with exactly `expected`; returns the receipt.
    pub fn reverts<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        expected: &[u8],
    ) -> Receipt {
        let r = self.send(from, to, call);
        assert_reverted(&r, C::SIGNATURE, expected);
        r
    }

    /// Read-only call, decoded.
    pub fn read<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        let out = self
            .chain
            .view(VIEWER, to, call.abi_encode().into())
            .unwrap_or_else(|e| panic!("{}: invalid view: {e}", C::SIGNATURE));
        assert!(
            out.success,
            "{} reverted: 0x{}",
            C::SIGNATURE,
            hex_string(&out.data)
        );
        C::abi_decode_returns(&out.data)
            .unwrap_or_else(|e| panic!("{} returned undecodable data: {e}", C::SIGNATURE))
    }

    pub fn status(&mut self, subject: B256) -> SubjectStatus {
        let r = self.registry;
        self.read(r, &IThreatRegistry::statusOfCall { subject })
    }

    pub fn vault_balance(&mut self, account: Address) -> U256 {
        let v = self.vault;
        self.read(v, &IVault::balanceOfCall { account })
    }

    pub fn token_balance(&mut self, account: Address) -> U256 {
        let t = self.token;
        self.read(t, &IToken::balanceOfCall { account })
    }

    /// Mints `amount` to `who`, approves the vault and deposits it.
    pub fn deposit(&mut self, who: Address, amount: U256) {
        let (token, vault) = (self.token, self.vault);
        self.ok(
            DEPLOYER,
            token,
            &IToken::mintCall {
                to: who,
                value: amount,
            },
        );
        self.ok(
            who,
            token,
            &IToken::approveCall {
                spender: vault,
                value: amount,
            },
        );
        self.ok(who, vault, &IVault::depositCall { amount });
    }

    pub fn withdraw(&mut self, who: Address, amount: U256) -> Receipt {
        let vault = self.vault;
        self.send(who, vault, &IVault::withdrawCall { amount })
    }

    /// Submit by the first reporter and corroborations by the others; returns the receipts.
    pub fn flag(&mut self, subject: B256, category: u8, ttl: u64) -> Vec<Receipt> {
        let registry = self.registry;
        let mut receipts = vec![self.ok(
            REPORTERS[0],
            registry,
            &IThreatRegistry::submitCall {
                subject,
                category,
                severity: 4,
                evidence: keccak256(b"evidence: report 1"),
                ttl,
            },
        )];
        for (i, r) in REPORTERS.iter().enumerate().skip(1) {
            receipts.push(self.ok(
                *r,
                registry,
                &IThreatRegistry::corroborateCall {
                    subject,
                    severity: 0,
                    evidence: keccak256(format!("evidence: report {}", i + 1)),
                },
            ));
        }
        receipts
    }
}

pub fn assert_reverted(r: &Receipt, what: &str, expected: &[u8]) {
    assert!(
        !r.success,
        "{what} succeeded, expected revert 0x{}",
        hex_string(expected)
    );
    assert!(r.halt.is_none(), "{what} halted: {:?}", r.halt);
    assert_eq!(
        hex_string(&r.output),
        hex_string(expected),
        "{what}: revert data (got, expected)"
    );
}

pub fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
