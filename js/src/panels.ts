// The projector's DOM: toolbar, canvas wrapper, tooltip and side panels. Every piece of
// text from the data goes through textContent (labels are untrusted).

import { clear, h, injectStyle } from "./dom";
import { categorical, ramp } from "./palette";
import { CSS } from "./style";
import type { ColorData, HoverInfo, NeighbourResult, ProjectorData, TimelineData } from "./types";

/** The time bar of a timeline: Play/Pause, slider over the frames, epoch and its metrics. */
export interface TimeParts {
  bar: HTMLDivElement;
  play: HTMLButtonElement;
  slider: HTMLInputElement;
  epoch: HTMLSpanElement;
  metrics: HTMLSpanElement;
}

export interface Parts {
  root: HTMLDivElement;
  search: HTMLInputElement;
  regex: HTMLInputElement;
  count: HTMLSpanElement;
  lasso: HTMLButtonElement;
  reset: HTMLButtonElement;
  status: HTMLSpanElement;
  wrap: HTMLDivElement;
  canvas: HTMLCanvasElement;
  tooltip: HTMLDivElement;
  legend: HTMLDivElement;
  neighbours: HTMLDivElement;
  matches: HTMLDivElement;
  time: TimeParts | null;
}

function buildTimeBar(): TimeParts {
  const bar = h("div", "ek-timebar");
  const play = h("button", "ek-play", "▶ Play");
  play.title = "play the epochs in order";
  const slider = h("input", "ek-slider");
  slider.type = "range";
  slider.min = "0";
  slider.step = "1";
  slider.setAttribute("aria-label", "epoch");
  const epoch = h("span", "ek-epoch");
  const metrics = h("span", "ek-metrics");
  bar.append(play, slider, epoch, metrics);
  return { bar, play, slider, epoch, metrics };
}

/** A number with 3 significant digits (1.23e+5 above 100,000). */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/** Show frame `f` in the time bar: slider position, "epoch e / last", the epoch's numbers. */
export function renderTimeBar(time: TimeParts, tl: TimelineData, f: number): void {
  const last = tl.epochs.length - 1;
  time.slider.max = String(last);
  time.slider.value = String(f);
  time.epoch.textContent = `epoch ${tl.epochs[f]} / ${tl.epochs[last]}`;
  const parts: string[] = [];
  const m = tl.metrics;
  if (m && m.values[f]) {
    m.columns.forEach((name, j) => {
      const v = m.values[f][j];
      if (typeof v === "number") parts.push(`${name} ${formatMetric(v)}`);
    });
  }
  time.metrics.textContent = parts.join(" · ");
}

export function buildDom(el: HTMLElement, data: ProjectorData): Parts {
  injectStyle(CSS);
  const root = h("div", "embedkit-projector");
  const bar = h("div", "ek-toolbar");
  const search = h("input", "ek-search");
  search.type = "search";
  search.placeholder = "search labels";
  search.setAttribute("aria-label", "search labels");
  const regexLabel = h("label", "ek-regex");
  const regex = h("input");
  regex.type = "checkbox";
  regexLabel.append(regex, document.createTextNode(" regex"));
  const count = h("span", "ek-count");
  const lasso = h("button", "ek-lasso", "Lasso");
  lasso.title = "lasso select (or hold Shift and drag)";
  const reset = h("button", "ek-reset", "Reset view");
  const n = data.xy.length >> 1;
  const status = h("span", "ek-status", `${n.toLocaleString("en-US")} points · ${data.method}`);
  bar.append(search, regexLabel, count, lasso, reset, status);
  const body = h("div", "ek-body");
  const wrap = h("div", "ek-canvas-wrap");
  wrap.style.height = `${data.height ?? 480}px`;
  const canvas = h("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `scatter plot of ${(data.xy.length >> 1).toLocaleString("en-US")} points`);
  const tooltip = h("div", "ek-tooltip");
  tooltip.hidden = true;
  wrap.append(canvas, tooltip);
  const side = h("div", "ek-side");
  side.style.maxHeight = `${data.height ?? 480}px`;
  const legend = h("div", "ek-legend");
  const neighbours = h("div", "ek-neighbours");
  neighbours.append(h("div", "ek-muted", `Click a point: its ${data.k} nearest (${data.metric})`));
  const matches = h("div", "ek-matches");
  side.append(legend, neighbours, matches);
  body.append(wrap, side);
  const time = data.timeline ? buildTimeBar() : null;
  if (time) root.append(bar, time.bar, body);
  else root.append(bar, body);
  el.appendChild(root);
  return { root, search, regex, count, lasso, reset, status, wrap, canvas, tooltip, legend, neighbours, matches, time };
}

export function renderLegend(
  node: HTMLElement,
  color: ColorData | null | undefined,
  onPick?: (c: number) => void,
): void {
  clear(node);
  if (!color) return;
  node.append(h("h4", "", color.column));
  if (color.kind === "categorical") {
    color.legend.forEach((item, i) => {
      const row = h("div", onPick ? "ek-legend-item ek-pickable" : "ek-legend-item");
      row.dataset.category = String(i);
      if (onPick) {
        row.title = "click: highlight these points (again: clear)";
        row.addEventListener("click", () => onPick(i));
      }
      const sw = h("span", "ek-swatch");
      sw.style.background = categorical(i);
      row.append(sw, h("span", "ek-legend-name", item.name));
      node.append(row);
    });
  } else {
    const bar = h("div", "ek-ramp");
    bar.style.background = `linear-gradient(to right, ${ramp(10).join(", ")})`;
    const ends = h("div", "ek-ramp-ends");
    ends.append(h("span", "", color.min ?? ""), h("span", "", color.max ?? ""));
    node.append(bar, ends);
  }
}

export function renderTooltip(tip: HTMLDivElement, info: HoverInfo): void {
  clear(tip);
  tip.append(h("div", "ek-label", info.label));
  for (const [name, value] of info.fields) tip.append(h("div", "ek-field", `${name}: ${value}`));
  if (info.image && info.image.startsWith("data:image/png;base64,")) {
    const img = h("img");
    img.alt = info.label;
    img.src = info.image;
    tip.append(img);
  }
  tip.hidden = false;
}

export function renderNeighbours(
  node: HTMLElement,
  res: NeighbourResult,
  onPick: (i: number) => void,
): void {
  clear(node);
  if (res.error) {
    node.append(h("div", "ek-count ek-error", res.error));
    return;
  }
  const head = h("h4", "ek-nbr-head");
  head.append(
    document.createTextNode("Neighbours of "),
    h("span", "ek-nbr-query", res.label),
    document.createTextNode(
      ` — ${res.metric}, k=${res.k}, original space` + (res.epoch !== undefined ? `, epoch ${res.epoch}` : ""),
    ),
  );
  node.append(head);
  const scores = res.items.map((it) => it[2]);
  const best = Math.max(...scores, 1e-12), nearest = Math.min(...scores);
  // bar length: cosine as is, dot relative to the best, euclidean nearest / distance
  const frac = (score: number) =>
    res.metric === "cosine" ? score : res.metric === "dot" ? score / best : nearest / (score || 1e-12);
  res.items.forEach(([j, label, score], r) => {
    const row = h("div", "ek-nbr");
    row.dataset.index = String(j);
    row.append(h("span", "ek-muted", String(r + 1)), h("span", "ek-label", label));
    row.append(h("span", "ek-score", score.toFixed(3)));
    const bar = h("div", "ek-bar");
    bar.style.width = `${Math.max(2, Math.min(100, Math.round(100 * frac(score))))}%`;
    row.append(bar);
    row.title = label;
    row.addEventListener("click", () => onPick(j));
    node.append(row);
  });
}

export function renderMatches(
  node: HTMLElement,
  shown: [number, string][],
  onPick: (i: number) => void,
): void {
  clear(node);
  if (shown.length) node.append(h("h4", "", "Matches"));
  for (const [j, label] of shown) {
    const row = h("div", "ek-match", label);
    row.dataset.index = String(j);
    row.addEventListener("click", () => onPick(j));
    node.append(row);
  }
}

/** Put the tooltip next to the pointer, on its left when there is no room on the right. */
export function placeTooltip(parts: Parts, mouse: [number, number]): void {
  const tip = parts.tooltip;
  const w = parts.wrap.clientWidth;
  const left = mouse[0] + 14 + tip.offsetWidth > w ? mouse[0] - tip.offsetWidth - 10 : mouse[0] + 14;
  tip.style.left = `${Math.max(0, left)}px`;
  tip.style.top = `${Math.max(0, mouse[1] + 12)}px`;
}

export function formatCount(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
