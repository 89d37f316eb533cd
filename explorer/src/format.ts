// How values read on chain are shown: the same names and units as `vigil status` (cli/src/status.rs).
import { formatEther, toFunctionSelector, type Hex } from 'viem';

export const LEVELS = ['none', 'pending', 'watch', 'confirmed', 'removed', 'expired'];
export const CATEGORIES = ['none', 'exploit', 'phishing', 'sanctions', 'compromised key', 'vulnerable code', 'scam', 'other'];
export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'];
export const SCREENING = ['confirmed flags', 'watch and above', 'off'];

export function named(table: string[], value: number): string {
  return table[value] ?? 'unknown';
}

export function ether(wei: bigint): string {
  return `${formatEther(wei)} ETH`;
}

/// A duration to the minute ("6d 23h 59m"), or in seconds under a minute.
export function span(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const [d, hr, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return `${d}d ${hr}h ${m}m`;
  if (hr > 0) return `${hr}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function utc(time: number | bigint): string {
  return new Date(Number(time) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function relative(time: number, now: number): string {
  return time > now ? `in ${span(time - now)}` : `${span(now - time)} ago`;
}

export function short(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex;
}

/// Selectors that guarded protocols commonly configure, by name; any other shows as its 4 bytes.
const KNOWN = [
  'withdraw(uint256)', 'deposit(uint256)', 'redeem(uint256)', 'borrow(uint256)', 'repay(uint256)',
  'transfer(address,uint256)', 'transferFrom(address,address,uint256)', 'approve(address,uint256)',
  'mint(address,uint256)', 'burn(uint256)', 'claim()', 'swap(uint256,uint256)',
];
const SELECTOR_NAMES = new Map(KNOWN.map((sig) => [toFunctionSelector(sig), sig.slice(0, sig.indexOf('('))]));

export const ANY_SELECTOR: Hex = '0x00000000';

export function selectorName(selector: Hex | null): string {
  if (selector === null || selector === ANY_SELECTOR) return 'any other function';
  const name = SELECTOR_NAMES.get(selector);
  return name ? `${name} (${selector})` : selector;
}
