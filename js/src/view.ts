// The projector view: a WebGL scatter (regl-scatterplot) with hover, search, neighbours,
// lasso and a colour legend. No Jupyter imports: it takes an element, the data and a backend
// (callbacks returning promises), so a kernel-backed widget and a kernel-less renderer can
// share it. All text from the data goes through textContent.

import createScatterplot from "regl-scatterplot";
import { clear, h } from "./dom";
import { LabelLayer } from "./labels";
import { pointRows, renderNow, sharedRenderer, takeParked, type Renderer } from "./renderer";
import { spatialIndexSoon } from "./spatial";
import { categorical, ramp } from "./palette";
import { SentenceSearch } from "./sentence";
import {
  buildDom,
  formatCount,
  type Parts,
  placeTooltip,
  renderLegend,
  renderMatches,
  renderNeighbours,
  renderTimeBar,
  renderTooltip,
} from "./panels";
import type {
  ColorData,
  DrawnLabel,
  FirstDraw,
  HoverInfo,
  MapLabels,
  ProjectorBackend,
  ProjectorData,
  ProjectorView,
  SentenceResult,
  TimelineData,
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
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue; // NaN or infinite: not drawn
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  if (x0 > x1) x0 = x1 = y0 = y1 = 0; // no finite point
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const s = 1.9 / span, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (xy[2 * i] - cx) * s;
    y[i] = (xy[2 * i + 1] - cy) * s;
  }
  return { x, y };
}

/**
 * Scale every frame of a timeline with ONE box (that of all frames together), so that a
 * point's motion between frames is its motion in the layout, not a rescaling.
 */
export function fitFrames(frames: Float32Array, nFrames: number): { x: Float32Array; y: Float32Array }[] {
  const per = nFrames ? frames.length / nFrames : 0;
  const all = fitPoints(frames);
  const out: { x: Float32Array; y: Float32Array }[] = [];
  for (let f = 0; f < nFrames; f++) {
    const a = (f * per) >> 1, b = ((f + 1) * per) >> 1;
    out.push({ x: all.x.subarray(a, b), y: all.y.subarray(a, b) });
  }
  return out;
}

/** The first draw of `xy` coloured by `values`, made ahead of its view (types.ts). */
export function prepareFirstDraw(xy: Float32Array, values: Float32Array | null): FirstDraw {
  const fit = fitPoints(xy);
  const pts: Record<string, Float32Array> = values ? { ...fit, valueA: values } : { ...fit };
  const index = spatialIndexSoon(fit.x, fit.y); // posted first: the worker starts at once
  return { xy, values, fit, rows: pointRows(pts), index };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

type Marks = { kind: "highlight" | "selection"; indices: ArrayLike<number> | null };

class View implements ProjectorView {
  readonly ready: Promise<void>;
  private readonly parts: Parts;
  private readonly t0: number;
  private scatter: Scatter | null = null;
  private xy: Float32Array;
  private color: ColorData | null;
  private hovered = -1;
  private inLasso = false;
  private userSelection = false; // the scatter shows the user's lasso (not a highlight)
  private searchSeq = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  private drawn = false; // marks set before the first draw wait for it (points must exist)
  private pending: Marks | null;
  private resizer: ResizeObserver | null = null; // starts the view, then follows its size
  private unblock: (() => void) | null = null; // ends the first draw's wait (destroy)
  private readonly cache = new Map<number, HoverInfo>();
  private mouse: [number, number] = [0, 0];
  private timeline: TimelineData | null = null;
  private fitted: { x: Float32Array; y: Float32Array }[] = [];
  private shown = -1; // the timeline frame on screen (or being drawn)
  private target = -1; // the frame asked for last
  private frameBusy: Promise<void> | null = null;
  private playing = false;
  private nbrRow = -1; // the point whose neighbours are listed (re-asked at each frame)
  private nbrSeq = 0;
  private readonly labelLayer: LabelLayer;
  private labelFrame = 0; // a requested animation frame for the label pass (0: none)
  private glideId = 0; // the label glide under way (a newer one or a jump ends it)
  private fit: { x: Float32Array; y: Float32Array } | null = null; // fitPoints(fitFor)
  private fitFor: Float32Array | null = null;
  private drawQueue: Promise<void> = Promise.resolve(); // draws run one at a time (drawPoints)
  private early: { pts: Record<string, Float32Array>; index: Promise<ArrayBuffer>; rows?: number[][] } | null = null;
  private category = -1; // the legend entry picked (-1: none)
  private readonly sentence: SentenceSearch | null = null; // typed sentences (with an encoder)

  constructor(
    el: HTMLElement,
    private readonly data: ProjectorData,
    private readonly backend: ProjectorBackend,
  ) {
    this.t0 = data.t0 ?? performance.now();
    this.xy = data.xy;
    this.color = data.color ?? null;
    if (data.timeline) this.useTimeline(data.timeline);
    this.pending = data.highlight?.length
      ? { kind: "highlight", indices: data.highlight }
      : data.selected?.length
        ? { kind: "selection", indices: data.selected }
        : null;
    this.parts = buildDom(el, data);
    this.labelLayer = new LabelLayer(this.parts.wrap);
    this.labelLayer.setLabels(data.labels ?? null);
    if (data.encoder) this.sentence = this.sentenceSearch(data.encoder);
    if (this.timeline) this.showTime();
    this.listen();
    this.renderLegend();
    // the spatial index of the first draw is built (in a worker, for large n) while the
    // view waits to be attached and sized
    const first = data.first;
    if (first && first.xy === this.xy && !this.timeline && first.values === (this.color?.values ?? null)) {
      // made when the model arrived (widget.ts): the fit, the rows and the index
      this.fit = first.fit;
      this.fitFor = this.xy;
      this.early = { pts: this.points(), index: first.index, rows: first.rows };
    } else {
      const pts = this.points();
      this.early = { pts, index: spatialIndexSoon(pts.x, pts.y) };
    }
    this.ready = this.startWhenSized();
    (this.parts.root as unknown as { __embedkitView: ProjectorView }).__embedkitView = this;
  }

  // ---------------------------------------------------------------- public API
  async setPoints(next: Float32Array, method?: string, glideMs = 0): Promise<void> {
    const glide = glideMs > 0 && next.length === this.xy.length && this.drawn;
    this.xy = next;
    if (method) this.data.method = method;
    this.parts.status.textContent = `${formatCount(next.length >> 1, "point", "points")} · ${this.data.method}`;
    if (this.scatter) {
      const moving = glide ? { transition: true, transitionDuration: glideMs, preventFilterReset: true } : {};
      await this.drawPoints({ ...this.drawOptions(), ...moving }, (pts) => {
        if (glide) this.glideLabels(pts, glideMs);
      });
      this.pointsChanged();
    }
  }

  async setColor(next: ColorData | null): Promise<void> {
    this.color = next;
    this.category = -1;
    this.renderLegend();
    if (!this.scatter) return;
    await this.scatter.set(this.colorSettings() as never);
    await this.drawPoints({ ...this.drawOptions(), preventFilterReset: true });
  }

  // ---------------------------------------------------------------- labels on the map
  setLabels(labels: MapLabels | null): void {
    this.labelLayer.setLabels(labels);
    this.pointsChanged();
  }

  labelsDrawn(): DrawnLabel[] {
    return this.labelLayer.drawnLabels();
  }

  labelTimes(): number[] {
    return [...this.labelLayer.times];
  }

  async zoomToPoint(i: number, scale: number): Promise<void> {
    if (!this.scatter) return;
    const { x, y } = this.points();
    await this.scatter.zoomToLocation([x[i], y[i]], 1 / Math.max(1e-6, scale), { transition: false } as never);
    this.scheduleLabels();
  }

  /** The fitted points moved (new layout or frame): the label layer follows. */
  private pointsChanged(): void {
    this.glideId++; // a glide still under way ends here
    const { x, y } = this.points();
    this.labelLayer.setPoints(x, y);
    this.scheduleLabels();
  }

  /**
   * The points glide to `to` over `ms` (regl-scatterplot's transition, cubic in-out
   * easing): the labels go with them, one label pass per animation frame.
   */
  private glideLabels(to: Record<string, Float32Array>, ms: number): void {
    const id = ++this.glideId;
    this.labelLayer.setPoints(to.x, to.y, true);
    const start = performance.now();
    const tick = () => {
      if (this.destroyed || id !== this.glideId) return;
      const t = Math.min(1, (performance.now() - start) / ms);
      this.labelLayer.setMix(t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2);
      this.scheduleLabels();
      if (t < 1) requestAnimationFrame(tick);
    };
    tick();
  }

  /** One label pass at the next animation frame, however many camera events come first. */
  private scheduleLabels(): void {
    if (this.labelFrame || this.destroyed) return;
    this.labelFrame = requestAnimationFrame(() => {
      this.labelFrame = 0;
      this.labelPass();
    });
  }

  /** The label pass now (a pass already asked for the next frame is dropped). */
  private labelsNow(): void {
    if (this.labelFrame) cancelAnimationFrame(this.labelFrame);
    this.labelFrame = 0;
    this.labelPass();
  }

  private labelPass(): void {
    const sp = this.scatter;
    if (!sp || this.destroyed || !this.drawn) return;
    const { clientWidth: width, clientHeight: height } = this.parts.wrap;
    this.labelLayer.draw({ view: sp.get("cameraView") as ArrayLike<number>, width, height });
    this.sentence?.place();
    const root = this.parts.root;
    root.dataset.labels = String(this.labelLayer.drawnLabels().length);
    root.dataset.labelPasses = String(Number(root.dataset.labelPasses ?? 0) + 1);
  }

  // ---------------------------------------------------------------- legend
  private renderLegend(): void {
    const pickable = this.color?.kind === "categorical";
    renderLegend(this.parts.legend, this.color, pickable ? (c) => this.pickCategory(c) : undefined);
  }

  pickCategory(c: number): void {
    const color = this.color;
    if (!color || color.kind !== "categorical") return;
    const next = c === this.category || c < 0 || c >= color.legend.length ? -1 : c;
    this.category = next;
    for (const row of this.parts.legend.querySelectorAll<HTMLElement>(".ek-legend-item")) {
      row.classList.toggle("ek-on", Number(row.dataset.category) === next);
    }
    this.parts.root.dataset.category = String(next);
    if (next < 0) {
      this.setHighlight(null);
      this.parts.count.textContent = "";
      return;
    }
    const hits: number[] = [];
    const values = color.values;
    for (let i = 0; i < values.length; i++) if (values[i] === next) hits.push(i);
    this.setHighlight(hits);
    this.parts.count.textContent = `${hits.length.toLocaleString("en-US")} in ${color.legend[next].name}`;
  }

  setHighlight(indices: ArrayLike<number> | null): void {
    if (this.mark({ kind: "highlight", indices })) this.userSelection = false;
  }

  setSelection(indices: ArrayLike<number> | null): void {
    if (!this.mark({ kind: "selection", indices })) return;
    const n = indices?.length ?? 0;
    this.userSelection = n > 0;
    this.parts.count.textContent = n ? `${n.toLocaleString("en-US")} selected` : "";
  }

  focus(i: number): void {
    this.scatter?.hover(i, { showReticleOnce: i >= 0, preventEvent: true });
  }

  async showNeighbours(i: number): Promise<void> {
    const seq = ++this.nbrSeq;
    this.nbrRow = i;
    if (!this.parts.neighbours.querySelector(".ek-nbr")) {
      clear(this.parts.neighbours);
      this.parts.neighbours.append(h("div", "ek-muted", "asking for neighbours…"));
    }
    const frame = this.timeline ? this.shown : undefined;
    const res = await this.backend.neighbours(i, frame);
    if (this.destroyed || seq !== this.nbrSeq) return; // a later click or frame asked again
    renderNeighbours(this.parts.neighbours, res, (j) => void this.showNeighbours(j));
    if (frame !== undefined) this.parts.neighbours.dataset.frame = String(frame);
    if (!res.error) this.scatter?.select([i, ...res.items.map((it) => it[0])], { preventEvent: true });
    this.userSelection = false;
  }

  // ---------------------------------------------------------------- timeline
  frame(): number {
    return this.timeline ? this.shown : -1;
  }

  async setFrame(f: number, transition = true): Promise<void> {
    const tl = this.timeline;
    if (!tl) return;
    const last = tl.epochs.length - 1;
    this.target = Math.max(0, Math.min(last, Math.round(Number.isFinite(f) ? f : last)));
    if (this.parts.time) renderTimeBar(this.parts.time, tl, this.target);
    if (this.frameBusy) return this.frameBusy; // the running loop goes on to the new target
    this.frameBusy = this.drawFrames(transition).finally(() => {
      this.frameBusy = null;
    });
    return this.frameBusy;
  }

  async play(): Promise<void> {
    const tl = this.timeline;
    if (!tl || this.playing || this.destroyed) return;
    const last = tl.epochs.length - 1;
    this.setPlaying(true);
    try {
      if (this.shown >= last) await this.userFrame(0, false);
      const ms = tl.frameMs ?? 700;
      while (this.playing && !this.destroyed && this.shown < last) {
        const t0 = performance.now();
        await this.userFrame(this.shown + 1);
        const rest = ms - (performance.now() - t0);
        if (rest > 0 && this.shown < last) await sleep(rest);
      }
    } finally {
      this.setPlaying(false);
    }
  }

  pause(): void {
    this.setPlaying(false);
  }

  async setTimeline(tl: TimelineData): Promise<void> {
    const n = this.xy.length >> 1;
    if (tl.epochs.length === 0 || tl.frames.length !== tl.epochs.length * n * 2) {
      console.warn("embedkit: a timeline of other points was ignored");
      return;
    }
    this.useTimeline(tl);
    if (this.parts.time) renderTimeBar(this.parts.time, tl, this.shown);
    const f = this.shown;
    this.shown = -1; // redraw even when the frame number is the same
    await this.setFrame(f, true);
  }

  /** A frame the user asked for (slider, Play): the backend hears of it at once (a kernel
   * then shows the same epoch in Python); frames set by the backend are not echoed. */
  private userFrame(f: number, transition = true): Promise<void> {
    const last = this.timeline!.epochs.length - 1;
    this.backend.frameShown?.(Math.max(0, Math.min(last, Math.round(f))));
    return this.setFrame(f, transition);
  }

  private useTimeline(tl: TimelineData): void {
    const last = tl.epochs.length - 1;
    this.timeline = tl;
    this.fitted = fitFrames(tl.frames, tl.epochs.length);
    const f = Math.max(0, Math.min(last, tl.frame ?? last));
    this.shown = this.target = f;
    this.xy = this.frameXY(f);
  }

  private frameXY(f: number): Float32Array {
    const tl = this.timeline!;
    const size = tl.frames.length / tl.epochs.length;
    return tl.frames.subarray(f * size, (f + 1) * size);
  }

  private showTime(): void {
    const time = this.parts.time!;
    renderTimeBar(time, this.timeline!, this.shown);
    this.markFrame(this.shown);
    time.slider.addEventListener("input", () => {
      this.pause();
      void this.userFrame(Number(time.slider.value));
    });
    time.play.addEventListener("click", () => {
      if (this.playing) this.pause();
      else void this.play();
    });
  }

  private setPlaying(on: boolean): void {
    this.playing = on;
    this.parts.root.dataset.playing = on ? "1" : "0";
    if (this.parts.time) this.parts.time.play.textContent = on ? "❚❚ Pause" : "▶ Play";
  }

  private markFrame(f: number): void {
    const root = this.parts.root;
    root.dataset.frame = String(f);
    root.dataset.epoch = String(this.timeline!.epochs[f]);
  }

  /** Draw frames until the one shown is the last one asked for (the slider may move on). */
  private async drawFrames(transition: boolean): Promise<void> {
    const tl = this.timeline!;
    while (this.shown !== this.target && !this.destroyed) {
      const f = this.target;
      this.shown = f;
      this.xy = this.frameXY(f);
      if (this.scatter && this.drawn) {
        const keep = this.selection();
        const ms = Math.max(0, Math.min(500, 0.7 * (tl.frameMs ?? 700)));
        const options = {
          ...this.drawOptions(),
          transition: transition && ms > 0,
          transitionDuration: ms,
          preventFilterReset: true,
        };
        await this.drawPoints(options, (pts) => {
          if (transition && ms > 0) this.glideLabels(pts, ms);
        });
        if (keep.length) this.scatter.select(keep, { preventEvent: true });
        this.pointsChanged();
      }
      if (this.destroyed) return;
      this.markFrame(f);
      if (this.nbrRow >= 0) void this.showNeighbours(this.nbrRow);
    }
  }

  // ---------------------------------------------------------------- typed sentences
  private sentenceSearch(encoder: string): SentenceSearch {
    return new SentenceSearch({
      parts: this.parts,
      backend: this.backend,
      encoder,
      xy: () => this.xy,
      camera: () => {
        const sp = this.scatter;
        if (!sp || !this.drawn) return null;
        const { clientWidth: width, clientHeight: height } = this.parts.wrap;
        return { view: sp.get("cameraView") as ArrayLike<number>, width, height };
      },
      highlight: (indices) => this.setHighlight(indices),
      showNeighbours: (i) => void this.showNeighbours(i),
      labelSearch: () => void this.runSearch(),
    });
  }

  async searchSentence(text: string): Promise<void> {
    if (!this.sentence) return;
    this.parts.search.value = text;
    if (!this.sentence.active) this.sentence.setMode(true);
    await this.sentence.run(text);
  }

  showSentence(res: SentenceResult): void {
    if (!this.sentence) return;
    this.parts.search.value = res.text;
    if (!this.sentence.active) this.sentence.setMode(true);
    this.sentence.show(res);
  }

  async search(query: string, regex = false): Promise<void> {
    this.parts.search.value = query;
    this.parts.regex.checked = regex;
    clearTimeout(this.searchTimer);
    await this.runSearch();
  }

  selection(): number[] {
    return this.scatter ? [...this.scatter.get("selectedPoints")] : [];
  }

  screenPosition(i: number): [number, number] | null {
    const p = this.scatter?.getScreenPosition(i);
    return p ? [p[0], p[1]] : null;
  }

  destroy(): void {
    this.destroyed = true;
    this.playing = false;
    if (this.labelFrame) cancelAnimationFrame(this.labelFrame);
    clearTimeout(this.searchTimer);
    this.resizer?.disconnect();
    this.unblock?.();
    this.scatter?.destroy();
    this.scatter = null;
    this.parts.root.remove();
  }

  // ---------------------------------------------------------------- scatter
  private points(): Record<string, Float32Array> {
    const fitted = this.timeline ? this.fitted[this.shown] : null;
    if (!fitted && this.fitFor !== this.xy) {
      this.fit = fitPoints(this.xy); // once per layout: every draw and label pass reads it
      this.fitFor = this.xy;
    }
    const pts: Record<string, Float32Array> = fitted ? { x: fitted.x, y: fitted.y } : { ...this.fit! };
    if (this.color) pts.valueA = this.color.values;
    return pts;
  }

  /**
   * Draw the current points (`points()`, read when this draw's turn comes) with their
   * spatial index (spatial.ts). Draws run one after another, in the order asked:
   * regl-scatterplot refuses a draw while one is under way, and a later call (a new
   * layout after a new colour) must land last. The point rows are made while the index is
   * built (in a worker for large n); `before` runs as the draw starts (a label glide
   * starts with the points' glide). `first`: the first draw's points and index, started
   * before the scatter was created, and the scatter's `init` (the draw waits for it).
   */
  private drawPoints(
    options: object,
    before?: (pts: Record<string, Float32Array>) => void,
    first?: {
      pts: Record<string, Float32Array>;
      index: Promise<ArrayBuffer>;
      rows?: number[][];
      ready: Promise<void>;
      shown: () => void;
      renderer: Renderer;
    },
  ): Promise<void> {
    const run = async () => {
      if (!this.scatter || this.destroyed) return;
      const pts = first?.pts ?? this.points();
      const index = first?.index ?? spatialIndexSoon(pts.x, pts.y);
      const rows = first?.rows ?? pointRows(pts);
      const spatialIndex = await index;
      await first?.ready;
      if (!this.scatter || this.destroyed) return;
      before?.(pts);
      const sp = this.scatter;
      // the first draw is rendered as soon as its points are set (the library's
      // `drawRequested`, js/patch-regl-scatterplot.cjs), in this task, not at the
      // renderer's next animation frame; the queue still waits for the draw to end
      const now = first ? sp.subscribe("drawRequested" as never, () => { renderNow(first.renderer); first.shown(); }, 1) : null; // prettier-ignore
      try {
        await sp.draw(rows as never, { ...options, spatialIndex } as never);
      } finally {
        if (now) sp.unsubscribe(now);
      }
    };
    const next = this.drawQueue.then(run, run);
    this.drawQueue = next.catch(() => undefined);
    return next;
  }

  private colorSettings() {
    const color = this.color;
    if (!color) return { pointColor: DEFAULT_COLOR, colorBy: null };
    const pointColor =
      color.kind === "categorical" ? color.legend.map((_, i) => categorical(i)) : ramp(64);
    return { pointColor, colorBy: "valueA" as const };
  }

  private drawOptions() {
    return { zDataType: this.color?.kind === "categorical" ? ("categorical" as const) : ("continuous" as const) };
  }

  /** Apply highlight or selection marks now, or keep them for after the first draw. */
  private mark(marks: Marks): boolean {
    if (!this.scatter || !this.drawn) {
      this.pending = marks;
      return false;
    }
    const { indices } = marks;
    if (indices && indices.length) this.scatter.select(Array.from(indices), { preventEvent: true });
    else this.scatter.deselect({ preventEvent: true });
    return true;
  }

  /** Start once the node has a size (a renderer's node is often not attached yet). */
  private startWhenSized(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const tryStart = () => {
        if (this.scatter || this.destroyed || this.parts.wrap.clientWidth === 0) return;
        this.start().then(resolve, reject);
      };
      tryStart();
      // the node is usually attached within the task that rendered it (the widget manager
      // adds the view after render()): a task later it has its size, and the first draw can
      // be done before the frame that lays the view out, instead of in that frame's
      // ResizeObserver callback (one software-composited frame later)
      setTimeout(tryStart, 0);
      this.resizer = new ResizeObserver(() => {
        if (!this.scatter) return tryStart();
        const { clientWidth: width, clientHeight: height } = this.parts.wrap;
        // the observer's first call (at observe) and any call with the plot's own size would
        // redraw every point for nothing: in a first frame that is a second full render
        const sp = this.scatter;
        if (width <= 0 || height <= 0 || (width === sp.get("width") && height === sp.get("height"))) return;
        sharedRenderer(width, height); // grows with the largest plot
        void sp.set({ width, height }).then(() => this.scheduleLabels());
      });
      this.resizer.observe(this.parts.wrap);
    });
  }

  private async start(): Promise<void> {
    const { wrap, canvas, root } = this.parts;
    const phases: Record<string, number> = { sized: performance.now() - this.t0 };
    const style = pointStyle(this.xy.length >> 1);
    const pts = this.points();
    const early = this.early;
    this.early = null;
    const same = early && early.pts.x === pts.x && early.pts.y === pts.y && early.pts.valueA === pts.valueA;
    // started when the view was made, unless the points changed since
    const index = same ? early.index : spatialIndexSoon(pts.x, pts.y);
    const rows = same ? early.rows : undefined;
    const parked = takeParked(); // made ahead when the page was idle (renderer.ts)
    const options = {
      backgroundColor: background(root),
      pointSize: style.pointSize,
      opacity: style.opacity,
      pointSizeSelected: 2,
      pointColorActive: ACTIVE_COLOR,
      pointColorHover: HOVER_COLOR,
      opacityInactiveScale: 0.6,
      lassoColor: [0.1, 0.4, 0.8, 1],
      ...this.colorSettings(),
    };
    const size = { width: wrap.clientWidth, height: wrap.clientHeight };
    const renderer = sharedRenderer(size.width, size.height); // one WebGL context for the page (renderer.ts)
    let sp: Scatter;
    let ready: Promise<void>;
    if (parked) {
      // the parked plot's canvas takes this one's place (and its accessible name)
      for (const name of ["role", "aria-label"]) parked.canvas.setAttribute(name, canvas.getAttribute(name) ?? "");
      canvas.replaceWith(parked.canvas);
      this.parts.canvas = parked.canvas;
      sp = parked.scatter;
      // set() applies a numeric size at once (js/patch-regl-scatterplot.cjs), so the points
      // can be drawn, and rendered, right away
      void sp.set({ ...options, ...size } as never);
      parked.resume();
      ready = Promise.resolve();
    } else {
      sp = createScatterplot({ renderer, canvas, ...size, ...options } as never);
      // the first draw waits for the plot's `init` (its size set: a draw before that
      // rendered every point twice), or for destroy() (a plot destroyed first never
      // publishes it)
      ready = new Promise<void>((resolve) => {
        this.unblock = resolve;
        sp.subscribe("init", () => resolve(), 1);
      });
    }
    this.scatter = sp;
    this.subscribe(sp);
    phases.scatter = performance.now() - this.t0;
    let shown = () => {};
    const onScreen = new Promise<void>((resolve) => (shown = resolve));
    const drawing = this.drawPoints(this.drawOptions(), undefined, { pts, index, rows, ready, shown, renderer });
    drawing.catch(() => undefined); // its failure is start()'s, through the race below
    await Promise.race([onScreen, drawing]); // rendered (or the draw ended: destroyed, failed)
    if (this.destroyed) return;
    phases.points = performance.now() - this.t0;
    this.drawn = true;
    this.pointsChanged();
    if (this.pending?.kind === "highlight") this.setHighlight(this.pending.indices);
    else if (this.pending?.kind === "selection") this.setSelection(this.pending.indices);
    this.pending = null;
    // the points and the labels are drawn now, not at the next animation frame: when the
    // first draw finishes while the view is being laid out (its ResizeObserver callback),
    // the frame that shows the view shows them too
    renderNow(renderer);
    this.labelsNow();
    const ms = performance.now() - this.t0;
    // when each step of the first frame ended, ms after render(): for measurements
    root.dataset.phases = JSON.stringify({ ...phases, labels: ms });
    root.dataset.drawn = "1";
    root.dataset.drawMs = ms.toFixed(1);
    root.dataset.renderAt = this.t0.toFixed(1); // performance.now() when render() began
    root.dataset.drawnAt = String(Date.now());
    this.backend.drawn?.(ms);
  }

  // ---------------------------------------------------------------- events
  private subscribe(sp: Scatter): void {
    sp.subscribe("view", () => this.scheduleLabels());
    sp.subscribe("pointOver", (i: number) => this.onHover(i));
    sp.subscribe("pointOut", () => {
      this.hovered = -1;
      this.parts.tooltip.hidden = true;
      this.backend.hovered?.(-1);
    });
    sp.subscribe("lassoStart", () => {
      this.inLasso = true;
    });
    sp.subscribe("select", ({ points }: { points: number[] }) => this.onSelect(points));
    sp.subscribe("deselect", () => {
      this.nbrRow = -1;
      if (!this.userSelection) return;
      this.userSelection = false;
      this.parts.count.textContent = "";
      this.backend.select?.(new Uint32Array(0));
    });
  }

  private listen(): void {
    const { search, regex, wrap, lasso, reset } = this.parts;
    const schedule = () => {
      clearTimeout(this.searchTimer);
      if (this.sentence?.active) return; // a sentence runs on Enter
      this.searchTimer = setTimeout(() => void this.runSearch(), 200);
    };
    search.addEventListener("input", schedule);
    regex.addEventListener("change", schedule);
    search.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      clearTimeout(this.searchTimer);
      if (this.sentence?.active) void this.sentence.run(search.value);
      else void this.runSearch();
    });
    wrap.addEventListener("mousemove", (e) => {
      const r = wrap.getBoundingClientRect();
      this.mouse = [e.clientX - r.left, e.clientY - r.top];
      if (!this.parts.tooltip.hidden) placeTooltip(this.parts, this.mouse);
    });
    lasso.addEventListener("click", () => {
      const on = !lasso.classList.contains("ek-on");
      lasso.classList.toggle("ek-on", on);
      void this.scatter?.set({ mouseMode: on ? "lasso" : "panZoom" });
    });
    reset.addEventListener("click", () => void this.scatter?.zoomToOrigin());
  }

  private showTooltip(info: HoverInfo): void {
    renderTooltip(this.parts.tooltip, info);
    placeTooltip(this.parts, this.mouse);
  }

  private onHover(i: number): void {
    this.hovered = i;
    this.backend.hovered?.(i);
    const known = this.cache.get(i);
    if (known) return this.showTooltip(known);
    this.backend.hover(i).then(
      (info) => {
        if (info.error) return; // e.g. the kernel restarted with other data
        if (this.cache.size > 5000) this.cache.clear();
        this.cache.set(i, info);
        if (this.hovered === i && !this.destroyed) this.showTooltip(info);
      },
      (err) => console.warn("embedkit: hover failed", err),
    );
  }

  private onSelect(points: number[]): void {
    if (this.inLasso) {
      this.nbrRow = -1;
      this.inLasso = false;
      this.userSelection = true;
      this.parts.count.textContent = `${points.length.toLocaleString("en-US")} selected`;
      this.backend.select?.(Uint32Array.from(points));
    } else if (points.length === 1) {
      void this.showNeighbours(points[0]);
    }
  }

  private async runSearch(): Promise<void> {
    const seq = ++this.searchSeq;
    const { count, matches, search, regex } = this.parts;
    const query = search.value;
    this.nbrRow = -1;
    count.classList.remove("ek-error");
    clear(matches);
    if (!query) {
      count.textContent = "";
      this.scatter?.deselect({ preventEvent: true });
      return;
    }
    const res = await this.backend.search(query, regex.checked);
    if (seq !== this.searchSeq || this.destroyed) return;
    if (res.error) {
      count.classList.add("ek-error");
      count.textContent = res.error;
      return;
    }
    count.textContent = formatCount(res.count, "match", "matches");
    this.sentence?.afterLabelSearch(query, res.count);
    if (res.count) this.scatter?.select(Array.from(res.indices), { preventEvent: true });
    else this.scatter?.deselect({ preventEvent: true });
    this.userSelection = false;
    renderMatches(matches, res.shown, (j) => void this.showNeighbours(j));
  }
}

/** Build the projector inside `el`; `view.ready` resolves after the first frame. */
export function createProjectorView(
  el: HTMLElement,
  data: ProjectorData,
  backend: ProjectorBackend,
): ProjectorView {
  return new View(el, data, backend);
}
