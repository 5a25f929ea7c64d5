// The projector view: a WebGL scatter (regl-scatterplot) with hover, search, neighbours,
// lasso and a colour legend. No Jupyter imports: it takes an element, the data and a backend
// (callbacks returning promises), so a kernel-backed widget and a kernel-less renderer can
// share it. All text from the data goes through textContent.

import createScatterplot from "regl-scatterplot";
import { clear, h, injectStyle } from "./dom";
import { categorical, ramp } from "./palette";
import { CSS } from "./style";
import type {
  ColorData,
  HoverInfo,
  NeighbourResult,
  ProjectorBackend,
  ProjectorData,
  ProjectorView,
} from "./types";

type Scatter = ReturnType<typeof createScatterplot>;

const DEFAULT_COLOR = "#3a6ea5";
const ACTIVE_COLOR = "#e8590c";
const HOVER_COLOR = "#d6336c";

/** Scale interleaved xy into regl-scatterplot's [-1, 1] box, keeping the aspect ratio. */
export function fitPoints(xy: Float32Array): { x: Float32Array; y: Float32Array } {
  const n = xy.length >> 1;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = xy[2 * i], b = xy[2 * i + 1];
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const s = 1.9 / span, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (xy[2 * i] - cx) * s;
    y[i] = (xy[2 * i + 1] - cy) * s;
  }
  return { x, y };
}

/** The notebook's background (JupyterLab theme variable, resolved by the browser) as RGBA. */
function background(node: HTMLElement): [number, number, number, number] {
  const probe = document.createElement("span");
  probe.style.color = "var(--jp-layout-color0, #ffffff)";
  node.appendChild(probe);
  const rgb = getComputedStyle(probe).color.match(/[\d.]+/g)?.map(Number) ?? [255, 255, 255];
  probe.remove();
  return [rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, 1];
}

function pointStyle(n: number): { pointSize: number; opacity: number } {
  if (n <= 2000) return { pointSize: 6, opacity: 0.9 };
  if (n <= 20000) return { pointSize: 4, opacity: 0.8 };
  if (n <= 200000) return { pointSize: 2, opacity: 0.6 };
  return { pointSize: 1, opacity: 0.5 };
}

interface Parts {
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
}

function buildDom(el: HTMLElement, data: ProjectorData): Parts {
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
  root.append(bar, body);
  el.appendChild(root);
  return { root, search, regex, count, lasso, reset, status, wrap, canvas, tooltip, legend, neighbours, matches };
}

function renderLegend(node: HTMLElement, color: ColorData | null | undefined): void {
  clear(node);
  if (!color) return;
  node.append(h("h4", "", color.column));
  if (color.kind === "categorical") {
    color.legend.forEach((item, i) => {
      const row = h("div", "ek-legend-item");
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

function renderTooltip(tip: HTMLDivElement, info: HoverInfo): void {
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

function renderNeighbours(
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
    document.createTextNode(` — ${res.metric}, k=${res.k}, original space`),
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

/** Build the projector inside `el`; resolves `view.ready` after the first frame. */
export function createProjectorView(
  el: HTMLElement,
  data: ProjectorData,
  backend: ProjectorBackend,
): ProjectorView {
  const t0 = data.t0 ?? performance.now();
  const parts = buildDom(el, data);
  let scatter: Scatter | null = null;
  let xy = data.xy;
  let color = data.color ?? null;
  let hovered = -1;
  let inLasso = false;
  let userSelection = false;
  let searchSeq = 0;
  let destroyed = false;
  let resizer: ResizeObserver | null = null; // starts the view, then follows its size
  let drawn = false; // marks set before the first draw wait for it (points must exist)
  let pending: { kind: "highlight" | "selection"; indices: ArrayLike<number> | null } | null =
    data.highlight && data.highlight.length
      ? { kind: "highlight", indices: data.highlight }
      : data.selected && data.selected.length
        ? { kind: "selection", indices: data.selected }
        : null;
  const cache = new Map<number, HoverInfo>();
  let mouse: [number, number] = [0, 0];

  const pointsFor = (): Record<string, Float32Array> => {
    const pts: Record<string, Float32Array> = fitPoints(xy);
    if (color) pts.valueA = color.values;
    return pts;
  };

  const colorSettings = () => {
    if (!color) return { pointColor: DEFAULT_COLOR, colorBy: null };
    const pointColor =
      color.kind === "categorical"
        ? color.legend.map((_, i) => categorical(i))
        : ramp(64);
    return { pointColor, colorBy: "valueA" as const };
  };

  const drawOptions = () => ({
    zDataType: color?.kind === "categorical" ? ("categorical" as const) : ("continuous" as const),
  });

  const placeTooltip = () => {
    const tip = parts.tooltip;
    const w = parts.wrap.clientWidth;
    const left = mouse[0] + 14 + tip.offsetWidth > w ? mouse[0] - tip.offsetWidth - 10 : mouse[0] + 14;
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${Math.max(0, mouse[1] + 12)}px`;
  };

  const onHover = (i: number) => {
    hovered = i;
    backend.hovered?.(i);
    const known = cache.get(i);
    if (known) {
      renderTooltip(parts.tooltip, known);
      placeTooltip();
      return;
    }
    backend.hover(i).then(
      (info) => {
        if (info.error) return; // e.g. the kernel restarted with other data
        if (cache.size > 5000) cache.clear();
        cache.set(i, info);
        if (hovered === i && !destroyed) {
          renderTooltip(parts.tooltip, info);
          placeTooltip();
        }
      },
      (err) => console.warn("embedkit: hover failed", err),
    );
  };

  const showNeighbours = async (i: number): Promise<void> => {
    clear(parts.neighbours);
    parts.neighbours.append(h("div", "ek-muted", "asking for neighbours…"));
    const res = await backend.neighbours(i);
    if (destroyed) return;
    renderNeighbours(parts.neighbours, res, (j) => void showNeighbours(j));
    if (!res.error) scatter?.select([i, ...res.items.map((it) => it[0])], { preventEvent: true });
    userSelection = false;
  };

  const onSelect = ({ points }: { points: number[] }) => {
    if (inLasso) {
      inLasso = false;
      userSelection = true;
      parts.count.textContent = `${points.length.toLocaleString("en-US")} selected`;
      backend.select?.(Uint32Array.from(points));
    } else if (points.length === 1) {
      void showNeighbours(points[0]);
    }
  };

  const runSearch = async () => {
    const seq = ++searchSeq;
    const query = parts.search.value;
    parts.count.classList.remove("ek-error");
    clear(parts.matches);
    if (!query) {
      parts.count.textContent = "";
      scatter?.deselect({ preventEvent: true });
      return;
    }
    const res = await backend.search(query, parts.regex.checked);
    if (seq !== searchSeq || destroyed) return;
    if (res.error) {
      parts.count.classList.add("ek-error");
      parts.count.textContent = res.error;
      return;
    }
    parts.count.textContent = `${res.count.toLocaleString("en-US")} ${res.count === 1 ? "match" : "matches"}`;
    if (res.count) scatter?.select(Array.from(res.indices), { preventEvent: true });
    else scatter?.deselect({ preventEvent: true });
    userSelection = false;
    if (res.shown.length) parts.matches.append(h("h4", "", "Matches"));
    for (const [j, label] of res.shown) {
      const row = h("div", "ek-match", label);
      row.dataset.index = String(j);
      row.addEventListener("click", () => void showNeighbours(j));
      parts.matches.append(row);
    }
  };

  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleSearch = () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void runSearch(), 200);
  };
  parts.search.addEventListener("input", scheduleSearch);
  parts.regex.addEventListener("change", scheduleSearch);
  parts.search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      clearTimeout(searchTimer);
      void runSearch();
    }
  });
  parts.wrap.addEventListener("mousemove", (e) => {
    const r = parts.wrap.getBoundingClientRect();
    mouse = [e.clientX - r.left, e.clientY - r.top];
    if (!parts.tooltip.hidden) placeTooltip();
  });

  const start = (): Promise<void> => {
    const style = pointStyle(xy.length >> 1);
    scatter = createScatterplot({
      canvas: parts.canvas,
      width: parts.wrap.clientWidth,
      height: parts.wrap.clientHeight,
      backgroundColor: background(parts.root),
      pointSize: style.pointSize,
      opacity: style.opacity,
      pointSizeSelected: 2,
      pointColorActive: ACTIVE_COLOR,
      pointColorHover: HOVER_COLOR,
      opacityInactiveScale: 0.6,
      lassoColor: [0.1, 0.4, 0.8, 1],
      ...colorSettings(),
    } as never);
    const sp = scatter;
    sp.subscribe("pointOver", onHover);
    sp.subscribe("pointOut", () => {
      hovered = -1;
      parts.tooltip.hidden = true;
      backend.hovered?.(-1);
    });
    sp.subscribe("lassoStart", () => {
      inLasso = true;
    });
    sp.subscribe("select", onSelect);
    sp.subscribe("deselect", () => {
      if (userSelection) {
        userSelection = false;
        parts.count.textContent = "";
        backend.select?.(new Uint32Array(0));
      }
    });
    return sp.draw(pointsFor() as never, drawOptions()).then(() => {
      drawn = true;
      if (pending?.kind === "highlight") view.setHighlight(pending.indices);
      else if (pending?.kind === "selection") view.setSelection(pending.indices);
      pending = null;
      return new Promise<void>((resolve) =>
        requestAnimationFrame(() => {
          const ms = performance.now() - t0;
          parts.root.dataset.drawn = "1";
          parts.root.dataset.drawMs = ms.toFixed(1);
          parts.root.dataset.drawnAt = String(Date.now());
          backend.drawn?.(ms);
          resolve();
        }),
      );
    });
  };

  // Start once the node has a size (a renderer's node is often not attached yet).
  const ready = new Promise<void>((resolve, reject) => {
    const tryStart = () => {
      if (scatter || destroyed || parts.wrap.clientWidth === 0) return false;
      start().then(resolve, reject);
      return true;
    };
    tryStart();
    resizer = new ResizeObserver(() => {
      if (!scatter) {
        tryStart();
        return;
      }
      const { clientWidth: width, clientHeight: height } = parts.wrap;
      if (width > 0 && height > 0) void scatter.set({ width, height });
    });
    resizer.observe(parts.wrap);
  });

  parts.lasso.addEventListener("click", () => {
    const on = !parts.lasso.classList.contains("ek-on");
    parts.lasso.classList.toggle("ek-on", on);
    void scatter?.set({ mouseMode: on ? "lasso" : "panZoom" });
  });
  parts.reset.addEventListener("click", () => void scatter?.zoomToOrigin());
  renderLegend(parts.legend, color);

  const view: ProjectorView = {
    ready,
    async setPoints(next: Float32Array, method?: string) {
      xy = next;
      if (method) data.method = method;
      parts.status.textContent = `${(xy.length >> 1).toLocaleString("en-US")} points · ${data.method}`;
      if (scatter) await scatter.draw(pointsFor() as never, drawOptions());
    },
    async setColor(next: ColorData | null) {
      color = next;
      renderLegend(parts.legend, color);
      if (!scatter) return;
      await scatter.set(colorSettings() as never);
      await scatter.draw(pointsFor() as never, { ...drawOptions(), preventFilterReset: true });
    },
    setHighlight(indices) {
      if (!scatter || !drawn) {
        pending = { kind: "highlight", indices };
        return;
      }
      if (indices && indices.length) scatter.select(Array.from(indices), { preventEvent: true });
      else scatter.deselect({ preventEvent: true });
      userSelection = false;
    },
    setSelection(indices) {
      if (!scatter || !drawn) {
        pending = { kind: "selection", indices };
        return;
      }
      if (indices && indices.length) scatter.select(Array.from(indices), { preventEvent: true });
      else scatter.deselect({ preventEvent: true });
      userSelection = !!(indices && indices.length);
      parts.count.textContent = userSelection ? `${indices!.length.toLocaleString("en-US")} selected` : "";
    },
    focus(i: number) {
      if (!scatter) return;
      scatter.hover(i, { showReticleOnce: i >= 0, preventEvent: true });
    },
    showNeighbours,
    async search(query: string, regex = false) {
      parts.search.value = query;
      parts.regex.checked = regex;
      clearTimeout(searchTimer);
      await runSearch();
    },
    selection() {
      return scatter ? [...scatter.get("selectedPoints")] : [];
    },
    screenPosition(i: number) {
      const p = scatter?.getScreenPosition(i);
      return p ? [p[0], p[1]] : null;
    },
    destroy() {
      destroyed = true;
      clearTimeout(searchTimer);
      resizer?.disconnect();
      scatter?.destroy();
      scatter = null;
      parts.root.remove();
    },
  };
  (parts.root as unknown as { __embedkitView: ProjectorView }).__embedkitView = view;
  return view;
}
