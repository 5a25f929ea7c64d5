// Decoding a saved snapshot (`application/vnd.embedkit.projector+json`, written by
// `embedkit.snapshot`) into the view's data and a kernel-less backend. Arrays travel as
// base64 of little-endian bytes: {dtype, shape, b64}.

import type { LocalData } from "./local";
import type { ColorData, ProjectorData } from "./types";

export interface B64Array {
  dtype: "float32" | "uint16" | "uint32";
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
}

function bytes(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** A typed array from a base64 array, its length checked against its shape. */
export function fromB64(a: B64Array, what: string): Float32Array | Uint32Array {
  const buf = bytes(a.b64);
  const size = a.shape.reduce((p, q) => p * q, 1);
  let arr: Float32Array | Uint32Array;
  if (a.dtype === "float32") arr = new Float32Array(buf);
  else if (a.dtype === "uint32") arr = new Uint32Array(buf);
  else if (a.dtype === "uint16") arr = Uint32Array.from(new Uint16Array(buf));
  else throw new Error(`${what}: unsupported dtype ${String(a.dtype)}`);
  if (arr.length !== size) throw new Error(`${what}: ${arr.length} values for shape ${a.shape}`);
  return arr;
}

export function snapshotParts(snap: Snapshot): { data: ProjectorData; local: LocalData; note: string | null } {
  if (!snap || snap.version !== 1) throw new Error(`unsupported snapshot version ${String(snap?.version)}`);
  const n = snap.labels.length;
  const xy = fromB64(snap.xy, "xy") as Float32Array;
  if (xy.length !== 2 * n) throw new Error(`xy holds ${xy.length / 2} points for ${n} labels`);
  let color: ColorData | null = null;
  if (snap.color) {
    const { values, ...rest } = snap.color;
    color = { ...rest, values: fromB64(values, "color") as Float32Array };
  }
  const local: LocalData = { labels: snap.labels, fields: snap.fields ?? {} };
  if (snap.neighbours) {
    const nb = snap.neighbours;
    local.neighbours = {
      k: nb.k,
      metric: nb.metric,
      indices: fromB64(nb.indices, "neighbour indices") as Uint32Array,
      scores: fromB64(nb.scores, "neighbour scores") as Float32Array,
    };
  }
  const data: ProjectorData = {
    xy, method: snap.method, metric: snap.metric, k: snap.k, height: snap.height ?? 480, color,
    t0: performance.now(),
  };
  return { data, local, note: snap.subsample ?? null };
}
