// The chain: the page's config (from `vigil explorer`'s config.json, or the URL), one viem client, and
// the few derived reads every view shares. The page speaks JSON-RPC to the node itself; over the
// WebSocket when one is configured (the local node serves it on its HTTP port; one connection carries
// the reads and the live feed), else over HTTP, which the local node opens to other origins (CORS).
import {
  createPublicClient, defineChain, getAddress, http, isAddress, isHex, keccak256, toHex, webSocket,
  type AbiEvent, type Address, type Hex, type PublicClient,
} from 'viem';
import { circuitGuardAbi, threatRegistryAbi } from './generated/abi';

export interface Config {
  chainId: number;
  rpcUrl: string;
  wsUrl: string | null;
  registry: Address;
  guard: Address;
  /// The deployment's first block: where the logs the views read start.
  fromBlock: bigint;
}

/// config.json next to the page, then `?rpc=&ws=&registry=&guard=&from=` in the URL over it (so the
/// static files work from any host against any deployment).
export async function loadConfig(): Promise<Config> {
  let file: Record<string, unknown> = {};
  const response = await fetch('config.json', { cache: 'no-store' }).catch(() => null);
  if (response?.ok) file = await response.json();
  const params = new URLSearchParams(location.search);
  const pick = (key: string, param: string) => params.get(param) ?? (file[key] as string | number | null | undefined);
  const registry = pick('registry', 'registry');
  const guard = pick('guard', 'guard');
  const rpcUrl = pick('rpcUrl', 'rpc');
  if (typeof registry !== 'string' || !isAddress(registry) || typeof guard !== 'string' || !isAddress(guard) || typeof rpcUrl !== 'string') {
    throw new Error('no deployment to show: serve the page with `vigil explorer`, or give ?rpc=URL&registry=0x…&guard=0x… in the address');
  }
  const ws = pick('wsUrl', 'ws');
  return {
    chainId: Number(pick('chainId', 'chain') ?? 0),
    rpcUrl,
    wsUrl: typeof ws === 'string' && ws !== '' ? ws : null,
    registry: getAddress(registry),
    guard: getAddress(guard),
    fromBlock: BigInt(pick('fromBlock', 'from') ?? 0),
  };
}

const NAMES: Record<number, string> = { 412346: 'local node', 421614: 'Arbitrum Sepolia', 42161: 'Arbitrum One' };

export function chainName(id: number): string {
  return NAMES[id] ?? `chain ${id}`;
}

export interface Vigil {
  config: Config;
  client: PublicClient;
  registry: { address: Address; abi: typeof threatRegistryAbi };
  guard: { address: Address; abi: typeof circuitGuardAbi };
}

export async function connect(config: Config): Promise<Vigil> {
  const transport = config.wsUrl ? webSocket(config.wsUrl, { retryCount: 2 }) : http(config.rpcUrl);
  const chain = defineChain({
    id: config.chainId,
    name: chainName(config.chainId),
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl], webSocket: config.wsUrl ? [config.wsUrl] : undefined } },
  });
  const client = createPublicClient({ chain, transport }) as PublicClient;
  const id = await client.getChainId();
  if (config.chainId !== 0 && id !== config.chainId) {
    throw new Error(`the RPC at ${config.rpcUrl} is chain ${id}, not chain ${config.chainId} of the deployment`);
  }
  config.chainId = id;
  return {
    config,
    client,
    registry: { address: config.registry, abi: threatRegistryAbi },
    guard: { address: config.guard, abi: circuitGuardAbi },
  };
}

/// Blocks per eth_getLogs: public RPCs cap a query's range (as `vigil feed` does, cli/src/feed.rs).
const RANGE = 10_000n;

/// Every log of `event` at `address` from the deployment's first block, in chain order, read in
/// ranges of RANGE blocks.
export async function logs<E extends AbiEvent>(vigil: Vigil, address: Address, event: E, args?: Record<string, unknown>) {
  const latest = await vigil.client.getBlockNumber();
  const out = [];
  for (let from = vigil.config.fromBlock; from <= latest; from += RANGE) {
    const to = from + RANGE - 1n < latest ? from + RANGE - 1n : latest;
    out.push(...(await vigil.client.getLogs({ address, event, args, fromBlock: from, toBlock: to, strict: true } as never)));
  }
  return out as unknown as Array<{ args: Record<string, unknown>; blockNumber: bigint; transactionHash: Hex; logIndex: number }>;
}

export function eventAbi<A extends readonly { type: string; name?: string }[]>(abi: A, name: string): AbiEvent {
  const event = abi.find((item) => item.type === 'event' && item.name === name);
  if (!event) throw new Error(`the generated ABI has no event ${name}`);
  return event as unknown as AbiEvent;
}

/// The latest block's time: what expiries and deadlines are measured against (the chain's clock,
/// which a local node may have moved ahead of the wall clock).
export async function chainNow(vigil: Vigil): Promise<number> {
  const block = await vigil.client.getBlock({ blockTag: 'latest' });
  return Number(block.timestamp);
}

// Subjects (design §2.1; cli/src/subject.rs): byte 0 tags the kind.
const ADDRESS = 1;
const CODE_HASH = 2;
const ADVISORY = 3;

export type Kind = 'address' | 'code hash' | 'advisory';

export interface Subject {
  word: Hex;
  kind: Kind;
  /// The subject as users write it.
  name: string;
  address?: Address;
}

function tagged(tag: number, value: Hex): Hex {
  return `0x${tag.toString(16).padStart(2, '0')}${value.slice(4)}` as Hex;
}

/// What a user typed, in the CLI's syntax: 0x address, code:0x hash, advisory:name or advisory:0x id,
/// or a subject word (0x and 64 hex digits).
export function parseSubject(input: string): Subject {
  const text = input.trim();
  if (text.startsWith('code:')) {
    const hash = text.slice(5);
    if (!isHex(hash) || hash.length !== 66) throw new Error('a code hash is code:0x and 64 hex digits');
    return describe(tagged(CODE_HASH, hash.toLowerCase() as Hex));
  }
  if (text.startsWith('advisory:')) {
    const id = text.slice(9);
    if (id === '') throw new Error('the advisory has no name: advisory:<name> or advisory:0x<id>');
    const hash = isHex(id) && id.length === 66 ? (id.toLowerCase() as Hex) : keccak256(toHex(id));
    const subject = describe(tagged(ADVISORY, hash));
    return isHex(id) ? subject : { ...subject, name: `advisory:${id}` };
  }
  if (isHex(text) && text.length === 42) return describe(ofAddress(getAddress(text)));
  if (isHex(text) && text.length === 66) return describe(text.toLowerCase() as Hex);
  throw new Error(`"${text}" is not a subject: write an address (0x and 40 hex digits), code:0x<hash>, advisory:<name>, or a subject word`);
}

export function ofAddress(account: Address): Hex {
  return `0x01${'0'.repeat(22)}${account.slice(2).toLowerCase()}` as Hex;
}

export function describe(word: Hex): Subject {
  const tag = parseInt(word.slice(2, 4), 16);
  if (tag === ADDRESS && /^0{22}$/.test(word.slice(4, 26))) {
    const address = getAddress(`0x${word.slice(26)}`);
    return { word, kind: 'address', name: address, address };
  }
  if (tag === CODE_HASH) return { word, kind: 'code hash', name: `code:${word}` };
  if (tag === ADVISORY) return { word, kind: 'advisory', name: `advisory:${word}` };
  throw new Error(`${word} is not a subject: its first byte is not 01, 02 or 03`);
}

/// A status word (design §2.2), as StatusChanged logs carry it and the guard stores it.
export interface Word {
  level: number;
  disputed: boolean;
  finalized: boolean;
  category: number;
  severity: number;
  flagId: number;
  expiry: number;
  score: bigint;
}

export function decodeWord(word: bigint): Word {
  const low = word & 0xffffffffffffffffn;
  return {
    level: Number(low & 0xffn),
    disputed: ((low >> 8n) & 1n) === 1n,
    finalized: ((low >> 9n) & 1n) === 1n,
    category: Number((low >> 16n) & 0xffn),
    severity: Number((low >> 24n) & 0xffn),
    flagId: Number((low >> 32n) & 0xffffffffn),
    expiry: Number((word >> 64n) & 0xffffffffffffffffn),
    score: word >> 128n,
  };
}

/// The level the guard acts on now: a live level past its expiry has no effect (5, expired).
export function liveLevel(word: Word, now: number): number {
  return word.level >= 1 && word.level <= 3 && now >= word.expiry ? 5 : word.level;
}

/// The protocols registered at the guard, in registration order.
export async function protocols(vigil: Vigil): Promise<Address[]> {
  const registered = await logs(vigil, vigil.guard.address, eventAbi(vigil.guard.abi, 'ProtocolRegistered'));
  return [...new Set(registered.map((l) => getAddress(l.args.protocol as string)))];
}
