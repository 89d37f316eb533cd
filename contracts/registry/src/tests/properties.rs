//! Random sequences of every registry operation from several accounts (reporters, victims,
//! resolvers that also report), with time warps past every window and deadline; the books and
//! the locks are checked after each step.

use alloc::{collections::BTreeMap, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use proptest::prelude::*;
use vigil_common::{subject, Level};

use super::*;

/// RESOLVER reports too, so conflicts of interest arise.
const ACTORS: [Address; 6] = [ALICE, BOB, CAROL, DAVE, VICTIM, RESOLVER];
const RESOLVERS: [Address; 2] = [RESOLVER, RESOLVER2];

#[derive(Clone, Debug)]
enum Op {
    Stake(usize, u8),
    Unstake(usize, u8),
    Withdraw(usize),
    Claim(usize),
    Submit(usize, usize, u8),
    Corroborate(usize, usize, u8),
    Renew(usize, usize),
    /// `false`: without a bond (the victim standing in, or a wrong bond).
    Dispute(usize, u8, bool),
    Resolve(usize, u8, bool),
    Release(u8),
    Lapse(u8),
    EmergencyConfirm(usize, usize),
    EmergencyRemove(usize, usize),
    Warp(u32),
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..ACTORS.len();
    let subj = 0usize..4;
    let id = any::<u8>();
    let resolver = 0..RESOLVERS.len();
    prop_oneof![
        4 => (who.clone(), 1u8..30).prop_map(|(w, a)| Op::Stake(w, a)),
        2 => (who.clone(), 1u8..30).prop_map(|(w, a)| Op::Unstake(w, a)),
        1 => who.clone().prop_map(Op::Withdraw),
        2 => who.clone().prop_map(Op::Claim),
        6 => (who.clone(), subj.clone(), 0u8..3).prop_map(|(w, s, t)| Op::Submit(w, s, t)),
        12 => (who.clone(), subj.clone(), prop_oneof![8 => 0u8..=4, 1 => Just(5u8)]).prop_map(|(w, s, v)| Op::Corroborate(w, s, v)),
        2 => (who.clone(), subj.clone()).prop_map(|(w, s)| Op::Renew(w, s)),
        6 => (who.clone(), id, any::<bool>()).prop_map(|(w, i, b)| Op::Dispute(w, i, b)),
        6 => (resolver.clone(), id, any::<bool>()).prop_map(|(r, i, u)| Op::Resolve(r, i, u)),
        3 => id.prop_map(Op::Release),
        3 => id.prop_map(Op::Lapse),
        1 => (resolver.clone(), subj.clone()).prop_map(|(r, s)| Op::EmergencyConfirm(r, s)),
        1 => (resolver, subj).prop_map(|(r, s)| Op::EmergencyRemove(r, s)),
        8 => (0u32..(DAY as u32)).prop_map(Op::Warp),
        2 => (0u32..(16 * DAY as u32)).prop_map(Op::Warp),
    ]
}

/// A flag id from a random byte: one in eight is any id from 0 to one past the last; the others
/// are among the flags `useful` keeps (any flag if none), so calls find something to act on.
fn flag(env: &Env, i: u8, useful: impl Fn(&FlagInfo) -> bool) -> u32 {
    let count = env.reg.config().flagCount;
    if i.is_multiple_of(8) {
        return (i as u32 / 8) % (count + 2);
    }
    let ids: Vec<u32> = (1..=count).filter(|id| useful(&env.flag(*id))).collect();
    match ids.len() {
        0 => (i as u32) % (count + 2),
        n => ids[i as usize % n],
    }
}

fn open(f: &FlagInfo) -> bool {
    !f.settled
}

fn disputed(f: &FlagInfo) -> bool {
    !f.disputer.is_zero()
}

/// The defaults with three reporters a flag: six accounts then fill flags and displace each other.
fn rules() -> Params {
    let mut p = params();
    p.maxReporters = 3;
    p
}

fn subject_of(i: usize) -> B256 {
    [
        attacker(),
        victim(),
        subject::address(RESOLVER),
        subject::code_hash(B256::repeat_byte(1)),
    ][i]
}

fn apply(env: &mut Env, op: &Op) -> bool {
    let half = U256::from(ETH / 2);
    match *op {
        Op::Stake(w, a) => env.stake(ACTORS[w], half * U256::from(a)).is_ok(),
        Op::Unstake(w, a) => env
            .as_(ACTORS[w])
            .request_unstake(half * U256::from(a))
            .is_ok(),
        Op::Withdraw(w) => env.withdraw(ACTORS[w]).is_ok(),
        Op::Claim(w) => env.claim(ACTORS[w]).is_ok(),
        Op::Submit(w, s, t) => {
            let ttl = [DAY, 10 * DAY, 30 * DAY][t as usize];
            env.as_(ACTORS[w])
                .submit(subject_of(s), 1, 2, B256::ZERO, ttl)
                .is_ok()
        }
        Op::Corroborate(w, s, severity) => env
            .as_(ACTORS[w])
            .corroborate(subject_of(s), severity, B256::ZERO)
            .is_ok(),
        Op::Renew(w, s) => env.as_(ACTORS[w]).renew(subject_of(s)).is_ok(),
        Op::Dispute(w, id, bonded) => {
            let bond = if bonded {
                params().disputeBond
            } else {
                U256::ZERO
            };
            let id = flag(env, id, open);
            env.dispute(ACTORS[w], id, bond).is_ok()
        }
        Op::Resolve(r, id, upheld) => {
            let id = flag(env, id, disputed);
            env.as_(RESOLVERS[r])
                .resolve(id, upheld, B256::ZERO)
                .is_ok()
        }
        Op::Release(id) => {
            let id = flag(env, id, open);
            env.as_(DAVE).release(id).is_ok()
        }
        Op::Lapse(id) => {
            let id = flag(env, id, disputed);
            env.as_(CAROL).lapse_dispute(id).is_ok()
        }
        Op::EmergencyConfirm(r, s) => env
            .as_(RESOLVERS[r])
            .emergency_confirm(subject_of(s), 2, 3, DAY, B256::ZERO)
            .is_ok(),
        Op::EmergencyRemove(r, s) => env
            .as_(RESOLVERS[r])
            .emergency_remove(subject_of(s), B256::ZERO)
            .is_ok(),
        Op::Warp(secs) => {
            env.warp(secs as u64);
            true
        }
    }
}

/// Every invariant that must hold between transactions. `expiries` and `banned` carry what was
/// seen before: expiries never shrink, a rejected reporter never reports again.
fn check(
    env: &Env,
    expiries: &mut BTreeMap<u32, u64>,
    banned: &mut Vec<Address>,
) -> Result<(), TestCaseError> {
    let p = rules();
    env.assert_balanced();
    env.assert_locks_cover_weight(&ACTORS);
    let mut stakes = U256::ZERO;
    for who in ACTORS {
        let r = env.reg.reporter_info(who);
        prop_assert!(r.locked + r.unbonding <= r.stake);
        prop_assert!(r.weight <= r.stake);
        stakes += r.stake;
        let joined = r.stake != U256::ZERO || r.reputation != 0 || banned.contains(&who);
        if joined {
            prop_assert!(r.reputation == 0 || (500..=1_000).contains(&r.reputation));
        }
        if banned.contains(&who) {
            prop_assert_eq!(r.reputation, 0, "a banned reporter regained reputation");
        } else if joined && r.reputation == 0 {
            banned.push(who);
        }
    }
    prop_assert_eq!(stakes, env.reg.accounting().stakes);
    let mut bonds = U256::ZERO;
    for id in 1..=env.reg.config().flagCount {
        let f = env.flag(id);
        bonds += f.disputeBond;
        prop_assert_eq!(f.disputer.is_zero(), f.disputeBond.is_zero());
        let seen = expiries.entry(id).or_insert(f.expiry);
        prop_assert!(f.expiry >= *seen, "flag {} expiry shrank", id);
        *seen = f.expiry;
        prop_assert!(f.reporters.len() <= p.maxReporters as usize);
        for w in &f.reporters {
            let (lock, weight) = env.report(id, *w);
            prop_assert!(
                weight <= lock && lock <= p.stakeCap,
                "flag {} report of {}",
                id,
                w
            );
        }
        let st = env.status(f.subject);
        if st.flagId != id || f.settled {
            continue;
        }
        // The subject's open flag: its score is exactly its reporters' weights.
        let weights: U256 = f.reporters.iter().map(|w| env.report(id, *w).1).sum();
        prop_assert_eq!(U256::from(st.score), weights);
        prop_assert_eq!(st.disputed, !f.disputer.is_zero());
        if st.level == Level::Confirmed as u8 && !st.finalized {
            prop_assert!(U256::from(st.score) >= p.confirmScore);
            prop_assert!(f.reporters.len() >= p.minReporters as usize);
        }
    }
    prop_assert_eq!(bonds, env.reg.accounting().disputeBonds);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// After every step: balance == stakes + dispute bonds + claimable + treasury; a failed call
    /// writes nothing; total stake is the sum of the reporters' stakes; each reporter's `locked`
    /// is the sum of its locks over unsettled flags and covers the weight it adds to live flags;
    /// an open flag's score is its reporters' weights; a confirmed flag governance did not
    /// finalize had the threshold and the reporters; escrowed bonds are the open disputes'; flags
    /// never shorten; a rejected reporter stays at zero reputation.
    #[test]
    fn books_and_locks_hold_after_any_sequence(
        stakes in prop::array::uniform6(1u8..40),
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        let mut env = Env::with_params(rules());
        // Start from warm stakes of any size, so reports and displacements happen early.
        for (who, half_eth) in ACTORS.iter().zip(stakes) {
            env.stake(*who, U256::from(half_eth as u128 * ETH / 2)).ok().unwrap();
        }
        env.warp(DAY);
        let (mut expiries, mut banned) = (BTreeMap::new(), Vec::new());
        for op in &ops {
            let before = env.vm.snapshot().storage;
            let ok = apply(&mut env, op);
            if !ok {
                prop_assert_eq!(written_since(&env, &before), vec![], "failed {:?} wrote state", op);
            }
            check(&env, &mut expiries, &mut banned)?;
        }
    }
}
