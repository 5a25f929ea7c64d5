// Tiny DOM helpers. Every piece of text goes through textContent: labels are untrusted.

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Resolves at the next animation frame (after the callbacks already asked for it). */
export function nextFrame(): Promise<void> {
  return new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
}

/** Run `cb` when the page is next idle (within 10 s), or in 2 s where that is unknown. */
export function whenIdle(cb: () => void): void {
  const w = window as unknown as { requestIdleCallback?: (cb: () => void, o?: object) => number };
  if (w.requestIdleCallback) w.requestIdleCallback(cb, { timeout: 10_000 });
  else setTimeout(cb, 2_000);
}

const STYLE_ID = "embedkit-projector-style";

export function injectStyle(css: string): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = css;
  document.head.appendChild(style);
}
