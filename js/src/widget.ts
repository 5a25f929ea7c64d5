// anywidget adaptor: turns model traits and custom messages into the transport-independent view.
// Requests carry a sequence number; Python answers {type: "reply", req, ...} with binary buffers.

import { decode, viewAs, type WireArray } from "./codecs";
import type {
  ColorData,
  FirstDraw,
  HoverInfo,
  MapLabels,
  NeighbourResult,
  ProjectorBackend,
  ProjectorData,
  SearchResult,
  SentenceResult,
  TimelineData,
} from "./types";
import { attachTab } from "./tab";
import { createProjectorView, prepareFirstDraw } from "./view";
import { layoutRunning, mountLiveLayout } from "./live";

export { createProjectorView, fitPoints } from "./view";
export { localBackend } from "./local";
export { spatialIndex, spatialIndexSoon, WORKER_FROM } from "./spatial";

interface Model {
  get(name: string): any;
  set(name: string, value: unknown): void;
  save_changes(): void;
  send(content: object, callbacks?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): void;
  on(event: string, cb: (...args: any[]) => void): void;
  off(event: string, cb: (...args: any[]) => void): void;
}

interface WireColor {
  values: WireArray;
  kind: "categorical" | "continuous";
  column: string;
  legend: { name: string }[];
  min?: string;
  max?: string;
}

function colorFrom(wire: WireColor | null): ColorData | null {
  if (!wire || !wire.values) return null;
  return { ...wire, values: decode(wire.values) as Float32Array };
}

interface WireLabels {
  order: WireArray;
  text_utf8?: DataView | ArrayBuffer | ArrayBufferView; // the labels in order, "\0" between two
  text?: string[]; // instead, when a label holds "\0" (embedkit/widgets/_serialize.py)
  max: number;
}

/** The map labels (`_map_labels`: {order uint32, text_utf8 or text, max}), or null. */
function labelsFrom(wire: WireLabels | null): MapLabels | null {
  if (!wire || !wire.order) return null;
  const order = decode(wire.order) as Uint32Array;
  let text: string[];
  if (wire.text_utf8) {
    text = order.length ? new TextDecoder().decode(wire.text_utf8).split("\0") : [];
  } else if (Array.isArray(wire.text)) text = wire.text.map(String);
  else return null;
  if (order.length !== text.length) return null;
  return { order, text, max: Number(wire.max) || 0 };
}

/** The model's timeline (`_frames` float32 T × n × 2, `_epochs`, `_metrics`, `epoch`), or null. */
function timelineFrom(model: Model): TimelineData | null {
  const frames = decode(model.get("_frames")) as Float32Array | null;
  const epochs: number[] = model.get("_epochs") ?? [];
  if (!frames || !epochs.length) return null;
  const at = epochs.indexOf(model.get("epoch"));
  return {
    frames,
    epochs,
    metrics: model.get("_metrics") ?? null,
    frame: at >= 0 ? at : epochs.length - 1,
    frameMs: model.get("frame_ms"),
  };
}

function makeBackend(model: Model): { backend: ProjectorBackend; onMsg: (m: any, b: DataView[]) => void } {
  let seq = 0;
  const pending = new Map<number, (msg: any, buffers: DataView[]) => void>();
  const ask = <T>(content: object, parse: (msg: any, buffers: DataView[]) => T): Promise<T> =>
    new Promise<T>((resolve) => {
      const req = ++seq;
      pending.set(req, (msg, buffers) => resolve(parse(msg, buffers)));
      model.send({ ...content, req });
    });
  const onMsg = (msg: any, buffers: DataView[]) => {
    if (msg?.type !== "reply") return;
    const done = pending.get(msg.req);
    if (done) {
      pending.delete(msg.req);
      done(msg, buffers);
    }
  };
  const backend: ProjectorBackend = {
    hover: (i) => ask<HoverInfo>({ type: "hover", i }, (m) => m as HoverInfo),
    search: (query, regex) =>
      ask<SearchResult>({ type: "search", query, regex }, (m, b) => ({
        ...m,
        indices: b && b.length ? (viewAs(b[0], "uint32") as Uint32Array) : new Uint32Array(0),
      })),
    neighbours: (i, frame) => {
      const epochs: number[] = model.get("_epochs") ?? [];
      const epoch = frame !== undefined && frame >= 0 ? epochs[frame] : undefined;
      const content = epoch === undefined ? { type: "neighbours", i } : { type: "neighbours", i, epoch };
      return ask<NeighbourResult>(content, (m) => m as NeighbourResult);
    },
    frameShown: (frame) => {
      const epoch = (model.get("_epochs") ?? [])[frame];
      if (epoch === undefined || model.get("epoch") === epoch) return;
      model.set("epoch", epoch);
      model.save_changes();
    },
    select: (indices) => model.send({ type: "select" }, undefined, [indices]),
    hovered: (i) => {
      if (model.get("_track_hover")) model.send({ type: "hovered", i });
    },
    drawn: (ms) => model.send({ type: "drawn", ms }),
    sentence: (text) => ask<SentenceResult>({ type: "sentence", text }, (m) => m as SentenceResult),
  };
  return { backend, onMsg };
}

/** The first view's data, decoded and prepared when the model arrived (`initialize`). */
interface Prepared {
  wire: { xy: unknown; labels: unknown; color: unknown }; // the traits they were made from
  xy: Float32Array;
  labels: MapLabels | null;
  color: ColorData | null;
  first: FirstDraw;
}
// keyed by the model's `_xy` value (a DataView of the comm message's buffer): anywidget
// hands `initialize` and `render` different proxies of the same model
const prepared = new WeakMap<object, Prepared>();
const PREPARED_FOR_MS = 30_000;

/**
 * anywidget calls this when the model arrives, before any view: in a notebook the kernel's
 * comm_open comes 50-150 ms before the display message that makes the view, and the page
 * waits meanwhile. The first draw's work that needs no view is done now: the labels
 * decoded, the points fitted, regl-scatterplot's rows made and the spatial index asked of
 * the worker (spatial.ts). Only the first view takes it, and only if the traits are the same.
 */
function initialize({ model }: { model: Model }): void {
  try {
    const wire = { xy: model.get("_xy"), labels: model.get("_map_labels"), color: model.get("_color") };
    const xy = decode(wire.xy) as Float32Array | null;
    if (!xy || xy.length < 2 || typeof wire.xy !== "object" || timelineFrom(model)) return; // a timeline draws its frames
    const color = colorFrom(wire.color as WireColor | null);
    const first = prepareFirstDraw(xy, color?.values ?? null);
    const key = wire.xy as object;
    prepared.set(key, { wire, xy, labels: labelsFrom(wire.labels as WireLabels | null), color, first });
    // a model not shown soon (kept in a variable, shown later or never) lets it go: a view
    // made later prepares its own
    setTimeout(() => prepared.delete(key), PREPARED_FOR_MS);
  } catch (err) {
    console.warn("embedkit: the projector's data could not be prepared ahead; the view will do it", err);
  }
}

/** What `initialize` made, if the traits it was made from are still the model's. */
function takePrepared(model: Model): Prepared | null {
  const key = model.get("_xy");
  const made = key && typeof key === "object" ? prepared.get(key) : undefined;
  if (!made) return null;
  prepared.delete(key);
  // found by its `_xy`: the labels and colours must be those it was made with too
  const { labels, color } = made.wire;
  return labels === model.get("_map_labels") && color === model.get("_color") ? made : null;
}

function render({ model, el }: { model: Model; el: HTMLElement }): () => void {
  const t0 = performance.now();
  const { backend, onMsg } = makeBackend(model);
  const made = takePrepared(model);
  const data: ProjectorData = {
    xy: made?.xy ?? (decode(model.get("_xy")) as Float32Array),
    method: model.get("method"),
    metric: model.get("metric"),
    k: model.get("k"),
    height: model.get("height"),
    color: made ? made.color : colorFrom(model.get("_color")),
    selected: decode(model.get("_selected_idx")),
    highlight: decode(model.get("_highlight")),
    timeline: timelineFrom(model),
    labels: made ? made.labels : labelsFrom(model.get("_map_labels")),
    encoder: model.get("_encoder") || null,
    t0,
    first: made?.first ?? null,
  };
  const view = createProjectorView(el, data, backend);
  const detachTab = attachTab(el, model);
  const handlers: [string, (...a: any[]) => void][] = [
    ["msg:custom", (msg: any, buffers: DataView[]) => {
      onMsg(msg, buffers);
      if (msg?.type === "focus") view.focus(msg.i);
      if (msg?.type === "show_neighbours") void view.showNeighbours(msg.i);
      if (msg?.type === "play") void view.play();
      if (msg?.type === "show_sentence") view.showSentence(msg as SentenceResult);
    }],
    ["change:epoch", () => {
      const at = (model.get("_epochs") ?? []).indexOf(model.get("epoch"));
      if (at >= 0 && at !== view.frame()) void view.setFrame(at, true);
    }],
    ["change:_frames", () => {
      const tl = timelineFrom(model);
      if (tl) void view.setTimeline(tl);
    }],
    ["change:_xy", () => {
      const xy = decode(model.get("_xy")) as Float32Array;
      void view.setPoints(xy, model.get("method"), layoutRunning(model) ? 400 : 0);
    }],
    ["change:_map_labels", () => view.setLabels(labelsFrom(model.get("_map_labels")))],
    ["change:_color", () => void view.setColor(colorFrom(model.get("_color")))],
    ["change:_highlight", () => view.setHighlight(decode(model.get("_highlight")))],
    ["change:_selected_idx", () => view.setSelection(decode(model.get("_selected_idx")))],
  ];
  for (const [event, cb] of handlers) model.on(event, cb);
  const unmountLive = mountLiveLayout(el, model);
  return () => {
    unmountLive();
    for (const [event, cb] of handlers) model.off(event, cb);
    detachTab();
    view.destroy();
  };
}

export default { initialize, render };
