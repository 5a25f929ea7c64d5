// Reading a TensorFlow Embedding Projector export (`vectors.tsv`, optional `metadata.tsv`)
// in the page, with a small PCA (power iteration on the covariance) for the 2D layout.

import type { LocalData } from "./local";
import type { NeighbourResult, ProjectorData } from "./types";

/** Above this many rows the viewer does not lay out in the browser (PCA and memory). */
export const TSV_MAX_POINTS = 5000;
/** Neighbours listed on click in the file viewer. */
export const TSV_K = 10;

export function parseVectors(text: string): { rows: number; dim: number; values: Float64Array } {
  const lines = text.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const rows = lines.length;
  if (rows === 0) throw new Error("vectors.tsv is empty");
  if (rows > TSV_MAX_POINTS) {
    throw new Error(
      `vectors.tsv has ${rows.toLocaleString("en-US")} rows; the in-browser viewer lays out at most ` +
        `${TSV_MAX_POINTS.toLocaleString("en-US")}. In a notebook: ` +
        `emb = ek.load("<folder>", format="projector"); ek.Projector(emb)`,
    );
  }
  const dim = lines[0].split("\t").length;
  if (dim < 2) throw new Error("vectors.tsv: need at least 2 values per row (line 1)");
  const values = new Float64Array(rows * dim);
  lines.forEach((line, r) => {
    const cells = line.split("\t");
    if (cells.length !== dim) {
      throw new Error(`vectors.tsv line ${r + 1}: ${cells.length} values, expected ${dim}`);
    }
    cells.forEach((c, j) => {
      const v = Number(c);
      if (c.trim() === "" || !Number.isFinite(v)) {
        throw new Error(`vectors.tsv line ${r + 1}, column ${j + 1}: not a finite number`);
      }
      values[r * dim + j] = v;
    });
  });
  return { rows, dim, values };
}

/** Labels and fields from metadata.tsv (a header only when there are several columns). */
export function parseMetadata(text: string, rows: number): { labels: string[]; fields: Record<string, string[]> } {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const multi = (lines[0] ?? "").includes("\t");
  const header = multi ? lines[0].split("\t") : ["label"];
  const body = multi ? lines.slice(1) : lines;
  if (body.length !== rows) {
    throw new Error(`metadata.tsv has ${body.length} rows for ${rows} vectors`);
  }
  const fields: Record<string, string[]> = {};
  header.slice(1).forEach((name) => (fields[name] = []));
  const labels = body.map((line) => {
    const cells = line.split("\t");
    header.slice(1).forEach((name, j) => fields[name].push(cells[j + 1] ?? ""));
    return cells[0];
  });
  return { labels, fields };
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
      v = w.map((a) => a / norm);
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
  const note =
    `${rows.toLocaleString("en-US")} vectors × ${dim} dimensions, PCA in the browser` +
    (meta ? "; labels from metadata.tsv" : "; no metadata.tsv beside it (row numbers as labels)") +
    ". Click a point for its cosine neighbours in the original space (computed here). " +
    "For larger files: emb = ek.load(folder, format=\"projector\"); ek.Projector(emb).";
  return {
    data: { xy, method: "pca (browser)", metric: "cosine", k: TSV_K, height: 480, t0 },
    local: { labels, fields: meta?.fields ?? {} },
    note,
    neighbours: async (i) => cosineNeighbours(values, rows, dim, labels, i, TSV_K),
  };
}
