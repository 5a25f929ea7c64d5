// Reading a TensorFlow Embedding Projector export (`vectors.tsv`, optional `metadata.tsv`)
// in the page, with a small PCA (power iteration on the covariance) for the 2D layout.

import type { LocalData } from "./local";
import type { NeighbourResult, ProjectorData } from "./types";

/** Above this many rows the viewer does not lay out in the browser (PCA and memory). */
export const TSV_MAX_POINTS = 5000;
/** The most values per row (dimensions) the viewer reads. */
export const TSV_MAX_DIM = 10_000;
/** The most values (rows × dimensions) the viewer reads: 5,000 rows of 1,024 dimensions. */
export const TSV_MAX_VALUES = 5000 * 1024;
/** The largest metadata.tsv the viewer reads (characters). */
export const METADATA_MAX_CHARS = 32_000_000;
/** Metadata columns shown on hover (after the label); further columns are left out. */
export const METADATA_MAX_FIELDS = 32;
/** Neighbours listed on click in the file viewer. */
export const TSV_K = 10;

/** A problem with a projector export; the message names it (plain text). */
export class TsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TsvError";
  }
}

function fail(message: string): never {
  throw new TsvError(message);
}

const fmt = (n: number) => n.toLocaleString("en-US");

export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB`;
}

const HINT = 'In a notebook: emb = ek.load("<folder>", format="projector"); ek.Projector(emb)';

/** A cell as a short quoted text for messages (control characters escaped). */
function quote(s: string, max = 24): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/**
 * The lines of a text file (CRLF or CR as LF, trailing empty lines dropped), counted before
 * any is cut out: more than `max` lines is an error whose message `tooMany(count)` gives.
 */
function splitLines(text: string, max: number, tooMany: (count: number) => string): string[] {
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  if (end === 0) return [];
  if (end < text.length) text = text.slice(0, end);
  let count = 1;
  for (let p = text.indexOf("\n"); p >= 0; p = text.indexOf("\n", p + 1)) count++;
  if (count > max) fail(tooMany(count));
  return text.split("\n");
}

/** Tab-separated cells in a line, counted without cutting them out. */
function countCells(line: string): number {
  let count = 1;
  for (let p = line.indexOf("\t"); p >= 0; p = line.indexOf("\t", p + 1)) count++;
  return count;
}

/** The first `max` tab-separated cells of a line (a line of a million cells costs `max`). */
function firstCells(line: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < max) {
    const p = line.indexOf("\t", start);
    out.push(p < 0 ? line.slice(start) : line.slice(start, p));
    if (p < 0) break;
    start = p + 1;
  }
  return out;
}

export function parseVectors(text: string): { rows: number; dim: number; values: Float64Array } {
  const lines = splitLines(
    text,
    TSV_MAX_POINTS,
    (rows) =>
      `vectors.tsv has ${fmt(rows)} rows; the in-browser viewer lays out at most ${fmt(TSV_MAX_POINTS)}. ${HINT}`,
  );
  const rows = lines.length;
  if (rows === 0) fail("vectors.tsv is empty");
  const dim = countCells(lines[0]);
  if (dim < 2) fail("vectors.tsv: need at least 2 values per row (line 1 holds 1)");
  if (dim > TSV_MAX_DIM) {
    fail(`vectors.tsv has ${fmt(dim)} values per row; the in-browser viewer reads at most ${fmt(TSV_MAX_DIM)}. ${HINT}`);
  }
  if (rows * dim > TSV_MAX_VALUES) {
    fail(
      `vectors.tsv holds ${fmt(rows)} rows × ${fmt(dim)} values; the in-browser viewer reads at most ` +
        `${fmt(TSV_MAX_VALUES)} values. ${HINT}`,
    );
  }
  const values = new Float64Array(rows * dim);
  let maxAbs = 0;
  for (let r = 0; r < rows; r++) {
    const line = lines[r];
    const count = countCells(line);
    if (count !== dim) {
      fail(`vectors.tsv line ${r + 1}: ${fmt(count)} ${count === 1 ? "value" : "values"}, expected ${fmt(dim)}`);
    }
    const cells = line.split("\t");
    for (let j = 0; j < dim; j++) {
      const c = cells[j];
      const v = Number(c);
      if (c.trim() === "" || !Number.isFinite(v)) {
        fail(`vectors.tsv line ${r + 1}, column ${j + 1}: ${quote(c)} is not a finite number`);
      }
      values[r * dim + j] = v;
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
    }
  }
  // PCA squares the values: bring extreme magnitudes to 1 first (the layout is fitted to
  // the view and cosine neighbours do not depend on scale, so nothing else changes)
  if (maxAbs > 1e100 || (maxAbs > 0 && maxAbs < 1e-100)) {
    for (let i = 0; i < values.length; i++) values[i] /= maxAbs;
  }
  return { rows, dim, values };
}

/**
 * Labels and fields from metadata.tsv (a header only when there are several columns).
 * At most `METADATA_MAX_FIELDS` columns after the label are kept; `dropped` counts the rest.
 */
export function parseMetadata(
  text: string,
  rows: number,
): { labels: string[]; fields: Record<string, string[]>; dropped: number } {
  if (text.length > METADATA_MAX_CHARS) {
    fail(`metadata.tsv is ${formatMB(text.length)}; the viewer reads at most ${formatMB(METADATA_MAX_CHARS)}`);
  }
  const nl = text.indexOf("\n");
  const firstLine = nl < 0 ? text : text.slice(0, nl);
  const multi = firstLine.includes("\t");
  const lines = splitLines(text, rows + (multi ? 1 : 0), (count) =>
    `metadata.tsv has ${fmt(count - (multi ? 1 : 0))} rows for ${fmt(rows)} vectors`,
  );
  const body = multi ? lines.slice(1) : lines;
  if (body.length !== rows) {
    fail(`metadata.tsv has ${fmt(body.length)} rows for ${fmt(rows)} vectors`);
  }
  const columns = multi ? countCells(lines[0]) - 1 : 0;
  const kept = Math.min(columns, METADATA_MAX_FIELDS);
  const header = multi ? firstCells(lines[0], 1 + kept).slice(1) : [];
  // column names are untrusted: unique, and kept in an object without a prototype
  const names: string[] = [];
  const seen = new Set<string>();
  for (const raw of header) {
    let name = raw;
    for (let i = 2; seen.has(name); i++) name = `${raw} (${i})`;
    seen.add(name);
    names.push(name);
  }
  const columnsOut: string[][] = names.map(() => []);
  const labels = body.map((line) => {
    const cells = firstCells(line, 1 + kept);
    for (let j = 0; j < kept; j++) columnsOut[j].push(cells[j + 1] ?? "");
    return cells[0];
  });
  const fields: Record<string, string[]> = Object.create(null);
  names.forEach((name, j) => (fields[name] = columnsOut[j]));
  return { labels, fields, dropped: columns - kept };
}

/** The first two principal components (power iteration with deflation), as interleaved xy. */
export function pca2(values: Float64Array, rows: number, dim: number): Float32Array {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) mean[j] += values[r * dim + j] / rows;
  const x = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) x[r * dim + j] = values[r * dim + j] - mean[j];
  const out = new Float32Array(2 * rows);
  const comps: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(dim).map((_, j) => Math.sin(j + 1 + c));
    for (let it = 0; it < 100; it++) {
      const xv = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += x[r * dim + j] * v[j];
        xv[r] = s;
      }
      const w = new Float64Array(dim);
      for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) w[j] += x[r * dim + j] * xv[r];
      for (const p of comps) {
        let d = 0;
        for (let j = 0; j < dim; j++) d += w[j] * p[j];
        for (let j = 0; j < dim; j++) w[j] -= d * p[j];
      }
      const norm = Math.hypot(...w) || 1;
      const next = w.map((a) => a / norm);
      let change = 0;
      for (let j = 0; j < dim; j++) change = Math.max(change, Math.abs(next[j] - v[j]));
      v = next;
      if (change < 1e-12) break;
    }
    comps.push(v);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += x[r * dim + j] * v[j];
      out[2 * r + c] = s;
    }
  }
  return out;
}

/** Cosine neighbours of row i in the original space, computed on click (O(n·d)). */
export function cosineNeighbours(
  values: Float64Array, rows: number, dim: number, labels: string[], i: number, k: number,
): NeighbourResult {
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += values[r * dim + j] ** 2;
    norms[r] = Math.sqrt(s) || 1;
  }
  const scores: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    if (r === i) continue;
    let s = 0;
    for (let j = 0; j < dim; j++) s += values[r * dim + j] * values[i * dim + j];
    scores.push([r, s / (norms[r] * norms[i])]);
  }
  scores.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const items = scores.slice(0, k).map(([r, s]): [number, string, number] => [r, labels[r], s]);
  return { i, label: labels[i], metric: "cosine", k: items.length, items };
}

export function parseProjectorExport(
  vectors: string,
  metadata: string | null,
): {
  data: ProjectorData;
  local: LocalData;
  note: string;
  neighbours: (i: number) => Promise<NeighbourResult>;
} {
  const t0 = performance.now();
  const { rows, dim, values } = parseVectors(vectors);
  const meta = metadata === null ? null : parseMetadata(metadata, rows);
  const labels = meta ? meta.labels : Array.from({ length: rows }, (_, i) => String(i));
  const xy = pca2(values, rows, dim);
  for (let i = 0; i < xy.length; i++) {
    if (!Number.isFinite(xy[i])) fail("vectors.tsv: the PCA layout is not finite (values too large or too small)");
  }
  const note =
    `${fmt(rows)} vectors × ${fmt(dim)} dimensions, PCA in the browser` +
    (meta ? "; labels from metadata.tsv" : "; no metadata.tsv beside it (row numbers as labels)") +
    (meta?.dropped ? ` (its first ${METADATA_MAX_FIELDS} columns after the label; ${fmt(meta.dropped)} more left out)` : "") +
    ". Click a point for its cosine neighbours in the original space (computed here). " +
    "For larger files: emb = ek.load(folder, format=\"projector\"); ek.Projector(emb).";
  return {
    data: {
      xy, method: "pca (browser)", metric: "cosine", k: TSV_K, height: 480, t0,
      labels: { order: Uint32Array.from(labels.keys()), text: labels, max: 300 }, // row order
    },
    local: { labels, fields: meta?.fields ?? {} },
    note,
    neighbours: async (i) => cosineNeighbours(values, rows, dim, labels, i, TSV_K),
  };
}
