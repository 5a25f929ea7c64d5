// A backend without a kernel: answers from data held in the page (saved labels, metadata
// and optionally a precomputed neighbour table). For renderers that have no Python to ask,
// e.g. a JupyterLab MIME renderer of a saved notebook, or a standalone HTML page.

import type { HoverInfo, NeighbourResult, ProjectorBackend, SearchResult } from "./types";

export interface LocalData {
  labels: string[];
  /** Metadata columns, each one value (as text) per point. */
  fields?: Record<string, string[]>;
  /** Precomputed neighbours: row i's k neighbours at [i * k, (i + 1) * k). */
  neighbours?: { k: number; metric: string; indices: Uint32Array; scores: Float32Array };
  /** A timeline's neighbours per frame: frame f, row i's k at [(f * n + i) * k, ... + k). */
  frameNeighbours?: { k: number; metric: string; indices: Uint32Array; scores: Float32Array; epochs: number[] };
  /** Matches listed by label after a search. */
  shown?: number;
}

export function localBackend(data: LocalData): ProjectorBackend {
  const lowered = data.labels.map((s) => s.toLowerCase());
  const fieldNames = Object.keys(data.fields ?? {});
  const shown = data.shown ?? 10;
  return {
    async hover(i: number): Promise<HoverInfo> {
      const fields = fieldNames.map((name): [string, string] => [name, data.fields![name][i]]);
      return { i, label: data.labels[i], fields, image: null };
    },
    async search(query: string, regex: boolean): Promise<SearchResult> {
      let test: (i: number) => boolean;
      if (regex) {
        let re: RegExp;
        try {
          re = new RegExp(query);
        } catch (err) {
          return { count: 0, indices: new Uint32Array(0), shown: [], error: `invalid regex ${JSON.stringify(query)}: ${(err as Error).message}` };
        }
        test = (i) => re.test(data.labels[i]);
      } else {
        const q = query.toLowerCase();
        test = (i) => lowered[i].includes(q);
      }
      const hits: number[] = [];
      for (let i = 0; i < data.labels.length; i++) if (test(i)) hits.push(i);
      return {
        count: hits.length,
        indices: Uint32Array.from(hits),
        shown: hits.slice(0, shown).map((i): [number, string] => [i, data.labels[i]]),
      };
    },
    async neighbours(i: number, frame?: number): Promise<NeighbourResult> {
      const per = data.frameNeighbours;
      if (per && frame !== undefined && frame >= 0 && frame < per.epochs.length) {
        const n = data.labels.length;
        const items: [number, string, number][] = [];
        for (let r = 0; r < per.k; r++) {
          const at = (frame * n + i) * per.k + r;
          const j = per.indices[at];
          items.push([j, data.labels[j], per.scores[at]]);
        }
        return { i, label: data.labels[i], metric: per.metric, k: per.k, items, epoch: per.epochs[frame] };
      }
      const table = data.neighbours;
      if (!table) {
        return { i, label: data.labels[i], metric: "", k: 0, items: [], error: "neighbours need a running kernel" };
      }
      const items: [number, string, number][] = [];
      for (let r = 0; r < table.k; r++) {
        const j = table.indices[i * table.k + r];
        items.push([j, data.labels[j], table.scores[i * table.k + r]]);
      }
      return { i, label: data.labels[i], metric: table.metric, k: table.k, items };
    },
  };
}
