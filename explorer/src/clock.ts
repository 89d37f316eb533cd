// The chain's clock as the page last saw it, run forward by the browser's: countdowns (expiries,
// deadlines, pauses) are measured against block time, which a local node may have moved ahead.
import { relative } from './format';
import { h } from './dom';

let base = 0;
let seenAt = 0;

export function setChainTime(now: number) {
  base = now;
  seenAt = performance.now();
}

export function now(): number {
  return base + Math.floor((performance.now() - seenAt) / 1000);
}

/// "in 6d 23h 59m" / "3m 2s ago", kept current every second.
export function countdown(until: number): HTMLElement {
  return h('span', { class: 'countdown', 'data-until': until }, relative(until, now()));
}

export function startTicking() {
  setInterval(() => {
    const t = now();
    for (const el of document.querySelectorAll<HTMLElement>('[data-until]')) {
      el.textContent = relative(Number(el.dataset.until), t);
    }
  }, 1000);
}
