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
/// revert data is only copied when the guard reverts. Measured with a guard that does nothing: about 2,850
/// gas for the first guarded call of a transaction (2,600 of it is EIP-2929's cold account access) and about
/// 250-370 gas for later ones. The guard's own execution comes on top (a cached Stylus program reading up to
/// three storage words).
///
/// Proxies: `Guarded` is for NON-PROXY protocols. Its constructor registers `address(this)`, which behind a
/// proxy is the implementation, not the proxy that later calls `check`, so every check would fail with
/// `ProtocolNotRegistered(proxy)`. Upgradeable protocols inherit `GuardedUpgradeable` (below) instead and
/// call `_registerWithGuard(admin)` from their initializer, through the proxy.
///
/// Both share `GuardedBase`, which holds the guard, the modifiers and the errors.
abstract contract GuardedBase {
    /// @notice The CircuitGuard this contract asks before every guarded call.
    ICircuitGuard public immutable guard;

    /// @notice Gas the guard is guaranteed to receive for each `check`/`screen` call.
    /// @dev A Stylus program pays its entry cost (>= 352 gas cached, >= 8,832 uncached, plus size terms), up to
    /// three cold SLOADs (2,100 each), an SSTORE when a rate limit is charged or trips, a log, and needs
    /// >= 2,300 gas left to flush its storage cache even in a view. 50,000 covers the guard's worst path,
    /// uncached, with room to spare; real calls forward all remaining gas (63/64 of it), not just this.
    uint256 public constant GUARD_GAS_FLOOR = 50_000;

    /// @notice The modifiers revert with `GuardGasTooLow()` when less than this is left before the call.
    /// @dev GUARD_GAS_FLOOR plus the 1/64 that EIP-150 keeps back plus the cold-account access (2,600) and
    /// the call's own setup, so that the guard receives at least GUARD_GAS_FLOOR. Rounded up.
    uint256 public constant GUARD_MIN_GAS_LEFT = 53_600;

    /// @notice The guard passed to the constructor has no code (an EOA, or a wrong address).
    error GuardNotContract(address guard);
    /// @notice The admin passed to the constructor is the zero address (nobody could configure the policy).
    error GuardZeroAdmin();
    /// @notice Not enough gas was left to give the guard GUARD_GAS_FLOOR, or the guard ran out of gas.
    /// @dev Raise the transaction's gas limit. Without this the call would fail with empty revert data.
    error GuardGasTooLow();

    // ICircuitGuard.check.selector, .screen.selector and .credit.selector, shifted to the top 4 bytes of a word.
    // (Checked against the interface by the forge tests.)
    uint256 private constant _CHECK_SELECTOR = 0xa2099e46 << 224;
    uint256 private constant _SCREEN_SELECTOR = 0x204e83ee << 224;
    uint256 private constant _CREDIT_SELECTOR = 0x01bf624a << 224;
    // GuardGasTooLow() selector, shifted likewise.
    uint256 private constant _GAS_TOO_LOW = 0x6354fb46 << 224;

    /// @param guard_ The CircuitGuard (must have code). Stored as an immutable: in the bytecode, so reading it
    /// costs no SLOAD (and, behind a proxy, lives in the implementation: an upgrade may point elsewhere).
    constructor(ICircuitGuard guard_) {
        if (address(guard_).code.length == 0) revert GuardNotContract(address(guard_));
        guard = guard_;
    }

    /// @dev Registers `address(this)` with the guard, `admin` to configure its policies. The guard's own
    /// errors (e.g. already registered) bubble up.
    function _registerWithGuard(address admin) internal {
        if (admin == address(0)) revert GuardZeroAdmin();
        guard.registerProtocol(admin);
    }

    // The four modifiers inline the same few lines of assembly instead of calling a shared internal
    // function: that saves ~30 gas per guarded call (measured by test/forge/GuardedGas.t.sol), which is
    // worth ~100 bytes of bytecode per guarded function. Each one:
    //   1. reverts GuardGasTooLow() if less than GUARD_MIN_GAS_LEFT is left (so the guard gets >= the floor);
    //   2. writes the calldata at the free memory pointer without advancing it (scratch once the call returns);
    //   3. calls the guard with all remaining gas (EIP-150 keeps 1/64 back for us);
    //   4. on failure, if the guard returned no data and burnt (nearly) everything it was given, reverts
    //      GuardGasTooLow(); otherwise re-throws the guard's revert data exactly as it was.

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
            if iszero(call(gas(), g, 0, p, 100, 0, 0)) {
                if iszero(or(returndatasize(), gt(gas(), div(gasBefore, 64)))) {
                    mstore(0, _GAS_TOO_LOW)
                    revert(0, 4)
                }
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
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
            if iszero(call(gas(), g, 0, p, 100, 0, 0)) {
                if iszero(or(returndatasize(), gt(gas(), div(gasBefore, 64)))) {
                    mstore(0, _GAS_TOO_LOW)
                    revert(0, 4)
                }
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
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
            if iszero(staticcall(gas(), g, p, 68, 0, 0)) {
                if iszero(or(returndatasize(), gt(gas(), div(gasBefore, 64)))) {
                    mstore(0, _GAS_TOO_LOW)
                    revert(0, 4)
                }
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
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
            if iszero(call(gas(), g, 0, p, 68, 0, 0)) {
                if iszero(or(returndatasize(), gt(gas(), div(gasBefore, 64)))) {
                    mstore(0, _GAS_TOO_LOW)
                    revert(0, 4)
                }
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
        }
        _;
    }
}

/// @title Guarded: the base for ordinary (non-proxy) protocols. See GuardedBase for the modifiers.
abstract contract Guarded is GuardedBase {
    /// @param guard_ The CircuitGuard (must have code, else GuardNotContract).
    /// @param admin The account that will configure this protocol's policies on the guard and unpause it
    /// (a multisig, typically; not zero, else GuardZeroAdmin). It cannot be changed here: the guard owns the
    /// registration.
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
/// A new implementation must be built with the same guard (or the protocol registered with the new one).
abstract contract GuardedUpgradeable is GuardedBase {
    constructor(ICircuitGuard guard_) GuardedBase(guard_) {}
}
