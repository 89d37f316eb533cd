// The live feed: every StatusChanged log of the registry, newest first. The subscription (eth_subscribe
// to logs over the WebSocket; polling over HTTP) starts when the page loads, before the history is read,
// so no change falls between the two; a change seen by both is kept once.
import type { Hex } from 'viem';
import { decodeWord, describe, eventAbi, logs, type Subject, type Vigil, type Word } from './chain';

export interface Change {
  subject: Subject;
  word: Word;
  block: bigint;
  tx: Hex;
  logIndex: number;
  /// Received from the subscription after the page loaded, not read from history.
  live: boolean;
}

const changes: Change[] = [];
const seen = new Set<string>();
const listeners = new Set<() => void>();
let state: 'starting' | 'subscribed' | 'failed' = 'starting';
let failure = '';
let historyRead = false;
let historyLoaded: () => void = () => {};
const history = new Promise<void>((resolve) => { historyLoaded = resolve; });

export function all(): readonly Change[] {
  return changes;
}

export function status(): string {
  return state === 'failed' ? `not following: ${failure}` : state;
}

/// Whether the changes before the page loaded have been read (the live ones arrive meanwhile too).
export function historyDone(): boolean {
  return historyRead;
}

/// Resolves once the history has been read (never, if reading it failed: the page says why).
export function whenHistoryRead(): Promise<void> {
  return history;
}

export function onChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function add(log: { args: Record<string, unknown>; blockNumber: bigint | null; transactionHash: Hex | null; logIndex: number | null }, live: boolean) {
  if (log.blockNumber === null || log.transactionHash === null || log.logIndex === null) return;
  const key = `${log.transactionHash}:${log.logIndex}`;
  if (seen.has(key)) return;
  seen.add(key);
  changes.push({
    subject: describe(log.args.subject as Hex),
    word: decodeWord(log.args.status as bigint),
    block: log.blockNumber,
    tx: log.transactionHash,
    logIndex: log.logIndex,
    live,
  });
  changes.sort((a, b) => (a.block === b.block ? b.logIndex - a.logIndex : a.block > b.block ? -1 : 1));
}

export async function start(vigil: Vigil) {
  const event = eventAbi(vigil.registry.abi, 'StatusChanged');
  vigil.client.watchEvent({
    address: vigil.registry.address,
    event: event as never,
    onLogs: (received) => {
      for (const log of received as never[]) add(log, true);
      state = 'subscribed';
      listeners.forEach((l) => l());
    },
    onError: (error) => {
      state = 'failed';
      failure = error.message;
      listeners.forEach((l) => l());
    },
  });
  state = 'subscribed';
  for (const log of await logs(vigil, vigil.registry.address, event)) add(log, false);
  historyRead = true;
  historyLoaded();
  listeners.forEach((l) => l());
}
