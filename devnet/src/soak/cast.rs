//! Who plays in a soak and on what: the accounts (reporters with varied stakes, disputers,
//! victims who are also the vault's users, resolvers, the vault's admin and guardian, a stranger)
//! and the subjects they flag, and the deployment they play on.

use alloy_sol_types::SolCall;

use super::abi::{self, Rules};
use crate::calls;
use crate::system::{
    address_subject, advisory_subject, deci_eth, eth, withdraw_selector, ICircuitGuard,
    IThreatRegistry, IToken, IVault, World, DEPLOYER, GUARD_OWNER, OWNER, RESOLVER, VAULT_ADMIN,
};
use crate::{Address, B256, U256};
use alloy_primitives::FixedBytes;

/// First stakes of the reporter slots, in tenths of an ether: one below `minStake`, some below
/// the cap, some above it, so weights differ and caps bind.
const STAKES: [u64; 12] = [5, 10, 15, 20, 30, 50, 80, 100, 120, 200, 400, 1_000];
pub const REPORTER_SLOTS: usize = STAKES.len();

/// Tokens each vault user owns at the start (it deposits and withdraws from these).
const TOKENS: u64 = 1_000_000;

pub const RESOLVER2: Address = Address::repeat_byte(0x3c);
pub const GUARDIAN: Address = Address::repeat_byte(0x3d);
pub const STRANGER: Address = Address::repeat_byte(0x3e);
/// A protocol that is an account, not a contract: it calls the guard's `check` and `screen`
/// itself (the chain refuses transactions and views sent from contract addresses, so the vault
/// cannot be impersonated).
pub const PROBE: Address = Address::repeat_byte(0x3f);
/// The probe's guarded function: screened, rate limited with a breaker, tagged like `withdraw`.
pub const PROBE_SELECTOR: FixedBytes<4> = FixedBytes::new([0x50, 0x50, 0x50, 0x50]);
pub const DISPUTERS: [Address; 3] = [
    Address::repeat_byte(0x31),
    Address::repeat_byte(0x32),
    Address::repeat_byte(0x33),
];
/// The flagged addresses, and the vault's users.
pub const VICTIMS: [Address; 6] = [
    Address::repeat_byte(0x41),
    Address::repeat_byte(0x42),
    Address::repeat_byte(0x43),
    Address::repeat_byte(0x44),
    Address::repeat_byte(0x45),
    Address::repeat_byte(0x46),
];
/// A vault user nobody flags.
pub const BYSTANDER: Address = Address::repeat_byte(0x47);

/// The rate limit on the vault's `withdraw` and the probe's function, in tenths of a token: a
/// bucket of 600 tokens refilled at 0.1 per second (360 an hour) and by deposits, whose breaker
/// trips when a withdrawal leaves at most 100 and re-arms once the bucket is back at 300; so
/// withdrawals of up to 400 drain it within minutes and time warps and deposits refill it.
pub const BUCKET: (u64, u64, u64, u64) = (6_000, 1, 1_000, 3_000);

/// The reporter playing slot `slot` in its `generation`-th life (a reporter whose reputation is
/// gone is retired and the slot gets a fresh address).
pub fn reporter_address(slot: usize, generation: u32) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0x5e;
    bytes[1] = slot as u8;
    bytes[2..6].copy_from_slice(&generation.to_be_bytes());
    Address::from(bytes)
}

pub fn first_stake(slot: usize) -> U256 {
    deci_eth(STAKES[slot])
}

/// The selectors the pause operations aim at, on either protocol: the guarded `withdraw` and
/// `deposit`, the probe's function, and one nobody has (only the admin may pause a selector
/// without a policy, and the pause gives it none; the admin's `setScreening` does).
pub fn pause_selectors() -> [FixedBytes<4>; 4] {
    [
        withdraw_selector(),
        IVault::depositCall::SELECTOR.into(),
        PROBE_SELECTOR,
        FixedBytes::new([0xde, 0xad, 0x00, 0x01]),
    ]
}

/// The subjects flagged in a soak.
pub struct Subjects {
    pub all: Vec<B256>,
    /// The advisory tagged on the vault's `withdraw`: its confirmation pauses withdrawals.
    pub tagged: B256,
}

impl Subjects {
    fn new() -> Self {
        let tagged = advisory_subject("SOAK-ADVISORY-TAGGED");
        let mut code = advisory_subject("soak exploit bytecode").0;
        code[0] = 2;
        let mut all: Vec<B256> = VICTIMS.iter().map(|v| address_subject(*v)).collect();
        all.extend([
            tagged,
            advisory_subject("SOAK-ADVISORY-UNTAGGED"),
            B256::new(code),
        ]);
        Subjects { all, tagged }
    }

    /// The address a subject names, for address subjects.
    pub fn victim(&self, index: usize) -> Option<Address> {
        VICTIMS.get(index).copied()
    }
}

/// The reporter slots: who plays each now, and the retired reporters who still hold something.
pub struct Reporters {
    pub generation: [u32; REPORTER_SLOTS],
    pub retired: Vec<Address>,
}

impl Reporters {
    pub fn current(&self, slot: usize) -> Address {
        reporter_address(slot, self.generation[slot])
    }

    pub fn active(&self) -> Vec<Address> {
        (0..REPORTER_SLOTS).map(|s| self.current(s)).collect()
    }

    /// Every account that may hold stake: the active reporters, then the retired ones.
    pub fn all(&self) -> Vec<Address> {
        let mut all = self.active();
        all.extend(&self.retired);
        all
    }
}

/// The deployment, the accounts and the subjects of one soak.
pub struct Cast {
    pub world: World,
    pub rules: Rules,
    pub subjects: Subjects,
    pub reporters: Reporters,
}

impl Cast {
    /// Deploys the system ([`World::deploy`]), appoints a second resolver and a guardian, puts a
    /// rate limit with a breaker on `withdraw` and tags it with an advisory, funds everyone, gives
    /// each vault user tokens approved to the vault and a deposit, stakes each reporter slot's
    /// first stake and lets it warm.
    pub fn deploy() -> Self {
        let mut world = World::deploy();
        let (registry, guard, vault, token) =
            (world.registry, world.guard, world.vault, world.token);
        let subjects = Subjects::new();
        world.timelocked(
            OWNER,
            registry,
            &IThreatRegistry::setResolverCall::new((RESOLVER2, true)),
        );
        world.ok(
            PROBE,
            guard,
            &ICircuitGuard::registerProtocolCall { admin: VAULT_ADMIN },
        );
        world.ok(
            VAULT_ADMIN,
            guard,
            &calls::screening(PROBE, PROBE_SELECTOR, calls::SCREEN_CONFIRMED),
        );
        let (capacity, refill, trip, rearm) = BUCKET;
        for (protocol, selector) in [(vault, withdraw_selector()), (PROBE, PROBE_SELECTOR)] {
            let limit = calls::rate_limit(
                protocol,
                selector,
                deci_eth(capacity),
                deci_eth(refill),
                deci_eth(trip),
                deci_eth(rearm),
            );
            world.ok(VAULT_ADMIN, guard, &limit);
            let tags = calls::advisory_tags(protocol, selector, vec![subjects.tagged]);
            world.ok(VAULT_ADMIN, guard, &tags);
            let guardian = ICircuitGuard::setGuardianCall {
                protocol,
                guardian: GUARDIAN,
                enabled: true,
            };
            world.ok(VAULT_ADMIN, guard, &guardian);
        }
        for who in [
            OWNER,
            RESOLVER,
            RESOLVER2,
            GUARDIAN,
            STRANGER,
            VAULT_ADMIN,
            GUARD_OWNER,
            PROBE,
        ] {
            world.chain.fund(who, eth(1_000_000));
        }
        for who in DISPUTERS.iter().chain(&VICTIMS) {
            world.chain.fund(*who, eth(1_000_000));
        }
        for who in VICTIMS.iter().chain([&BYSTANDER]) {
            world.chain.fund(*who, eth(1_000_000));
            world.ok(DEPLOYER, token, &IToken::mintCall::new((*who, eth(TOKENS))));
            world.ok(*who, token, &IToken::approveCall::new((vault, U256::MAX)));
            world.ok(*who, vault, &IVault::depositCall::new((eth(TOKENS / 10),)));
        }
        let reporters = Reporters {
            generation: [0; REPORTER_SLOTS],
            retired: Vec::new(),
        };
        for slot in 0..REPORTER_SLOTS {
            let who = reporters.current(slot);
            world.chain.fund(who, eth(1_000_000));
            let r = world
                .chain
                .call(who, registry, abi::stake(), first_stake(slot))
                .expect("a valid stake transaction");
            assert!(r.success, "the first stake of slot {slot} failed");
        }
        world.warp_by(crate::system::DAY);
        let rules = abi::rules(&mut world);
        Cast {
            world,
            rules,
            subjects,
            reporters,
        }
    }

    /// Every account whose registry books the soak reads: reporters (active and retired),
    /// disputers, victims, resolvers and the rest of the cast.
    pub fn accounts(&self) -> Vec<Address> {
        let mut all = self.reporters.all();
        all.extend(DISPUTERS);
        all.extend(VICTIMS);
        all.extend([BYSTANDER, RESOLVER, RESOLVER2, GUARDIAN, STRANGER, OWNER]);
        all
    }

    /// Gives the slot a fresh reporter (funded, not staked) and keeps the old one among the
    /// retired until it holds nothing.
    pub fn retire(&mut self, slot: usize) {
        let old = self.reporters.current(slot);
        self.reporters.retired.push(old);
        self.reporters.generation[slot] += 1;
        let new = self.reporters.current(slot);
        self.world.chain.fund(new, eth(1_000_000));
    }
}
