// The page: connects from the config, starts the live feed, and shows the view the address's hash names
// (#/s/<subject>, #/feed, #/disputes, #/protocols, #/protocol/<address>, #/reporters, #/reporter/<address>).
import { getAddress, isAddress } from 'viem';
import { chainName, connect, loadConfig, type Vigil } from './chain';
import { startTicking } from './clock';
import { card, h } from './dom';
import * as feed from './feed';
import * as views from './views';

const view = document.getElementById('view')!;
const chainLabel = document.getElementById('chain')!;
let rendering = 0;
let stopFeed: (() => void) | null = null;

function fail(error: unknown): HTMLElement {
  const e = error as { shortMessage?: string; message?: string };
  return card('Could not read this', h('p', { class: 'error', role: 'alert' }, e.shortMessage ?? e.message ?? String(error)));
}

function address(text: string | undefined) {
  if (!text || !isAddress(text)) throw new Error(`"${text ?? ''}" is not an address (0x and 40 hex digits)`);
  return getAddress(text);
}

async function route(vigil: Vigil) {
  const ticket = ++rendering;
  stopFeed?.();
  stopFeed = null;
  const [, name = '', arg] = location.hash.replace(/^#/, '').split('/');
  const param = arg === undefined ? undefined : decodeURIComponent(arg);
  const tab = { '': 'search', s: 'search', feed: 'feed', disputes: 'disputes', protocols: 'protocol', protocol: 'protocol', reporters: 'reporter', reporter: 'reporter' }[name];
  for (const link of document.querySelectorAll<HTMLElement>('nav a')) {
    if (link.dataset.view === tab) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name === 'feed') {
    const live = views.feedView();
    stopFeed = live.stop;
    view.replaceChildren(live.element);
    return;
  }
  view.replaceChildren(h('p', { class: 'muted', 'data-testid': 'loading' }, 'reading the chain…'));
  let element: HTMLElement;
  try {
    switch (name) {
      case 's': element = await views.subject(vigil, param ?? ''); break;
      case 'disputes': element = await views.disputes(vigil); break;
      case 'protocols': element = await views.protocolList(vigil); break;
      case 'protocol': element = await views.protocol(vigil, address(param)); break;
      case 'reporters': element = await views.reporterList(vigil); break;
      case 'reporter': element = await views.reporter(vigil, address(param)); break;
      default: element = await views.home(vigil);
    }
  } catch (error) {
    element = fail(error);
  }
  if (ticket === rendering) view.replaceChildren(element);
}

async function main() {
  let vigil: Vigil;
  try {
    vigil = await connect(await loadConfig());
  } catch (error) {
    chainLabel.textContent = 'not connected';
    view.replaceChildren(fail(error));
    return;
  }
  chainLabel.textContent = `${chainName(vigil.config.chainId)} · ${vigil.config.wsUrl ?? vigil.config.rpcUrl}`;
  const form = document.getElementById('search') as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = (form.elements.namedItem('query') as HTMLInputElement).value.trim();
    if (query !== '') location.hash = `#/s/${encodeURIComponent(query)}`;
  });
  window.addEventListener('hashchange', () => void route(vigil));
  startTicking();
  feed.start(vigil).catch((error) => view.prepend(fail(error)));
  await route(vigil);
  document.body.dataset.ready = 'true';
}

void main();
