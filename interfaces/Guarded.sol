// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {ICircuitGuard} from "./ICircuitGuard.sol";

/// @title Guarded: put a Vigil CircuitGuard in front of your protocol's functions.
/// @notice Inherit `Guarded` (below; `GuardedUpgradeable` behind a proxy), pass the guard and your admin to
/// its constructor, and add a modifier to each function that moves value:
///
/// ```solidity
/// contract Vault is Guarded {
///     constructor(ICircuitGuard guard, address admin) Guarded(guard, admin) {}
///     function withdraw(uint256 amount) external guardedAmount(amount) { ... }   // paused / flagged / rate limited
///     function deposit(uint256 amount) external guarded credits(Vault.withdraw.selector, amount) { ... }
///                                                                                // paused / flagged; refills withdraw's limit
///     function send(address to, uint256 amount) external guarded notFlagged(to) { ... } // also screens `to`
///     function emergencyExit() external { ... }                                  // deliberately unguarded
/// }
/// ```
///
/// - `guarded` asks the guard `check(msg.sender, msg.sig, 0)`: pauses (protocol-wide, per selector, by
///   advisory) and caller screening apply; no rate-limit budget is used.
/// - `guardedAmount(amount)` asks `check(msg.sender, msg.sig, amount)`: the same, plus the selector's token
///   bucket is charged `amount` (so pass the value that leaves the protocol, in the unit the policy uses).
/// - `notFlagged(account)` asks `screen(account, msg.sig)`: reverts if a counterparty (a recipient, an
///   `onBehalfOf`) is flagged under this selector's screening policy. It is a view, made with STATICCALL.
/// - `credits(outflow, amount)` tells the guard `credit(outflow, amount)`: `amount` came in, so the token
///   bucket of the outflow selector it offsets (e.g. `withdraw`'s) is refilled by it and the rate limit
///   meters NET outflow. Put it on value-in functions (deposit, repay) with the amount actually received. Then
///   a deposit back ends a breaker trip, so holding `withdraw` paused needs capital that stays withdrawn; and
///   a deposit and a withdrawal in one transaction (a flash loan) cancel out instead of tripping the breaker.
///
/// When the guard says no, its custom error (`ProtocolPaused`, `SelectorPaused`, `CallerFlagged`,
/// `AdvisoryActive`, `RateLimited`, `ProtocolNotRegistered`, see ICircuitGuard) is re-thrown by your
/// function byte for byte, so wallets, frontends and bots decode it against ICircuitGuard's ABI and can tell
/// the user what is blocked and until when. Use `ICircuitGuard.preview` to ask without reverting.
///
/// Exits: leave functions that let users take back their own funds (withdraw-own-collateral, repay,
/// emergency exit) unguarded, or at least without `guardedAmount`. A pause or a drained rate limit must never
/// trap honest users; Vigil's guard pauses whatever you put behind it.
///
/// Hot-path cost: the guard address is an `immutable` (in the bytecode, no SLOAD); each modifier is one
/// external CALL (STATICCALL for `notFlagged`) with a 100/68-byte calldata built in scratch memory, and the
/// revert data is only copied when the guard reverts; the outage handling runs only after a failure without
/// revert data. Measured inside the function with a guard that does nothing: 2,816 gas for the first guarded
/// call of a transaction (2,600 of it is EIP-2929's cold account access) and 302-319 gas for later ones. The
/// guard's own execution comes on top (a cached Stylus program reading a few storage words).
///
/// Outages: a Stylus program stops running when it expires (365 days after its activation or last keepalive)
/// and after an ArbOS Stylus upgrade, until someone re-activates it (`ArbWasm.activateProgram`, open to
/// anyone). Until then a call into it fails like an out-of-gas error. The modifiers tell the two apart by
/// asking ArbWasm, and revert `GuardUnavailable(guard)` rather than `GuardGasTooLow()`. If nobody re-activates
/// the guard, anyone may `reportGuardDown()`, and GUARD_OUTAGE_DELAY later your admin may `bypassGuard()`:
/// guarded functions then run unchecked until the guard runs again. GuardedBase's outage section weighs it.
///
/// Proxies: `Guarded` is for NON-PROXY protocols. Its constructor registers `address(this)`, which behind a
/// proxy is the implementation, not the proxy that later calls `check`, so every check would fail with
/// `ProtocolNotRegistered(proxy)`. Upgradeable protocols inherit `GuardedUpgradeable` (below) instead and
/// call `_registerWithGuard(admin)` from their initializer, through the proxy.
///
/// Both share `GuardedBase`, which holds the guard, the modifiers, the errors and the outage state (in an
/// ERC-7201 namespace, so it shifts no storage of yours and is safe behind a proxy).
abstract contract GuardedBase {
    /// @notice The CircuitGuard this contract asks before every guarded call.
    ICircuitGuard public immutable guard;

    /// @notice Gas the guard is guaranteed to receive for each `check`/`screen`/`credit` call.
    /// @dev A Stylus program pays its entry cost (>= 352 gas cached, >= 8,832 uncached, plus size terms), a cold
    /// account access and SLOAD per caller code hash it screens, a cold SLOAD (2,100) per word it reads, an
    /// SSTORE when a rate limit is charged or trips, a log, and needs >= 2,300 gas left to flush its storage
    /// cache even in a view. 60,000 covers the guard's paths, uncached, even the worst (53,432 gas, see
    /// GUARD_GAS_CAP); calls forward up to GUARD_GAS_CAP, not just this.
    uint256 public constant GUARD_GAS_FLOOR = 60_000;

    /// @notice The modifiers revert with `GuardGasTooLow()` when less than this is left before the call.
    /// @dev GUARD_GAS_FLOOR plus the 1/64 that EIP-150 keeps back plus the cold-account access (2,600) and
    /// the call's own setup, so that the guard receives at least GUARD_GAS_FLOOR. Rounded up.
    uint256 public constant GUARD_MIN_GAS_LEFT = 63_800;

    /// @notice The most gas one guard call is given.
    /// @dev Why a cap: a Stylus program that cannot run (expired, or not re-activated after an ArbOS Stylus
    /// upgrade) fails like an out-of-gas error, and Nitro consumes ALL the gas given to the call. Forwarding
    /// everything would let a dead guard take the whole transaction: nothing left to find out why, and, once
    /// the protocol bypasses it (below), nothing left for the function body. With the cap a dead guard costs
    /// a bounded amount, and a call with GUARD_GAS_CAP + GUARD_PROBE_GAS_LEFT + 2,000 left at the modifier
    /// can ask ArbWasm afterwards (eth_call and eth_estimateGas always can; with less, an outage reads as
    /// GuardGasTooLow, and a higher gas limit turns it into GuardUnavailable).
    /// The price: a live guard may not use more. The cap is 3.7 times the guard's worst path, 53,432 gas at
    /// issue 11 (four advisory tags, caller, origin and caller-code screening, a rate limit that trips,
    /// uncached), measured on the release wasm by devnet/tests/guard_outage.rs, which fails if the cap falls
    /// under three times it.
    /// Should a repricing ever push a path past the cap, the protocol's admin can drop the costly options
    /// (tags, origin screening) of that selector on the guard.
    uint256 public constant GUARD_GAS_CAP = 200_000;

    /// @notice Gas ArbWasm's `programVersion` is given when a guard call failed without revert data.
    /// @dev The precompile charges the code-hash read (2,600), ArbOS words (800 each) and its argument copy:
    /// about 4,300 gas. It hands back what it does not use, so the margin costs nothing.
    uint256 public constant GUARD_PROBE_GAS = 20_000;

    /// @notice Gas that must be left to ask ArbWasm; with less, the outcome is GuardGasTooLow.
    /// @dev GUARD_PROBE_GAS plus the 1/64 kept back, the code-prefix read, two cold SLOADs of the outage
    /// state (2,100 each) and the revert. A caller that starves the probe gets GuardGasTooLow, never
    /// GuardUnavailable and never the bypass: only ArbWasm's own error says the guard is down.
    uint256 public constant GUARD_PROBE_GAS_LEFT = 26_000;

    /// @notice How long a reported outage must last before the protocol's admin may bypass the guard.
    /// @dev Three days: longer than the two-day delay on Vigil's parameter changes, so switching the guard off
    /// is never a faster way to weaken protection than the timelocked paths; long enough, over a weekend,
    /// for anyone to re-activate the guard (ArbWasm.activateProgram is permissionless, one transaction),
    /// which ends the outage for every protocol at once; short enough that guarded functions do not stay
    /// frozen for long (exits stay open meanwhile).
    uint256 public constant GUARD_OUTAGE_DELAY = 3 days;

    /// @notice The outage state, in an ERC-7201 namespace so that neither a proxy's nor an inheriting
    /// contract's storage layout can collide with it. One state per protocol.
    /// @custom:storage-location erc7201:vigil.guarded.outage
    struct GuardOutage {
        // The only account that may bypass the guard: this protocol's admin on the guard, copied at
        // registration and by `syncGuardAdmin` (a dead guard cannot be asked).
        address admin;
        // When `outage` was first reported; zero when none is on record.
        uint64 reportedAt;
        // The admin has switched the guard off for `outage` (and for no other outage).
        bool bypassed;
        // Which outage: keccak256 of ArbWasm's error, ProgramExpired's age turned into the activation time,
        // so it stays the same while one outage lasts and changes once the guard is re-activated.
        bytes32 outage;
    }

    /// @notice The guard passed to the constructor has no code (an EOA, or a wrong address).
    error GuardNotContract(address guard);
    /// @notice The admin passed to the constructor is the zero address (nobody could configure the policy).
    error GuardZeroAdmin();
    /// @notice Not enough gas was left to give the guard GUARD_GAS_FLOOR, or the guard ran out of gas (it is
    /// running: ArbWasm says so, or it is not a Stylus program), or too little was left to ask ArbWasm.
    /// @dev Raise the transaction's gas limit. Without this the call would fail with empty revert data.
    error GuardGasTooLow();
    /// @notice The guard cannot run: ArbWasm says its program expired or must be re-activated after a Stylus
    /// upgrade. Not a verdict on the caller; see the guard outage runbook in docs/design.md.
    error GuardUnavailable(address guard);
    /// @notice `reportGuardDown`/`bypassGuard` while ArbWasm does not say the guard cannot run.
    error GuardNotDown(address guard);
    /// @notice `restoreGuard` by someone other than the admin while ArbWasm does not say the guard runs.
    error GuardNotRunning(address guard);
    /// @notice This outage is already on record, since `reportedAt`.
    error GuardOutageAlreadyReported(uint64 reportedAt);
    /// @notice No outage is on record, or the one on record is not the current one (report it first).
    error GuardOutageNotReported();
    /// @notice The outage on record is younger than GUARD_OUTAGE_DELAY; the bypass opens at `bypassableAt`.
    error GuardOutageDelay(uint64 bypassableAt);
    /// @notice The guard is already bypassed for this outage.
    error GuardAlreadyBypassed();
    /// @notice Only the admin on record (`guardOutage().admin`) may bypass the guard.
    error NotGuardAdmin(address account);

    /// @notice `admin` may now bypass the guard during an outage (registration, `syncGuardAdmin`).
    event GuardAdminSet(address indexed admin);
    /// @notice The guard cannot run and the outage `outage` is on record from now; `reason` is ArbWasm's error.
    event GuardReportedDown(address indexed guard, bytes32 indexed outage, bytes reason);
    /// @notice `admin` switched the guard off for `outage`: guarded functions run unchecked while it lasts.
    event GuardBypassed(address indexed guard, bytes32 indexed outage, address indexed admin);
    /// @notice The outage record (and any bypass) is cleared: the guard checks every guarded call again.
    event GuardRestored(address indexed guard, bytes32 indexed outage, bool wasBypassed);

    // ICircuitGuard.check.selector, .screen.selector and .credit.selector, shifted to the top 4 bytes of a word.
    // (Checked against the interface by the forge tests.)
    uint256 private constant _CHECK_SELECTOR = 0xa2099e46 << 224;
    uint256 private constant _SCREEN_SELECTOR = 0x204e83ee << 224;
    uint256 private constant _CREDIT_SELECTOR = 0x01bf624a << 224;
    // GuardGasTooLow() and this contract's checkGuardOutage() selectors, shifted likewise.
    uint256 private constant _GAS_TOO_LOW = 0x6354fb46 << 224;
    uint256 private constant _CHECK_OUTAGE_SELECTOR = 0xf053b5c8 << 224;
    // ICircuitGuard.protocolInfo.selector, shifted likewise.
    uint256 private constant _PROTOCOL_INFO_SELECTOR = 0xdf26aa33 << 224;

    // ArbWasm, Nitro's precompile for Stylus programs; `programVersion(address)`, shifted; its errors when a
    // program cannot run: ProgramNotActivated(), ProgramNeedsUpgrade(uint16,uint16), ProgramExpired(uint64).
    address private constant _ARB_WASM = 0x0000000000000000000000000000000000000071;
    uint256 private constant _PROGRAM_VERSION = 0xcc8f4e88 << 224;
    uint256 private constant _NOT_ACTIVATED = 0x6f809c4e;
    uint256 private constant _NEEDS_UPGRADE = 0x637d968f;
    uint256 private constant _EXPIRED = 0xc9b12e52;
    // The first three bytes of every Stylus program's code.
    uint256 private constant _STYLUS_PREFIX = 0xeff000;

    // What ArbWasm says of the guard (`_guardHealth`).
    uint256 private constant _UNKNOWN = 0;
    uint256 private constant _RUNNING = 1;
    uint256 private constant _DOWN = 2;

    // keccak256(abi.encode(uint256(keccak256("vigil.guarded.outage")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _OUTAGE_SLOT = 0xba4eea8c64408d845c5ef66ce73d9357a238c372b244b0aa16f9874021a9ca00;

    /// @param guard_ The CircuitGuard (must have code). Stored as an immutable: in the bytecode, so reading it
    /// costs no SLOAD (and, behind a proxy, lives in the implementation: an upgrade may point elsewhere).
    constructor(ICircuitGuard guard_) {
        if (address(guard_).code.length == 0) revert GuardNotContract(address(guard_));
        guard = guard_;
    }

    // ---- outage: report, bypass, restore --------------------------------------------------------------------
    //
    // The way out when the guard stops running and nobody re-activates it. Trade-off: during a bypass the
    // protocol has no pause, no screening and no rate limit. What bounds it:
    //   - only ArbWasm's own error counts as "down": a guard that reverts, with or without data, or runs out of
    //     gas, or a caller that starves the probe, never opens the bypass;
    //   - only the admin on record can open it, only GUARD_OUTAGE_DELAY after the outage was reported, and it
    //     is public (events) for that whole time;
    //   - it is tied to one outage: re-activating the guard ends it at once, for every protocol, whoever does
    //     it (the modifiers ask ArbWasm on every failure, so no transaction to this contract is needed), and
    //     a later outage needs a new report and a new delay;
    //   - a bypassed call still calls the guard first (reading the bypass on the hot path would cost every
    //     guarded call an SLOAD): it pays at most GUARD_GAS_CAP + the probe per modifier, not the whole limit.
    // The admin gains no power it lacks while the guard runs: on the guard it can already switch screening,
    // rate limits and tags off for its protocol. Exits (unguarded functions) work throughout.

    /// @notice The outage state: the admin on record, the outage on record, since when, and whether bypassed.
    function guardOutage() external view returns (GuardOutage memory) {
        GuardOutage storage s = _outageState();
        return GuardOutage(s.admin, s.reportedAt, s.bypassed, s.outage);
    }

    /// @notice Puts the current outage on record (anyone): starts GUARD_OUTAGE_DELAY. Reverts GuardNotDown
    /// unless ArbWasm says the guard cannot run now.
    function reportGuardDown() external {
        (uint256 health, bytes32 outage, bytes memory reason) = _guardHealth();
        if (health != _DOWN) revert GuardNotDown(address(guard));
        GuardOutage storage s = _outageState();
        if (s.outage == outage) revert GuardOutageAlreadyReported(s.reportedAt);
        s.outage = outage;
        s.reportedAt = uint64(block.timestamp);
        s.bypassed = false;
        emit GuardReportedDown(address(guard), outage, reason);
    }

    /// @notice The admin on record switches the guard off for the current outage, reported at least
    /// GUARD_OUTAGE_DELAY ago and still going on. Guarded functions then run without the guard until the guard
    /// runs again (or the admin calls `restoreGuard`).
    function bypassGuard() external {
        GuardOutage storage s = _outageState();
        if (msg.sender != s.admin) revert NotGuardAdmin(msg.sender);
        (uint256 health, bytes32 outage,) = _guardHealth();
        if (health != _DOWN) revert GuardNotDown(address(guard));
        if (s.outage != outage) revert GuardOutageNotReported();
        if (s.bypassed) revert GuardAlreadyBypassed();
        uint256 bypassableAt = uint256(s.reportedAt) + GUARD_OUTAGE_DELAY;
        if (block.timestamp < bypassableAt) revert GuardOutageDelay(uint64(bypassableAt));
        s.bypassed = true;
        emit GuardBypassed(address(guard), outage, msg.sender);
    }

    /// @notice Clears the outage record and any bypass: anyone once ArbWasm says the guard runs again, the
    /// admin on record at any time (to end its own bypass). The modifiers already ignore a bypass while the
    /// guard runs; this keeps the record honest for the next outage.
    function restoreGuard() external {
        GuardOutage storage s = _outageState();
        if (msg.sender != s.admin) {
            (uint256 health,,) = _guardHealth();
            if (health != _RUNNING) revert GuardNotRunning(address(guard));
        }
        bytes32 outage = s.outage;
        if (outage == 0) revert GuardOutageNotReported();
        bool wasBypassed = s.bypassed;
        s.outage = 0;
        s.reportedAt = 0;
        s.bypassed = false;
        emit GuardRestored(address(guard), outage, wasBypassed);
    }

    /// @notice Copies this protocol's admin from the guard (anyone): after `setAdmin` on the guard, or for a
    /// proxy upgraded from a version without this state. Needs a running guard.
    function syncGuardAdmin() external {
        address g = address(guard);
        address admin;
        assembly ("memory-safe") {
            mstore(0, _PROTOCOL_INFO_SELECTOR)
            mstore(4, address())
            // ProtocolInfo is a tuple of static fields: `admin` is its second word.
            let ok := staticcall(GUARD_GAS_CAP, g, 0, 36, 0, 64)
            if iszero(and(ok, gt(returndatasize(), 63))) {
                let p := mload(0x40)
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
            admin := mload(32)
            if shr(160, admin) { admin := 0 }
        }
        if (admin == address(0)) revert GuardZeroAdmin();
        _setGuardAdmin(admin);
    }

    /// @notice Why a guard call that took all its gas failed: reverts GuardUnavailable(guard) when ArbWasm says
    /// the guard cannot run, GuardGasTooLow when it can (or this chain has no ArbWasm); returns normally only
    /// while the admin's bypass covers the current outage, which is how the modifiers go on to the function
    /// body. A view: anyone may ask it. Behind a diamond proxy, route its selector like any other.
    function checkGuardOutage() external view {
        (uint256 health, bytes32 outage,) = _guardHealth();
        if (health != _DOWN) revert GuardGasTooLow();
        GuardOutage storage s = _outageState();
        if (!s.bypassed || s.outage != outage) revert GuardUnavailable(address(guard));
    }

    /// @dev Registers `address(this)` with the guard, `admin` to configure its policies (and to bypass the
    /// guard during an outage). The guard's own errors (e.g. already registered) bubble up.
    function _registerWithGuard(address admin) internal {
        if (admin == address(0)) revert GuardZeroAdmin();
        guard.registerProtocol(admin);
        _setGuardAdmin(admin);
    }

    function _setGuardAdmin(address admin) private {
        _outageState().admin = admin;
        emit GuardAdminSet(admin);
    }

    function _outageState() private pure returns (GuardOutage storage s) {
        assembly ("memory-safe") {
            s.slot := _OUTAGE_SLOT
        }
    }

    /// @dev What ArbWasm says of the guard now: _DOWN with the outage's fingerprint and ArbWasm's error,
    /// _RUNNING, or _UNKNOWN (no ArbWasm on this chain, or an answer it never gives). Code that is not a Stylus
    /// program is _RUNNING: nothing can expire. Reverts GuardGasTooLow if the probe could be starved.
    function _guardHealth() private view returns (uint256 health, bytes32 outage, bytes memory reason) {
        if (gasleft() < GUARD_PROBE_GAS_LEFT) revert GuardGasTooLow();
        address g = address(guard);
        assembly ("memory-safe") {
            health := _RUNNING
            extcodecopy(g, 0, 0, 3)
            if eq(shr(232, mload(0)), _STYLUS_PREFIX) {
                health := _UNKNOWN
                let p := mload(0x40)
                mstore(p, _PROGRAM_VERSION)
                mstore(add(p, 4), g)
                let ok := staticcall(GUARD_PROBE_GAS, _ARB_WASM, p, 36, 0, 0)
                let size := returndatasize()
                if and(ok, eq(size, 32)) { health := _RUNNING }
                // A failure's data is at most ProgramNeedsUpgrade's 68 bytes; an out-of-gas has none.
                if and(iszero(ok), and(gt(size, 3), lt(size, 69))) {
                    reason := p
                    mstore(reason, size)
                    returndatacopy(add(reason, 32), 0, size)
                    mstore(0x40, add(reason, 128))
                    let sel := shr(224, mload(add(reason, 32)))
                    if and(eq(sel, _EXPIRED), eq(size, 36)) {
                        health := _DOWN
                        mstore(0, shl(224, sel))
                        mstore(4, sub(timestamp(), mload(add(reason, 36))))
                        outage := keccak256(0, 36)
                    }
                    if or(and(eq(sel, _NOT_ACTIVATED), eq(size, 4)), and(eq(sel, _NEEDS_UPGRADE), eq(size, 68))) {
                        health := _DOWN
                        outage := keccak256(add(reason, 32), size)
                    }
                }
            }
        }
    }

    // The four modifiers inline the same few lines of assembly instead of calling a shared internal
    // function: that saves ~30 gas per guarded call (measured by test/forge/GuardedGas.t.sol), which is
    // worth ~100 bytes of bytecode per guarded function. Each one:
    //   1. reverts GuardGasTooLow() if less than GUARD_MIN_GAS_LEFT is left (so the guard gets >= the floor);
    //   2. writes the calldata at the free memory pointer without advancing it (scratch once the call returns);
    //   3. calls the guard with at most GUARD_GAS_CAP (EIP-150 keeps 1/64 back for us when less is left);
    //   4. on failure, re-throws the guard's revert data exactly as it was; with no data, if the guard gave
    //      gas back, re-throws its empty revert; if it took everything, asks `checkGuardOutage` (a STATICCALL
    //      to this contract) and re-throws its GuardGasTooLow or GuardUnavailable, or, during a bypass, goes
    //      on to the function body. The rare path re-enters through the dispatcher because assembly cannot
    //      call a Solidity function, and a Solidity-level branch after the block would cost every guarded
    //      call ~17 gas (measured); this way the hot path pays 1 gas (PUSH3 instead of GAS) for all of it.

    /// @notice Reverts with the guard's error unless `check(msg.sender, msg.sig, 0)` passes.
    /// @dev For functions with no amount to rate-limit (or inflows such as deposits).
    modifier guarded() {
        address g = address(guard);
        assembly ("memory-safe") {
            let gasBefore := gas()
            if lt(gasBefore, GUARD_MIN_GAS_LEFT) {
                mstore(0, _GAS_TOO_LOW)
                revert(0, 4)
            }
            let p := mload(0x40)
            mstore(p, _CHECK_SELECTOR)
            mstore(add(p, 4), caller())
            // msg.sig: the first 4 bytes of calldata (zero-padded if shorter, exactly like Solidity's msg.sig).
            mstore(add(p, 36), and(calldataload(0), shl(224, 0xffffffff)))
            mstore(add(p, 68), 0)
            if iszero(call(GUARD_GAS_CAP, g, 0, p, 100, 0, 0)) {
                let size := returndatasize()
                if size {
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
                let most := sub(gasBefore, shr(6, gasBefore))
                if gt(most, GUARD_GAS_CAP) { most := GUARD_GAS_CAP }
                if lt(sub(gasBefore, gas()), most) { revert(0, 0) }
                mstore(0, _CHECK_OUTAGE_SELECTOR)
                if iszero(staticcall(gas(), address(), 0, 4, 0, 0)) {
                    size := returndatasize()
                    if iszero(size) {
                        mstore(0, _GAS_TOO_LOW)
                        revert(0, 4)
                    }
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
            }
        }
        _;
    }

    /// @notice Reverts with the guard's error unless `check(msg.sender, msg.sig, amount)` passes; a pass
    /// charges `amount` to the selector's rate limit.
    modifier guardedAmount(uint256 amount) {
        address g = address(guard);
        assembly ("memory-safe") {
            let gasBefore := gas()
            if lt(gasBefore, GUARD_MIN_GAS_LEFT) {
                mstore(0, _GAS_TOO_LOW)
                revert(0, 4)
            }
            let p := mload(0x40)
            mstore(p, _CHECK_SELECTOR)
            mstore(add(p, 4), caller())
            mstore(add(p, 36), and(calldataload(0), shl(224, 0xffffffff)))
            mstore(add(p, 68), amount)
            if iszero(call(GUARD_GAS_CAP, g, 0, p, 100, 0, 0)) {
                let size := returndatasize()
                if size {
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
                let most := sub(gasBefore, shr(6, gasBefore))
                if gt(most, GUARD_GAS_CAP) { most := GUARD_GAS_CAP }
                if lt(sub(gasBefore, gas()), most) { revert(0, 0) }
                mstore(0, _CHECK_OUTAGE_SELECTOR)
                if iszero(staticcall(gas(), address(), 0, 4, 0, 0)) {
                    size := returndatasize()
                    if iszero(size) {
                        mstore(0, _GAS_TOO_LOW)
                        revert(0, 4)
                    }
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
            }
        }
        _;
    }

    /// @notice Reverts with `CallerFlagged(account, level)` if `account` is flagged under the screening policy
    /// of this function's selector. Use it for counterparties; the caller is already screened by `guarded`.
    /// @dev A STATICCALL: screening can never change the guard's state.
    modifier notFlagged(address account) {
        address g = address(guard);
        assembly ("memory-safe") {
            let gasBefore := gas()
            if lt(gasBefore, GUARD_MIN_GAS_LEFT) {
                mstore(0, _GAS_TOO_LOW)
                revert(0, 4)
            }
            let p := mload(0x40)
            mstore(p, _SCREEN_SELECTOR)
            mstore(add(p, 4), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(p, 36), and(calldataload(0), shl(224, 0xffffffff)))
            if iszero(staticcall(GUARD_GAS_CAP, g, p, 68, 0, 0)) {
                let size := returndatasize()
                if size {
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
                let most := sub(gasBefore, shr(6, gasBefore))
                if gt(most, GUARD_GAS_CAP) { most := GUARD_GAS_CAP }
                if lt(sub(gasBefore, gas()), most) { revert(0, 0) }
                mstore(0, _CHECK_OUTAGE_SELECTOR)
                if iszero(staticcall(gas(), address(), 0, 4, 0, 0)) {
                    size := returndatasize()
                    if iszero(size) {
                        mstore(0, _GAS_TOO_LOW)
                        revert(0, 4)
                    }
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
            }
        }
        _;
    }

    /// @notice Tells the guard that `amount` came in, refilling the rate limit of the `outflow` selector (the
    /// function whose outflows this inflow offsets) by it; reverts with the guard's error if the call fails.
    /// @dev Credit only value that really arrived, in the unit the limit uses: the guard cannot check it, and
    /// an inflated credit loosens your own limit (never anyone else's: a protocol credits only its buckets).
    /// Within one second the credit counts in full against that second's withdrawals; above the bucket's
    /// capacity it lapses when the second ends, so inflows never bank headroom for later.
    modifier credits(bytes4 outflow, uint256 amount) {
        address g = address(guard);
        assembly ("memory-safe") {
            let gasBefore := gas()
            if lt(gasBefore, GUARD_MIN_GAS_LEFT) {
                mstore(0, _GAS_TOO_LOW)
                revert(0, 4)
            }
            let p := mload(0x40)
            mstore(p, _CREDIT_SELECTOR)
            mstore(add(p, 4), and(outflow, shl(224, 0xffffffff)))
            mstore(add(p, 36), amount)
            if iszero(call(GUARD_GAS_CAP, g, 0, p, 68, 0, 0)) {
                let size := returndatasize()
                if size {
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
                let most := sub(gasBefore, shr(6, gasBefore))
                if gt(most, GUARD_GAS_CAP) { most := GUARD_GAS_CAP }
                if lt(sub(gasBefore, gas()), most) { revert(0, 0) }
                mstore(0, _CHECK_OUTAGE_SELECTOR)
                if iszero(staticcall(gas(), address(), 0, 4, 0, 0)) {
                    size := returndatasize()
                    if iszero(size) {
                        mstore(0, _GAS_TOO_LOW)
                        revert(0, 4)
                    }
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
            }
        }
        _;
    }
}

/// @title Guarded: the base for ordinary (non-proxy) protocols. See GuardedBase for the modifiers.
abstract contract Guarded is GuardedBase {
    /// @param guard_ The CircuitGuard (must have code, else GuardNotContract).
    /// @param admin The account that will configure this protocol's policies on the guard and unpause it, and
    /// may bypass the guard during a long outage (a multisig, typically; not zero, else GuardZeroAdmin). It is
    /// changed on the guard (`setAdmin`), then copied here by anyone with `syncGuardAdmin`.
    /// @dev Registers `address(this)` with the guard; its errors (e.g. already registered) abort the deployment.
    constructor(ICircuitGuard guard_, address admin) GuardedBase(guard_) {
        _registerWithGuard(admin);
    }
}

/// @title GuardedUpgradeable: the base for protocols behind a proxy (ERC-1967, UUPS, transparent, beacon).
/// @notice The implementation's constructor takes the guard (kept as an immutable in the implementation's
/// code, so the proxy reads it for free through DELEGATECALL); the proxy registers itself by calling
/// `_registerWithGuard(admin)` from its initializer, which runs in the proxy's context:
///
/// ```solidity
/// contract VaultV1 is GuardedUpgradeable, Initializable {
///     constructor(ICircuitGuard guard) GuardedUpgradeable(guard) { _disableInitializers(); }
///     function initialize(address admin) external initializer { _registerWithGuard(admin); }
/// }
/// ```
/// A new implementation must be built with the same guard (or the protocol registered with the new one). A proxy
/// upgraded from a version of Guarded without the outage state has no admin on record: call `syncGuardAdmin`.
abstract contract GuardedUpgradeable is GuardedBase {
    constructor(ICircuitGuard guard_) GuardedBase(guard_) {}
}
