// A tiny element builder: text always goes in as text nodes, so nothing read from the chain (revealed
// details, say) is ever parsed as HTML.
export type Child = Node | string | number | bigint | null | undefined | false | Child[];
type Attr = string | number | boolean | ((event: Event) => void);

export function h(tag: string, attrs: Record<string, Attr> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/// A labelled list of facts (a <dl>); rows with a null value are left out.
export function facts(rows: [string, Child][]): HTMLElement {
  return h('dl', {}, rows.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function card(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/// A table that stacks into labelled rows on a phone-width screen.
export function table(headers: string[], rows: Child[][], attrs: Record<string, Attr> = {}): HTMLElement {
  return h('table', { class: 'stack', ...attrs },
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell, i) => h('td', { 'data-label': headers[i] ?? '' }, cell))))));
}
