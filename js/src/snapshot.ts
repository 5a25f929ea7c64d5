// Decoding a saved snapshot (`application/vnd.embedkit.projector+json`, written by
// `embedkit.snapshot`) into the view's data and a kernel-less backend. Arrays travel as
// base64 of little-endian bytes: {dtype, shape, b64}.
//
// A saved notebook is untrusted input: `validateSnapshot` checks every field's type and
// range up front (counts against the caps below before anything is allocated), then
// `snapshotParts` decodes the arrays and checks their values. Any problem is a
// `SnapshotError` whose message names it, for the renderer to show as text.

import type { LocalData } from "./local";
import type { ColorData, LegendItem, MapLabels, ProjectorData, TimelineData } from "./types";

/** The most points a snapshot may hold (the Python writer keeps 50,000 by default). */
export const SNAPSHOT_MAX_POINTS = 1_000_000;
/** The most neighbours per point (the Python writer allows up to 100). */
export const SNAPSHOT_MAX_K = 1000;
/** The most neighbour entries (points × k) in the stored table. */
export const SNAPSHOT_MAX_NEIGHBOUR_ENTRIES = 20_000_000;
/** The most metadata columns (the Python writer keeps 8). */
export const SNAPSHOT_MAX_FIELDS = 64;
/** The most legend entries (the Python writer keeps 20). */
export const SNAPSHOT_MAX_CATEGORIES = 1000;
/** The most characters in all labels and metadata values together. */
export const SNAPSHOT_MAX_TEXT_CHARS = 32_000_000;
/** The most characters in a name (method, metric, column, legend entry, min, max). */
export const SNAPSHOT_MAX_NAME_CHARS = 1000;
/** The most characters in the subsample note. */
export const SNAPSHOT_MAX_NOTE_CHARS = 10_000;
/** The most frames (epochs) of a timeline. */
export const SNAPSHOT_MAX_FRAMES = 10_000;
/** The most points over all frames of a timeline (frames × points). */
export const SNAPSHOT_MAX_FRAME_POINTS = 5_000_000;
/** The range of the view's height, in CSS pixels. */
export const SNAPSHOT_HEIGHT = [50, 4000] as const;

export type Dtype = "float32" | "float16" | "uint16" | "uint32";

export interface B64Array {
  dtype: Dtype;
  shape: number[];
  b64: string;
}

export interface Snapshot {
  version: number;
  method: string;
  metric: string;
  k: number;
  height?: number;
  n_total: number;
  subsample?: string | null;
  /** The encoder's name when the embeddings had one (a kernel could encode sentences). */
  encoder?: string | null;
  labels: string[];
  xy: B64Array;
  fields?: Record<string, string[]>;
  color?: {
    kind: "categorical" | "continuous";
    column: string;
    legend: { name: string }[];
    values: B64Array;
    min?: string;
    max?: string;
  } | null;
  neighbours?: { k: number; metric: string; indices: B64Array; scores: B64Array } | null;
  /** Labels drawn on the map: point rows in importance order, the most shown at once. */
  map_labels?: { order: B64Array; max: number } | null;
  /** A training timeline (all frames); `xy` and `neighbours` above are its last frame's. */
  timeline?: {
    epochs: number[];
    frame: number;
    xy: B64Array;
    metrics?: { columns: string[]; values: (number | null)[][] } | null;
    neighbours?: { k: number; metric: string; indices: B64Array; scores: B64Array } | null;
  } | null;
}

/** A problem with a snapshot payload; the message names it (plain text). */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

function fail(message: string): never {
  throw new SnapshotError(message);
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** A short, plain-text description of an unexpected value, for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list of ${fmt(v.length)}`;
  if (typeof v === "string") return `the text ${quote(v)}`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return typeof v === "object" ? "an object" : typeof v;
}

function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function wholeNumber(v: unknown, what: string, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    fail(`${what} is ${describe(v)}, expected a whole number from ${fmt(lo)} to ${fmt(hi)}`);
  }
  return v;
}

function text(v: unknown, what: string, max: number): string {
  if (typeof v !== "string") fail(`${what} is ${describe(v)}, expected text`);
  if (v.length > max) fail(`${what} is ${fmt(v.length)} characters long, at most ${fmt(max)}`);
  return v;
}

function optionalText(v: unknown, what: string, max: number): string | undefined {
  return v === undefined || v === null ? undefined : text(v, what, max);
}

/** A list of `n` strings; adds their length to `budget.chars` and checks the total. */
function textList(v: unknown, what: string, n: number, budget: { chars: number }): string[] {
  if (!Array.isArray(v)) fail(`${what} is ${describe(v)}, expected a list of text`);
  if (v.length !== n) fail(`${what} holds ${fmt(v.length)} values for ${fmt(n)} labels`);
  for (let i = 0; i < n; i++) {
    const s = v[i];
    if (typeof s !== "string") fail(`${what}[${i}] is ${describe(s)}, expected text`);
    budget.chars += s.length;
  }
  if (budget.chars > SNAPSHOT_MAX_TEXT_CHARS) {
    fail(`labels and metadata hold more than ${fmt(SNAPSHOT_MAX_TEXT_CHARS)} characters`);
  }
  return v as string[];
}

const BYTES: Record<Dtype, number> = { float32: 4, float16: 2, uint16: 2, uint32: 4 };

/**
 * Checks an array's dtype, shape and base64 length (nothing is decoded). `check` sees the
 * shape and its number of values first, to reject sizes with a message of its own.
 */
function checkArray(
  v: unknown, what: string, dtypes: Dtype[], check: (shape: number[], count: number) => void, maxDims = 2,
): void {
  if (!isObject(v)) fail(`${what} is ${describe(v)}, expected an array {dtype, shape, b64}`);
  const dtype = own(v, "dtype");
  if (typeof dtype !== "string" || !(dtypes as string[]).includes(dtype)) {
    const got = typeof dtype === "string" ? quote(dtype) : describe(dtype);
    fail(`${what}: dtype ${got} is not supported (expected ${dtypes.join(" or ")})`);
  }
  const shape = own(v, "shape");
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > maxDims) {
    const sizes = maxDims === 2 ? "1 or 2" : `1 to ${maxDims}`;
    fail(`${what}: shape is ${describe(shape)}, expected a list of ${sizes} sizes`);
  }
  let count = 1;
  shape.forEach((d, j) => {
    count *= wholeNumber(d, `${what}: shape[${j}]`, 0, Number.MAX_SAFE_INTEGER);
  });
  check(shape as number[], count);
  const b64 = own(v, "b64");
  if (typeof b64 !== "string") fail(`${what}: b64 is ${describe(b64)}, expected base64 text`);
  const chars = 4 * Math.ceil((count * BYTES[dtype as Dtype]) / 3);
  if (b64.length !== chars) {
    fail(
      `${what}: ${fmt(b64.length)} characters of base64 for shape [${shape.join(", ")}] ` +
        `${dtype} (expected ${fmt(chars)})`,
    );
  }
}

/**
 * Checks every field of a snapshot payload (types, ranges, lengths, array shapes and
 * base64 sizes) before anything is decoded; throws a `SnapshotError` naming the problem.
 */
export function validateSnapshot(raw: unknown): Snapshot {
  if (!isObject(raw)) fail(`the payload is ${describe(raw)}, expected an object`);
  const version = own(raw, "version");
  if (version !== 1) fail(`unsupported snapshot version ${describe(version)} (this embedkit reads version 1)`);

  const labels = own(raw, "labels");
  if (!Array.isArray(labels)) fail(`labels is ${describe(labels)}, expected a list of text`);
  const n = labels.length;
  if (n > SNAPSHOT_MAX_POINTS) {
    fail(`labels holds ${fmt(n)} entries; a snapshot shows at most ${fmt(SNAPSHOT_MAX_POINTS)} points`);
  }
  if (n === 0) fail("labels is empty: the snapshot holds no points");
  const budget = { chars: 0 };
  textList(labels, "labels", n, budget);

  text(own(raw, "method"), "method", SNAPSHOT_MAX_NAME_CHARS);
  text(own(raw, "metric"), "metric", SNAPSHOT_MAX_NAME_CHARS);
  wholeNumber(own(raw, "k"), "k", 0, SNAPSHOT_MAX_K);
  const height = own(raw, "height");
  if (height !== undefined && height !== null) wholeNumber(height, "height", ...SNAPSHOT_HEIGHT);
  const nTotal = own(raw, "n_total");
  if (nTotal !== undefined && nTotal !== null) wholeNumber(nTotal, "n_total", 0, Number.MAX_SAFE_INTEGER);
  optionalText(own(raw, "subsample"), "subsample", SNAPSHOT_MAX_NOTE_CHARS);
  optionalText(own(raw, "encoder"), "encoder", 200);

  checkArray(own(raw, "xy"), "xy", ["float32"], (shape) => {
    if (shape.length !== 2 || shape[1] !== 2) fail(`xy: shape [${shape.join(", ")}] is not [points, 2]`);
    if (shape[0] > SNAPSHOT_MAX_POINTS) {
      fail(`xy: shape claims ${fmt(shape[0])} points; a snapshot shows at most ${fmt(SNAPSHOT_MAX_POINTS)}`);
    }
    if (shape[0] !== n) fail(`xy holds ${fmt(shape[0])} points for ${fmt(n)} labels`);
  });

  const fields = own(raw, "fields");
  if (fields !== undefined && fields !== null) {
    if (!isObject(fields)) fail(`fields is ${describe(fields)}, expected an object of columns`);
    const names = Object.keys(fields);
    if (names.length > SNAPSHOT_MAX_FIELDS) {
      fail(`fields has ${fmt(names.length)} columns, at most ${fmt(SNAPSHOT_MAX_FIELDS)}`);
    }
    for (const name of names) {
      text(name, `a fields column name`, SNAPSHOT_MAX_NAME_CHARS);
      textList(fields[name], `fields[${quote(name)}]`, n, budget);
    }
  }

  const color = own(raw, "color");
  if (color !== undefined && color !== null) {
    if (!isObject(color)) fail(`color is ${describe(color)}, expected an object`);
    const kind = own(color, "kind");
    if (kind !== "categorical" && kind !== "continuous") {
      fail(`color.kind is ${describe(kind)}, expected "categorical" or "continuous"`);
    }
    text(own(color, "column"), "color.column", SNAPSHOT_MAX_NAME_CHARS);
    const legend = own(color, "legend");
    if (!Array.isArray(legend)) fail(`color.legend is ${describe(legend)}, expected a list`);
    if (legend.length > SNAPSHOT_MAX_CATEGORIES) {
      fail(`color.legend has ${fmt(legend.length)} entries, at most ${fmt(SNAPSHOT_MAX_CATEGORIES)}`);
    }
    if (kind === "categorical" && legend.length === 0) fail("color.legend is empty for categorical colours");
    legend.forEach((item, i) => {
      if (!isObject(item)) fail(`color.legend[${i}] is ${describe(item)}, expected {name}`);
      text(own(item, "name"), `color.legend[${i}].name`, SNAPSHOT_MAX_NAME_CHARS);
    });
    checkArray(own(color, "values"), "color.values", ["float32"], (_, count) => {
      if (count !== n) fail(`color.values holds ${fmt(count)} values for ${fmt(n)} labels`);
    });
    optionalText(own(color, "min"), "color.min", SNAPSHOT_MAX_NAME_CHARS);
    optionalText(own(color, "max"), "color.max", SNAPSHOT_MAX_NAME_CHARS);
  }

  const nb = own(raw, "neighbours");
  if (nb !== undefined && nb !== null) {
    if (!isObject(nb)) fail(`neighbours is ${describe(nb)}, expected an object`);
    const k = wholeNumber(own(nb, "k"), "neighbours.k", 0, SNAPSHOT_MAX_K);
    if (n * k > SNAPSHOT_MAX_NEIGHBOUR_ENTRIES) {
      fail(`neighbours: ${fmt(n)} points × k=${fmt(k)} is more than ${fmt(SNAPSHOT_MAX_NEIGHBOUR_ENTRIES)} entries`);
    }
    text(own(nb, "metric"), "neighbours.metric", SNAPSHOT_MAX_NAME_CHARS);
    for (const [key, dtypes] of [["indices", ["uint16", "uint32"]], ["scores", ["float32"]]] as const) {
      const what = `neighbours.${key}`;
      checkArray(own(nb, key), what, [...dtypes], (_, count) => {
        if (count !== n * k) fail(`${what} holds ${fmt(count)} values for ${fmt(n)} points × k=${fmt(k)}`);
      });
    }
  }
  const ml = own(raw, "map_labels");
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) fail(`map_labels is ${describe(ml)}, expected {order, max}`);
    wholeNumber(own(ml, "max"), "map_labels.max", 0, SNAPSHOT_MAX_POINTS);
    checkArray(own(ml, "order"), "map_labels.order", ["uint16", "uint32"], (shape, count) => {
      if (shape.length !== 1 || count > n) {
        fail(`map_labels.order: shape [${shape.join(", ")}] is not [at most ${fmt(n)} rows]`);
      }
    });
  }
  const tl = own(raw, "timeline");
  if (tl !== undefined && tl !== null) validateTimeline(tl, n, budget);
  return raw as unknown as Snapshot;
}

/** Checks the `timeline` of a snapshot of `n` points (frames, epochs, metrics, neighbours). */
function validateTimeline(tl: unknown, n: number, budget: { chars: number }): void {
  if (!isObject(tl)) fail(`timeline is ${describe(tl)}, expected an object`);
  const epochs = own(tl, "epochs");
  if (!Array.isArray(epochs)) fail(`timeline.epochs is ${describe(epochs)}, expected a list of whole numbers`);
  const t = epochs.length;
  if (t === 0 || t > SNAPSHOT_MAX_FRAMES) {
    fail(`timeline.epochs holds ${fmt(t)} epochs, expected 1 to ${fmt(SNAPSHOT_MAX_FRAMES)}`);
  }
  if (t * n > SNAPSHOT_MAX_FRAME_POINTS) {
    fail(`timeline: ${fmt(t)} epochs × ${fmt(n)} points is more than ${fmt(SNAPSHOT_MAX_FRAME_POINTS)}`);
  }
  epochs.forEach((e, j) => {
    wholeNumber(e, `timeline.epochs[${j}]`, j ? (epochs[j - 1] as number) + 1 : 0, Number.MAX_SAFE_INTEGER);
  });
  wholeNumber(own(tl, "frame"), "timeline.frame", 0, t - 1);
  checkArray(own(tl, "xy"), "timeline.xy", ["float32"], (shape) => {
    if (shape.length !== 3 || shape[0] !== t || shape[1] !== n || shape[2] !== 2) {
      fail(`timeline.xy: shape [${shape.join(", ")}] is not [${fmt(t)} epochs, ${fmt(n)} points, 2]`);
    }
  }, 3);
  const metrics = own(tl, "metrics");
  if (metrics !== undefined && metrics !== null) {
    if (!isObject(metrics)) fail(`timeline.metrics is ${describe(metrics)}, expected {columns, values}`);
    const columns = own(metrics, "columns");
    if (!Array.isArray(columns) || columns.length > SNAPSHOT_MAX_FIELDS) {
      fail(`timeline.metrics.columns is ${describe(columns)}, expected a list of at most ${SNAPSHOT_MAX_FIELDS} names`);
    }
    columns.forEach((c, j) => {
      budget.chars += text(c, `timeline.metrics.columns[${j}]`, SNAPSHOT_MAX_NAME_CHARS).length;
    });
    const values = own(metrics, "values");
    if (!Array.isArray(values) || values.length !== t) {
      fail(`timeline.metrics.values is ${describe(values)}, expected one row per epoch (${fmt(t)})`);
    }
    values.forEach((row, f) => {
      if (!Array.isArray(row) || row.length !== columns.length) {
        fail(`timeline.metrics.values[${f}] is ${describe(row)}, expected ${columns.length} numbers`);
      }
      row.forEach((v, j) => {
        if (v !== null && (typeof v !== "number" || !Number.isFinite(v))) {
          fail(`timeline.metrics.values[${f}][${j}] is ${describe(v)}, expected a number or null`);
        }
      });
    });
  }
  const nb = own(tl, "neighbours");
  if (nb !== undefined && nb !== null) {
    if (!isObject(nb)) fail(`timeline.neighbours is ${describe(nb)}, expected an object`);
    const k = wholeNumber(own(nb, "k"), "timeline.neighbours.k", 0, SNAPSHOT_MAX_K);
    if (t * n * k > SNAPSHOT_MAX_NEIGHBOUR_ENTRIES) {
      fail(`timeline.neighbours: ${fmt(t)} epochs × ${fmt(n)} points × k=${fmt(k)} is more than ${fmt(SNAPSHOT_MAX_NEIGHBOUR_ENTRIES)} entries`);
    }
    text(own(nb, "metric"), "timeline.neighbours.metric", SNAPSHOT_MAX_NAME_CHARS);
    for (const [key, dtypes] of [["indices", ["uint16", "uint32"]], ["scores", ["float16", "float32"]]] as const) {
      const what = `timeline.neighbours.${key}`;
      checkArray(own(nb, key), what, [...dtypes], (shape) => {
        if (shape.length !== 3 || shape[0] !== t || shape[1] !== n || shape[2] !== k) {
          fail(`${what}: shape [${shape.join(", ")}] is not [${fmt(t)} epochs, ${fmt(n)} points, k=${fmt(k)}]`);
        }
      }, 3);
    }
  }
}

/** IEEE half floats (as uint16 bits) to float32. */
function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const sign = b & 0x8000 ? -1 : 1;
    const exp = (b >> 10) & 0x1f;
    const frac = b & 0x3ff;
    out[i] = exp === 0 ? sign * 2 ** -14 * (frac / 1024)
      : exp === 31 ? (frac ? NaN : sign * Infinity)
      : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}

function bytes(b64: string, what: string): ArrayBuffer {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    fail(`${what}: not valid base64`);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** A typed array from a base64 array, its length checked against its shape. */
export function fromB64(a: B64Array, what: string): Float32Array | Uint32Array {
  const size = a.shape.reduce((p, q) => p * q, 1);
  const width = BYTES[a.dtype];
  if (!width) fail(`${what}: unsupported dtype ${describe(a.dtype)}`);
  const buf = bytes(a.b64, what);
  if (buf.byteLength !== size * width) {
    fail(`${what}: ${fmt(buf.byteLength)} bytes for shape [${a.shape.join(", ")}] ${a.dtype}`);
  }
  if (a.dtype === "float32") return new Float32Array(buf);
  if (a.dtype === "float16") return halfToFloat(new Uint16Array(buf));
  if (a.dtype === "uint32") return new Uint32Array(buf);
  return Uint32Array.from(new Uint16Array(buf));
}

/** The first point whose coordinates are not finite, and how many there are (-1, 0 if none). */
function nonFinite(xy: Float32Array): [number, number] {
  let first = -1, count = 0;
  for (let i = 0; i < xy.length; i += 2) {
    if (Number.isFinite(xy[i]) && Number.isFinite(xy[i + 1])) continue;
    if (first < 0) first = i >> 1;
    count++;
  }
  return [first, count];
}

/** Validates and decodes a snapshot payload; throws `SnapshotError` naming any problem. */
export function snapshotParts(raw: unknown): { data: ProjectorData; local: LocalData; note: string | null } {
  const snap = validateSnapshot(raw);
  const labels = snap.labels;
  const n = labels.length;
  const xy = fromB64(snap.xy, "xy") as Float32Array;
  const [bad, nBad] = nonFinite(xy);
  if (nBad) {
    fail(
      `xy: ${fmt(nBad)} of ${fmt(n)} points ${nBad === 1 ? "has" : "have"} coordinates that are not finite numbers ` +
        `(NaN or infinite), the first is point ${fmt(bad)} (${quote(labels[bad])})`,
    );
  }
  let color: ColorData | null = null;
  if (snap.color) {
    const c = snap.color;
    const values = fromB64(c.values, "color.values") as Float32Array;
    const m = c.legend.length;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const ok = c.kind === "categorical" ? Number.isInteger(v) && v >= 0 && v < m : v >= 0 && v <= 1;
      if (!ok) {
        const range = c.kind === "categorical" ? `a category code from 0 to ${m - 1}` : "a value from 0 to 1";
        fail(`color.values[${i}] is ${describe(v)}, expected ${range}`);
      }
    }
    const legend: LegendItem[] = c.legend.map((item) => ({ name: item.name }));
    color = { kind: c.kind, column: c.column, legend, values };
    if (typeof c.min === "string") color.min = c.min;
    if (typeof c.max === "string") color.max = c.max;
  }
  const fields: Record<string, string[]> = Object.create(null);
  if (snap.fields) for (const name of Object.keys(snap.fields)) fields[name] = snap.fields[name];
  const local: LocalData = { labels, fields };
  if (snap.neighbours) {
    const nb = snap.neighbours;
    const indices = fromB64(nb.indices, "neighbours.indices") as Uint32Array;
    for (let i = 0; i < indices.length; i++) {
      if (indices[i] >= n) fail(`neighbours.indices holds ${fmt(indices[i])}, but there are ${fmt(n)} points`);
    }
    local.neighbours = {
      k: nb.k,
      metric: nb.metric,
      indices,
      scores: fromB64(nb.scores, "neighbours.scores") as Float32Array,
    };
  }
  let timeline: TimelineData | null = null;
  if (snap.timeline) {
    const tl = snap.timeline;
    const frames = fromB64(tl.xy, "timeline.xy") as Float32Array;
    const [badAt, count] = nonFinite(frames);
    if (count) {
      const f = Math.floor(badAt / n), i = badAt % n;
      fail(`timeline.xy: ${fmt(count)} coordinates are not finite numbers, the first is point ${fmt(i)} (${quote(labels[i])}) at epoch ${tl.epochs[f]}`);
    }
    timeline = { epochs: tl.epochs, frames, metrics: tl.metrics ?? null, frame: tl.frame };
    delete local.neighbours; // neighbours are the shown epoch's, or none
    if (tl.neighbours) {
      const nb = tl.neighbours;
      const indices = fromB64(nb.indices, "timeline.neighbours.indices") as Uint32Array;
      for (let i = 0; i < indices.length; i++) {
        if (indices[i] >= n) fail(`timeline.neighbours.indices holds ${fmt(indices[i])}, but there are ${fmt(n)} points`);
      }
      const scores = fromB64(nb.scores, "timeline.neighbours.scores") as Float32Array;
      local.frameNeighbours = { k: nb.k, metric: nb.metric, indices, scores, epochs: tl.epochs };
    }
  }
  let mapLabels: MapLabels | null = null;
  if (snap.map_labels) {
    const order = fromB64(snap.map_labels.order, "map_labels.order") as Uint32Array;
    for (let r = 0; r < order.length; r++) {
      if (order[r] >= n) fail(`map_labels.order holds ${fmt(order[r])}, but there are ${fmt(n)} points`);
    }
    mapLabels = { order, text: Array.from(order, (i) => labels[i]), max: snap.map_labels.max };
  }
  const data: ProjectorData = {
    labels: mapLabels,
    xy: timeline ? timeline.frames.subarray(timeline.frame! * 2 * n, (timeline.frame! + 1) * 2 * n) : xy,
    method: snap.method, metric: snap.metric, k: snap.k, height: snap.height ?? 480, color, timeline,
    encoder: typeof snap.encoder === "string" && snap.encoder ? snap.encoder : null,
    t0: performance.now(),
  };
  return { data, local, note: snap.subsample ?? null };
}
