// anywidget adaptor: turns model traits and custom messages into the transport-independent view.
// Requests carry a sequence number; Python answers {type: "reply", req, ...} with binary buffers.

import { decode, viewAs, type WireArray } from "./codecs";
import type {
  ColorData,
  HoverInfo,
  NeighbourResult,
  ProjectorBackend,
  ProjectorData,
  SearchResult,
} from "./types";
import { createProjectorView } from "./view";

export { createProjectorView, fitPoints } from "./view";
export { localBackend } from "./local";

interface Model {
  get(name: string): any;
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
    neighbours: (i) => ask<NeighbourResult>({ type: "neighbours", i }, (m) => m as NeighbourResult),
    select: (indices) => model.send({ type: "select" }, undefined, [indices]),
    hovered: (i) => {
      if (model.get("_track_hover")) model.send({ type: "hovered", i });
    },
    drawn: (ms) => model.send({ type: "drawn", ms }),
  };
  return { backend, onMsg };
}

function render({ model, el }: { model: Model; el: HTMLElement }): () => void {
  const t0 = performance.now();
  const { backend, onMsg } = makeBackend(model);
  const data: ProjectorData = {
    xy: decode(model.get("_xy")) as Float32Array,
    method: model.get("method"),
    metric: model.get("metric"),
    k: model.get("k"),
    height: model.get("height"),
    color: colorFrom(model.get("_color")),
    selected: decode(model.get("_selected_idx")),
    highlight: decode(model.get("_highlight")),
    t0,
  };
  const view = createProjectorView(el, data, backend);
  const handlers: [string, (...a: any[]) => void][] = [
    ["msg:custom", (msg: any, buffers: DataView[]) => {
      onMsg(msg, buffers);
      if (msg?.type === "focus") view.focus(msg.i);
      if (msg?.type === "show_neighbours") void view.showNeighbours(msg.i);
    }],
    ["change:_xy", () => void view.setPoints(decode(model.get("_xy")) as Float32Array, model.get("method"))],
    ["change:_color", () => void view.setColor(colorFrom(model.get("_color")))],
    ["change:_highlight", () => view.setHighlight(decode(model.get("_highlight")))],
    ["change:_selected_idx", () => view.setSelection(decode(model.get("_selected_idx")))],
  ];
  for (const [event, cb] of handlers) model.on(event, cb);
  return () => {
    for (const [event, cb] of handlers) model.off(event, cb);
    view.destroy();
  };
}

export default { render };
