// The views. Each reads what it shows when it is opened, from the registry and the guard, the way the
// CLI reads the same data (cli/src/status.rs, governance.rs, protocol.rs, reporter.rs).
import {
  createWalletClient, custom, decodeErrorResult, encodeFunctionData, formatUnits, getAddress, isHex, keccak256, toHex, zeroAddress,
  type Address, type Hex,
} from 'viem';
import {
  chainName, chainNow, decodeWord, describe, eventAbi, liveLevel, logs, parseSubject, protocols,
  type Subject, type Vigil,
} from './chain';
import { countdown, setChainTime } from './clock';
import { card, facts, h, table, type Child } from './dom';
import * as feed from './feed';
import {
  ANY_SELECTOR, CATEGORIES, LEVELS, SCREENING, SEVERITIES, ether, named, selectorName, short, utc,
} from './format';
import { batch, type Batch } from './safe';

function badge(text: string, kind: string, testid?: string): HTMLElement {
  return h('span', { class: `badge ${kind}`, ...(testid ? { 'data-testid': testid } : {}) }, text);
}

function levelBadge(level: number, testid?: string): HTMLElement {
  const name = named(LEVELS, level);
  return badge(name, `level-${name}`, testid);
}

function subjectLink(subject: Subject): HTMLElement {
  return h('a', { href: `#/s/${encodeURIComponent(subject.name)}`, class: 'mono' }, subject.kind === 'address' ? subject.name : short(subject.word));
}

function addressLink(address: Address, view: 'reporter' | 'protocol' | 's' = 's'): HTMLElement {
  return h('a', { href: `#/${view}/${address}`, class: 'mono', title: address }, address);
}

async function now(vigil: Vigil): Promise<number> {
  const t = await chainNow(vigil);
  setChainTime(t);
  return t;
}

/// The guard's revert for a refused call, decoded by its ABI.
function revertReason(vigil: Vigil, data: Hex): { name: string; args: readonly unknown[] } {
  try {
    const decoded = decodeErrorResult({ abi: vigil.guard.abi, data });
    return { name: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return { name: `revert ${data}`, args: [] };
  }
}

// ---------------------------------------------------------------- home

export async function home(vigil: Vigil): Promise<HTMLElement> {
  const [config, params, t] = await Promise.all([
    vigil.client.readContract({ ...vigil.registry, functionName: 'config' }),
    vigil.client.readContract({ ...vigil.registry, functionName: 'paramsAt', args: [0] }),
    now(vigil),
    feed.whenHistoryRead(),
  ]);
  const recent = feed.all().slice(0, 5);
  return h('div', {},
    h('h1', {}, 'Vigil on ', chainName(vigil.config.chainId)),
    card('Deployment', facts([
      ['registry', h('span', { class: 'mono' }, vigil.registry.address)],
      ['guard', h('span', { class: 'mono' }, vigil.guard.address)],
      ['flags so far', config.flagCount],
      ['new reports', config.submissionsPaused ? 'paused by governance' : 'open'],
      ['watch at', ether(params.watchScore)],
      ['confirmed at', `${ether(params.confirmScore)} with at least ${params.minReporters} reporters`],
      ['dispute bond', ether(params.disputeBond)],
      ['chain time', utc(t)],
    ])),
    card('Latest status changes', recent.length === 0 ? h('p', { class: 'muted' }, 'none yet') : changeList(recent),
      h('p', {}, h('a', { href: '#/feed' }, 'the whole feed, live'))),
  );
}

// ---------------------------------------------------------------- subject

export async function subject(vigil: Vigil, query: string): Promise<HTMLElement> {
  const s = parseSubject(query);
  const [t, current, word] = await Promise.all([
    now(vigil),
    vigil.client.readContract({ ...vigil.registry, functionName: 'statusOf', args: [s.word] }),
    vigil.client.readContract({ ...vigil.guard, functionName: 'statusWord', args: [s.word] }),
  ]);
  const out = h('div', { 'data-testid': 'subject', 'data-subject': s.word },
    h('h1', {}, s.kind, ' ', h('span', { class: 'mono' }, s.name)));
  const guardWord = decodeWord(word);
  const inSync = liveLevel(guardWord, t) === current.level && guardWord.flagId === current.flagId
    && guardWord.expiry === Number(current.expiry) && guardWord.score === current.score
    && guardWord.disputed === current.disputed && guardWord.finalized === current.finalized;
  if (current.flagId === 0) {
    out.append(card('Status', h('p', {}, levelBadge(0, 'level'), ' never flagged: the registry has no flag on it')));
  } else {
    out.append(await flagCard(vigil, s, current, t));
  }
  if (s.address) {
    const info = await vigil.client.readContract({ ...vigil.guard, functionName: 'protocolInfo', args: [s.address] });
    out.append(h('p', {}, 'See ', addressLink(s.address, 'reporter'), ' as a reporter',
      info.registered ? [' or ', h('a', { href: `#/protocol/${s.address}` }, 'as a protocol')] : null, '.'));
  }
  out.append(await guardCard(vigil, s, guardWord, inSync, t));
  return out;
}

type SubjectStatus = { level: number; disputed: boolean; finalized: boolean; category: number; severity: number; flagId: number; expiry: bigint; score: bigint };

async function flagCard(vigil: Vigil, s: Subject, current: SubjectStatus, t: number): Promise<HTMLElement> {
  const info = await vigil.client.readContract({ ...vigil.registry, functionName: 'flagInfo', args: [current.flagId] });
  const [rules, reports, revealed] = await Promise.all([
    vigil.client.readContract({ ...vigil.registry, functionName: 'paramsAt', args: [info.rulesVersion] }),
    Promise.all(info.reporters.map((reporter) =>
      vigil.client.readContract({ ...vigil.registry, functionName: 'reportOf', args: [current.flagId, reporter] }))),
    s.kind === 'advisory'
      ? logs(vigil, vigil.registry.address, eventAbi(vigil.registry.abi, 'AdvisoryRevealed'), { subject: s.word })
      : Promise.resolve([]),
  ]);
  const expiry = Number(current.expiry);
  const score = current.score;
  const percent = rules.confirmScore === 0n ? 100 : Number((score * 100n) / rules.confirmScore);
  const disputableUntil = !current.finalized && !info.settled ? expiry + Number(rules.disputeWindow) : null;
  const level = h('span', {}, levelBadge(current.level, 'level'),
    current.disputed ? [' ', badge('disputed', 'level-watch', 'disputed')] : null,
    current.finalized ? [' ', badge('final', 'level-confirmed')] : null);
  return card(`Flag #${current.flagId}`,
    facts([
      ['level', level],
      ['category', `${named(CATEGORIES, current.category)}, ${named(SEVERITIES, current.severity)} severity`],
      ['score', h('div', {},
        h('div', { class: 'score' }, `${ether(score)} of ${ether(rules.confirmScore)} to confirm (watch at ${ether(rules.watchScore)}; at least ${rules.minReporters} reporters)`),
        h('div', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.min(percent, 100), 'aria-label': 'score against the confirmation threshold' },
          h('span', { style: `width:${Math.min(percent, 100)}%` })))],
      ['evidence', h('span', { class: 'mono' }, info.evidence)],
      ['created', `${utc(info.created)}`],
      [expiry > t ? 'expires' : 'expired', h('span', {}, utc(expiry), ' (', countdown(expiry), ')')],
      ['dispute', info.disputer === zeroAddress
        ? 'none open'
        : h('span', { 'data-testid': 'dispute-state' }, 'opened by ', addressLink(info.disputer), ` with a bond of ${ether(info.disputeBond)}; a resolver decides, or anyone lapses it `,
          countdown(Number(info.disputedAt) + Number(rules.disputeDeadline)))],
      ['disputable', disputableUntil !== null && disputableUntil > t ? h('span', {}, 'until ', utc(disputableUntil), ' (', countdown(disputableUntil), ')') : null],
      ['settled', info.settled ? 'its locks are released or slashed' : null],
      ['rules', `version ${info.rulesVersion}`],
    ]),
    h('h2', {}, `Reporters (${info.reporters.length} of at most ${rules.maxReporters})`),
    table(['reporter', 'weight', 'locked'], info.reporters.map((r, i) => [
      addressLink(r, 'reporter'), ether(reports[i]!.weight), ether(reports[i]!.locked),
    ]), { 'data-testid': 'reporters' }),
    revealed.length > 0
      ? [h('h2', {}, 'Revealed details'), revealed.filter((e) => e.args.flagId === current.flagId).map((e) =>
        h('p', {}, 'by ', addressLink(e.args.reporter as Address, 'reporter'), ': ', h('code', {}, readable(e.args.details as Hex))))]
      : null,
  );
}

/// Details as text when they are printable UTF-8, else as hex.
function readable(data: Hex): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array((data.slice(2).match(/../g) ?? []).map((b) => parseInt(b, 16))));
    return /[\u0000-\u001f\u007f]/.test(text) ? data : text;
  } catch {
    return data;
  }
}

async function guardCard(vigil: Vigil, s: Subject, word: ReturnType<typeof decodeWord>, inSync: boolean, t: number): Promise<HTMLElement> {
  const registered = await protocols(vigil);
  const synced = await logs(vigil, vigil.guard.address, eventAbi(vigil.guard.abi, 'StatusSynced'), { subject: s.word });
  const since = synced.length > 0 ? synced[synced.length - 1]!.blockNumber : null;
  const rows: Child[][] = [];
  const level = liveLevel(word, t);
  for (const protocol of registered) {
    const selectors = await vigil.client.readContract({ ...vigil.guard, functionName: 'configuredSelectors', args: [protocol] });
    if (s.address) {
      const asked: Hex[] = selectors.includes(ANY_SELECTOR) ? [...selectors] : [...selectors, ANY_SELECTOR];
      const answers = await Promise.all(asked.map((selector) =>
        vigil.client.readContract({ ...vigil.guard, functionName: 'preview', args: [protocol, s.address!, selector, 0n] })));
      asked.forEach((selector, i) => {
        const answer = answers[i]!;
        const passes = answer === '0x';
        const reason = passes ? null : revertReason(vigil, answer);
        const flagged = reason?.name === 'CallerFlagged' || reason?.name === 'CodeFlagged';
        const what = passes
          ? 'passes'
          : flagged
            ? `blocked from ${selectorName(selector)}${since !== null ? ` since block ${since}` : ''}: ${reason!.name}(level ${named(LEVELS, Number(reason!.args[reason!.args.length - 1]))})`
            : `refused: ${reason!.name}(${reason!.args.map(String).join(', ')})`;
        rows.push([
          h('a', { href: `#/protocol/${protocol}`, class: 'mono' }, short(protocol)),
          selectorName(selector),
          h('span', { 'data-testid': 'verdict', 'data-protocol': protocol, 'data-selector': selector, 'data-passes': String(passes) },
            badge(passes ? 'passes' : 'blocked', passes ? 'passes' : 'blocked'), ' ', what),
        ]);
      });
    } else if (s.kind === 'advisory') {
      for (const selector of selectors) {
        const tags = await vigil.client.readContract({ ...vigil.guard, functionName: 'advisoryTags', args: [protocol, selector] });
        if (tags.map((x) => x.toLowerCase()).includes(s.word)) {
          const pausing = level === 3;
          rows.push([h('a', { href: `#/protocol/${protocol}`, class: 'mono' }, short(protocol)), selectorName(selector),
            h('span', { 'data-testid': 'verdict', 'data-passes': String(!pausing) }, badge(pausing ? 'paused' : 'not paused', pausing ? 'blocked' : 'passes'),
              pausing ? ` paused for everyone while this advisory is confirmed${since !== null ? `, since block ${since}` : ''}` : ' carries this advisory as a tag')]);
        }
      }
    } else {
      const info = await vigil.client.readContract({ ...vigil.guard, functionName: 'protocolInfo', args: [protocol] });
      const modes: [Hex, number][] = [[ANY_SELECTOR, info.screening]];
      for (const selector of selectors) {
        const policy = await vigil.client.readContract({ ...vigil.guard, functionName: 'selectorPolicy', args: [protocol, selector] });
        modes.push([selector, policy.screening]);
      }
      for (const [selector, mode] of modes.filter(([, m]) => (m & 4) !== 0)) {
        const base = mode & ~4;
        const blocks = base === 2 ? false : base === 1 ? level === 2 || level === 3 : level === 3;
        rows.push([h('a', { href: `#/protocol/${protocol}`, class: 'mono' }, short(protocol)), selectorName(selector),
          h('span', { 'data-testid': 'verdict', 'data-passes': String(!blocks) }, badge(blocks ? 'blocked' : 'passes', blocks ? 'blocked' : 'passes'),
            blocks ? ' refuses callers running this code' : ' screens callers\u2019 code, lets this code pass now')]);
      }
    }
  }
  const what = s.kind === 'address' ? `The guard's answer to ${short(s.name)} calling each function`
    : s.kind === 'advisory' ? 'Functions paused while this advisory is confirmed' : 'Functions that screen their callers\u2019 code';
  return card('What the guard does',
    h('p', {}, inSync ? 'The guard holds the same status as the registry.'
      : `The guard holds another status (level ${named(LEVELS, word.level)}): anyone repairs it with syncGuard([${s.word}]) on the registry.`),
    rows.length === 0 ? h('p', { class: 'muted' }, registered.length === 0 ? 'No protocol is registered at the guard.' : `No registered protocol's policy concerns this ${s.kind}.`)
      : [h('p', {}, what, ':'), table(['protocol', 'function', 'verdict'], rows, { 'data-testid': 'verdicts' })]);
}

// ---------------------------------------------------------------- feed

function changeList(changes: readonly feed.Change[]): HTMLElement {
  return h('ol', { class: 'feed', 'data-testid': 'feed' }, changes.map((c) => h('li', {
    'data-subject': c.subject.word, 'data-level': named(LEVELS, c.word.level), 'data-live': String(c.live), 'data-flag-id': c.word.flagId,
  },
  levelBadge(c.word.level), ' ', subjectLink(c.subject), ' ',
  c.live ? badge('live', 'live') : null,
  h('div', { class: 'muted' },
    `flag #${c.word.flagId}: ${named(CATEGORIES, c.word.category)}, ${named(SEVERITIES, c.word.severity)}; score ${ether(c.word.score)}`,
    c.word.disputed ? '; disputed' : '', c.word.finalized ? '; final' : '',
    `; block ${c.block}, tx `, h('span', { class: 'mono', title: c.tx }, short(c.tx))))));
}

export function feedView(): { element: HTMLElement; stop: () => void } {
  const element = h('div', {});
  const draw = () => {
    element.replaceChildren(
      h('h1', {}, 'Status changes, newest first'),
      h('p', { class: 'muted', 'data-testid': 'feed-status', 'data-history': feed.historyDone() ? 'read' : 'reading' },
        `subscription: ${feed.status()}; ${feed.all().length} change(s)${feed.historyDone() ? '' : ', reading the history…'}`),
      card('Feed', feed.all().length === 0 ? h('p', { class: 'muted' }, 'no status change yet') : changeList(feed.all())));
  };
  draw();
  return { element, stop: feed.onChange(draw) };
}

// ---------------------------------------------------------------- disputes

interface OpenDispute {
  flagId: number;
  subject: Subject;
  disputer: Address;
  bond: bigint;
  disputedAt: number;
  deadline: number;
  flagEvidence: Hex;
  disputeEvidence: Hex;
  reporters: readonly Address[];
}

/// Open disputes, oldest first: as `vigil gov disputes` finds them (Disputed logs, then each flag's
/// record).
async function openDisputes(vigil: Vigil): Promise<OpenDispute[]> {
  const disputed = await logs(vigil, vigil.registry.address, eventAbi(vigil.registry.abi, 'Disputed'));
  const ids = [...new Set(disputed.map((d) => d.args.flagId as number))];
  const infos = await Promise.all(ids.map((flagId) => vigil.client.readContract({ ...vigil.registry, functionName: 'flagInfo', args: [flagId] })));
  const open: OpenDispute[] = [];
  for (const [i, info] of infos.entries()) {
    if (info.disputer === zeroAddress || (info.settled && info.disputedAt === 0n)) continue;
    const flagId = ids[i]!;
    const rules = await vigil.client.readContract({ ...vigil.registry, functionName: 'paramsAt', args: [info.rulesVersion] });
    const mine = disputed.filter((d) => d.args.flagId === flagId && getAddress(d.args.disputer as string) === info.disputer);
    const last = mine[mine.length - 1] ?? disputed.filter((d) => d.args.flagId === flagId).pop()!;
    open.push({
      flagId,
      subject: describe(info.subject),
      disputer: info.disputer,
      bond: info.disputeBond,
      disputedAt: Number(info.disputedAt),
      deadline: Number(info.disputedAt) + Number(rules.disputeDeadline),
      flagEvidence: info.evidence,
      disputeEvidence: last.args.evidence as Hex,
      reporters: info.reporters,
    });
  }
  return open.sort((a, b) => a.disputedAt - b.disputedAt || a.flagId - b.flagId);
}

/// A rationale as the CLI takes it: a 0x hash as is, any other text by its keccak256.
function rationaleHash(text: string): Hex {
  const trimmed = text.trim();
  return isHex(trimmed) && trimmed.length === 66 ? trimmed : keccak256(toHex(text));
}

export async function disputes(vigil: Vigil): Promise<HTMLElement> {
  const [open, config] = await Promise.all([
    openDisputes(vigil),
    vigil.client.readContract({ ...vigil.registry, functionName: 'config' }),
    now(vigil),
  ]);
  const ownerResolves = await vigil.client.readContract({ ...vigil.registry, functionName: 'isResolver', args: [config.owner] });
  return h('div', {},
    h('h1', {}, `Dispute queue: ${open.length} open, oldest first`),
    open.length === 0 ? card('Nothing to decide', h('p', { class: 'muted' }, 'no open disputes')) : null,
    open.map((d) => disputeCard(vigil, d, ownerResolves ? config.owner : null)));
}

function disputeCard(vigil: Vigil, d: OpenDispute, defaultSafe: Address | null): HTMLElement {
  const rationale = h('input', { 'aria-label': 'rationale (text, or a 0x hash)', placeholder: 'rationale: text or 0x hash', 'data-testid': 'rationale' }) as HTMLInputElement;
  const safe = h('input', { 'aria-label': 'the resolver Safe that signs the batch', placeholder: 'resolver Safe address', value: defaultSafe ?? '', class: 'mono', 'data-testid': 'safe-address' }) as HTMLInputElement;
  const output = h('div', {});
  const decide = (upheld: boolean) => {
    try {
      const args = [d.flagId, upheld, rationaleHash(rationale.value)] as const;
      const data = encodeResolve(vigil, args);
      const sender = safe.value.trim();
      if (!isHex(sender) || sender.length !== 42) throw new Error('name the resolver Safe that signs the batch (0x and 40 hex digits)');
      const file = batch(vigil.config.chainId, getAddress(sender), `resolve-${d.flagId}`,
        `resolve flag #${d.flagId} (${d.subject.name}): ${upheld ? 'uphold' : 'reject'}`, [{ to: vigil.registry.address, value: 0n, data }]);
      output.replaceChildren(batchOutput(vigil, file, args));
    } catch (error) {
      output.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
    }
  };
  return card(`Flag #${d.flagId}`,
    h('div', { 'data-testid': 'dispute', 'data-flag-id': d.flagId },
      facts([
        ['subject', subjectLink(d.subject)],
        ['disputer', addressLink(d.disputer)],
        ['bond', d.bond === 0n ? '0 ETH (the victim standing in the dispute)' : ether(d.bond)],
        ['disputed', utc(d.disputedAt)],
        ['deadline', h('span', {}, utc(d.deadline), ' (', countdown(d.deadline), '): after it anyone may lapse the dispute, refunding the bond')],
        ['reporters\u2019 evidence', h('span', { class: 'mono' }, d.flagEvidence)],
        ['disputer\u2019s evidence', h('span', { class: 'mono' }, d.disputeEvidence)],
        ['reporters', d.reporters.map((r) => h('div', {}, addressLink(r, 'reporter')))],
      ]),
      h('div', { class: 'actions' }, rationale),
      h('div', { class: 'actions' }, safe),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => decide(true), 'data-testid': 'uphold' }, 'Uphold: Safe batch'),
        h('button', { type: 'button', class: 'secondary', onclick: () => decide(false), 'data-testid': 'reject' }, 'Reject: Safe batch')),
      output));
}

/// resolve(flagId, upheld, rationale)'s calldata, encoded from the generated ABI.
function encodeResolve(vigil: Vigil, args: readonly [number, boolean, Hex]): Hex {
  return encodeFunctionData({ abi: vigil.registry.abi, functionName: 'resolve', args });
}

interface Injected {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

function batchOutput(vigil: Vigil, file: Batch, args: readonly [number, boolean, Hex]): HTMLElement {
  const text = `${JSON.stringify(file, null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const injected = (window as unknown as { ethereum?: Injected }).ethereum;
  const sent = h('span', { 'data-testid': 'sent' });
  const send = async () => {
    try {
      const wallet = createWalletClient({ transport: custom(injected!) });
      const [account] = await wallet.requestAddresses();
      const hash = await wallet.writeContract({
        account: account!, chain: vigil.client.chain, address: vigil.registry.address, abi: vigil.registry.abi,
        functionName: 'resolve', args,
      });
      sent.replaceChildren(`sent: ${hash}`);
    } catch (error) {
      sent.replaceChildren(h('span', { class: 'error' }, (error as Error).message));
    }
  };
  return h('div', {},
    h('p', {}, 'Import this file in the Safe web app (Transaction Builder, drag and drop), or ',
      h('a', { href: url, download: `${file.meta.name}.json`, 'data-testid': 'safe-download' }, 'download it'), '.'),
    injected ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: send }, 'Send from my wallet'), sent) : null,
    h('pre', { 'data-testid': 'safe-batch' }, text));
}

// ---------------------------------------------------------------- protocols

export async function protocolList(vigil: Vigil): Promise<HTMLElement> {
  const registered = await protocols(vigil);
  return h('div', {}, h('h1', {}, `Protocols registered at the guard (${registered.length})`),
    card('Protocols', registered.length === 0 ? h('p', { class: 'muted' }, 'none yet')
      : h('ul', {}, registered.map((p) => h('li', {}, addressLink(p, 'protocol'))))));
}

export async function protocol(vigil: Vigil, address: Address): Promise<HTMLElement> {
  const [t, info, selectors] = await Promise.all([
    now(vigil),
    vigil.client.readContract({ ...vigil.guard, functionName: 'protocolInfo', args: [address] }),
    vigil.client.readContract({ ...vigil.guard, functionName: 'configuredSelectors', args: [address] }),
  ]);
  if (!info.registered) {
    return card('Not a protocol', h('p', {}, h('span', { class: 'mono' }, address), ' never registered at the guard.'));
  }
  const appointed = await logs(vigil, vigil.guard.address, eventAbi(vigil.guard.abi, 'GuardianSet'), { protocol: address });
  const candidates = [...new Set(appointed.map((l) => getAddress(l.args.guardian as string)))];
  const guardianFlags = await Promise.all(candidates.map((g) => vigil.client.readContract({ ...vigil.guard, functionName: 'isGuardian', args: [address, g] })));
  const guardians = candidates.filter((_, i) => guardianFlags[i]);
  const trips = await logs(vigil, vigil.guard.address, eventAbi(vigil.guard.abi, 'Tripped'), { protocol: address });
  const rows = await Promise.all(selectors.map(async (selector) => {
    const [policy, limit, tags] = await Promise.all([
      vigil.client.readContract({ ...vigil.guard, functionName: 'selectorPolicy', args: [address, selector] }),
      vigil.client.readContract({ ...vigil.guard, functionName: 'rateLimit', args: [address, selector] }),
      vigil.client.readContract({ ...vigil.guard, functionName: 'advisoryTags', args: [address, selector] }),
    ]);
    const paused = Number(policy.pausedUntil) > t;
    return [
      selectorName(selector),
      screening(policy.screening, policy.screenOrigin),
      limit.capacity === 0n ? 'none' : bucket(limit),
      tags.length === 0 ? 'none' : tags.map((tag) => h('div', {}, subjectLink(describe(tag)))),
      paused ? h('span', {}, badge(limit.tripped ? 'tripped' : 'paused', 'blocked'), ' reopens ', countdown(Number(policy.pausedUntil))) : badge('open', 'passes'),
    ];
  }));
  const pausedUntil = Number(info.pausedUntil);
  return h('div', { 'data-testid': 'protocol' },
    h('h1', {}, 'Protocol ', h('span', { class: 'mono' }, address)),
    card('Policy', facts([
      ['admin', addressLink(info.admin)],
      ['state', pausedUntil > t ? h('span', {}, badge('paused', 'blocked'), ' reopens at ', utc(pausedUntil), ' (', countdown(pausedUntil), ')') : badge('open', 'passes')],
      ['default screening', screening(info.screening, info.screenOrigin)],
      ['guardians', guardians.length === 0 ? 'none' : guardians.map((g) => h('div', {}, addressLink(g)))],
      ['guardian pause episode', Number(info.guardianPauseEnd) > t ? h('span', {}, 'ends ', countdown(Number(info.guardianPauseEnd))) : null],
    ])),
    card('Functions with a policy of their own',
      selectors.length === 0 ? h('p', { class: 'muted' }, 'none: every function follows the default screening')
        : table(['function', 'screening', 'rate limit', 'advisory tags', 'state'], rows, { 'data-testid': 'selectors' })),
    card('Recent trips', trips.length === 0 ? h('p', { class: 'muted' }, 'none')
      : h('ul', {}, trips.slice(-10).reverse().map((l) => h('li', {}, `${selectorName(l.args.selector as Hex)}: tripped in block ${l.blockNumber}, paused until ${utc(Number(l.args.until))}`)))));
}

function screening(mode: number, origin: boolean): string {
  return `${named(SCREENING, mode & 3)}${(mode & 4) !== 0 ? ', and callers\u2019 code' : ''}${origin ? ', and tx.origin' : ''}`;
}

function bucket(limit: { capacity: bigint; refillPerSecond: bigint; available: bigint; tripLevel: bigint; rearmLevel: bigint; tripped: boolean }): HTMLElement {
  const percent = Number((limit.available * 100n) / limit.capacity);
  const low = limit.available <= limit.tripLevel;
  // The guard does not know the token: large amounts are shown in units of 10^18 (the decimals of
  // ETH and most ERC-20s), small ones whole; the exact numbers are in the tooltip.
  const decimals = limit.capacity >= 10n ** 15n ? 18 : 0;
  const amount = (value: bigint) => Number(formatUnits(value, decimals)).toLocaleString('en-US', { maximumFractionDigits: 4 });
  return h('div', {},
    h('div', { class: `bar${low ? ' low' : ''}`, role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent, 'aria-label': 'bucket level', 'data-testid': 'bucket' },
      h('span', { style: `width:${percent}%` })),
    h('div', { class: 'muted', title: `${limit.available} of ${limit.capacity} available, +${limit.refillPerSecond}/s (the amounts check() is charged)` },
      `${amount(limit.available)} of ${amount(limit.capacity)} available (${percent}%), refills ${amount(limit.refillPerSecond)}/s`,
      limit.rearmLevel > 0n ? `; trips at ${amount(limit.tripLevel)}, re-arms at ${amount(limit.rearmLevel)}` : '',
      decimals > 0 ? ' (units of 10^18)' : ''));
}

// ---------------------------------------------------------------- reporters

export async function reporterList(vigil: Vigil): Promise<HTMLElement> {
  const staked = await logs(vigil, vigil.registry.address, eventAbi(vigil.registry.abi, 'Staked'));
  const reporters = [...new Set(staked.map((l) => getAddress(l.args.reporter as string)))];
  const infos = await Promise.all(reporters.map((r) => vigil.client.readContract({ ...vigil.registry, functionName: 'reporterInfo', args: [r] })));
  return h('div', {}, h('h1', {}, `Reporters (${reporters.length})`),
    card('Everyone who staked', reporters.length === 0 ? h('p', { class: 'muted' }, 'none yet')
      : table(['reporter', 'stake', 'weight', 'reputation'], reporters.map((r, i) => [
        addressLink(r, 'reporter'), ether(infos[i]!.stake), ether(infos[i]!.weight), infos[i]!.reputation,
      ]))));
}

export async function reporter(vigil: Vigil, address: Address): Promise<HTMLElement> {
  const [t, info, claimable, submitted, corroborated, settled] = await Promise.all([
    now(vigil),
    vigil.client.readContract({ ...vigil.registry, functionName: 'reporterInfo', args: [address] }),
    vigil.client.readContract({ ...vigil.registry, functionName: 'claimable', args: [address] }),
    logs(vigil, vigil.registry.address, eventAbi(vigil.registry.abi, 'FlagSubmitted'), { reporter: address }),
    logs(vigil, vigil.registry.address, eventAbi(vigil.registry.abi, 'FlagCorroborated'), { reporter: address }),
    logs(vigil, vigil.registry.address, eventAbi(vigil.registry.abi, 'ReporterSettled'), { reporter: address }),
  ]);
  const history = [
    ...submitted.map((l) => ({ block: l.blockNumber, what: h('span', {}, 'submitted flag #', String(l.args.flagId), ' on ', subjectLink(describe(l.args.subject as Hex)), `, locking ${ether(l.args.locked as bigint)}`) })),
    ...corroborated.map((l) => ({ block: l.blockNumber, what: h('span', {}, 'corroborated flag #', String(l.args.flagId), ' on ', subjectLink(describe(l.args.subject as Hex)), `, locking ${ether(l.args.locked as bigint)}`) })),
    ...settled.map((l) => ({ block: l.blockNumber, what: h('span', {}, `flag #${l.args.flagId} settled: ${ether(l.args.released as bigint)} released, ${ether(l.args.slashed as bigint)} slashed`) })),
  ].sort((a, b) => (a.block > b.block ? -1 : a.block < b.block ? 1 : 0));
  const free = info.stake - info.locked;
  return h('div', { 'data-testid': 'reporter' },
    h('h1', {}, 'Reporter ', h('span', { class: 'mono' }, address)),
    card('Position', facts([
      ['stake', ether(info.stake)],
      ['locked', `${ether(info.locked)} (free ${ether(free)})`],
      ['warming', info.warming === 0n || Number(info.warmAt) <= t ? null : h('span', {}, `${ether(info.warming)}, counts `, countdown(Number(info.warmAt)))],
      ['unbonding', info.unbonding === 0n ? null : h('span', {}, `${ether(info.unbonding)}, withdrawable `, Number(info.unbondAt) > t ? countdown(Number(info.unbondAt)) : 'now')],
      ['reputation', info.reputation],
      ['weight', ether(info.weight)],
      ['claimable', ether(claimable)],
    ])),
    card('History, newest first', history.length === 0 ? h('p', { class: 'muted' }, 'no reports yet')
      : h('ul', {}, history.map((e) => h('li', {}, e.what, h('span', { class: 'muted' }, ` (block ${e.block})`))))));
}
