// Labels drawn on the map: a 2D canvas above the WebGL scatter. The most important labels
// first (the given order), none overlapping another, only points inside the view; more
// appear as the user zooms in. Text goes through fillText only (labels are untrusted).
//
// Cost is bounded per frame whatever the number of points: the candidates are the top
// `order` rows (at most a few tens of thousands), bucketed once into a grid over the
// fitted [-1, 1] box; a frame examines at most `CANDIDATES` of them (the globally most
// important ones plus the best of each grid cell in view), and places at most `max`.

import type { DrawnLabel, MapLabels } from "./types";

/** Candidates examined per frame (global top + the best of each visible cell). */
export const CANDIDATES = 3000;
/** Of which, taken from the top of the global order (what shows when zoomed out). */
const GLOBAL = 1000;
const GRID = 64; // cells per side of the candidate grid over [-1, 1]
const FONT = "11px sans-serif";
const LINE = 13; // box height, px
const PAD = 2; // space kept around a box, px
const MAX_CHARS = 32;

/** A camera as regl-scatterplot has it: the 4×4 view matrix (column-major) and the size. */
export interface Camera {
  view: ArrayLike<number>;
  width: number;
  height: number;
}

function shorten(s: string): string {
  const one = s.replace(/[\r\n\t]+/g, " ");
  return one.length > MAX_CHARS ? `${one.slice(0, MAX_CHARS - 1)}…` : one;
}

export class LabelLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private labels: MapLabels | null = null;
  private raw: readonly unknown[] = []; // the labels as given, in rank order
  private text: (string | undefined)[] = []; // shortened on first use (textOf)
  private widths = new Float32Array(0); // measured once per candidate (NaN: not yet)
  // candidate ranks per grid cell, ascending: cell k's are ranks[start[k]] to ranks[start[k + 1]]
  private cells: { start: Uint32Array; ranks: Uint32Array } | null = null;
  private stamp = new Uint32Array(0);
  private pass = 0;
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  private fromX: Float32Array | null = null; // where a glide started (null: no glide)
  private fromY: Float32Array | null = null;
  private mix = 1;
  private drawn: DrawnLabel[] = [];
  /** Milliseconds of each of the last label passes (for measurements). */
  readonly times: number[] = [];

  constructor(parent: HTMLElement) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "ek-labels";
    this.canvas.setAttribute("aria-hidden", "true");
    parent.appendChild(this.canvas);
    this.ctx = this.canvas.getContext("2d")!;
  }

  /** The candidates (rows in importance order, their text, the most drawn at once). */
  setLabels(labels: MapLabels | null): void {
    this.labels = labels && labels.max > 0 && labels.order.length ? labels : null;
    this.raw = this.labels ? this.labels.text : [];
    this.text = new Array(this.raw.length); // a frame uses a few thousand of them at most
    this.widths = new Float32Array(this.raw.length).fill(NaN);
    this.stamp = new Uint32Array(this.raw.length);
    this.cells = null;
  }

  /**
   * The fitted coordinates of every point (regl-scatterplot's [-1, 1] box). With `glide`
   * the points are moving there from where they were: each label is drawn at the
   * `setMix` progress between the two until the mix reaches 1.
   */
  setPoints(x: Float32Array, y: Float32Array, glide = false): void {
    const moving = glide && this.x.length === x.length && this.x.length > 0;
    this.fromX = moving ? this.x : null;
    this.fromY = moving ? this.y : null;
    this.mix = moving ? 0 : 1;
    this.x = x;
    this.y = y;
    this.cells = null;
  }

  /** Eased progress of a glide, 0 (where the points were) to 1 (arrived). */
  setMix(t: number): void {
    this.mix = Math.max(0, Math.min(1, t));
    if (this.mix >= 1) this.fromX = this.fromY = null;
  }

  drawnLabels(): DrawnLabel[] {
    return this.drawn.map((d) => ({ i: d.i, text: d.text, box: [...d.box] as DrawnLabel["box"] }));
  }

  private clear(): void {
    const c = this.canvas;
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, c.width, c.height);
    this.drawn = [];
  }

  /** The label of rank `r`, on one line and at most MAX_CHARS long. */
  private textOf(r: number): string {
    return (this.text[r] ??= shorten(String(this.raw[r])));
  }

  /** Bucket the candidate ranks by grid cell (a counting sort: two passes, no garbage). */
  private buildGrid(): { start: Uint32Array; ranks: Uint32Array } {
    const order = this.labels!.order;
    const n = order.length;
    const cellOfRank = new Int32Array(n);
    const start = new Uint32Array(GRID * GRID + 1);
    for (let r = 0; r < n; r++) {
      const i = order[r];
      const px = this.x[i], py = this.y[i];
      const k = Number.isFinite(px) && Number.isFinite(py) ? cellOf(px, py) : -1;
      cellOfRank[r] = k;
      if (k >= 0) start[k + 1]++;
    }
    for (let k = 0; k < GRID * GRID; k++) start[k + 1] += start[k];
    const next = start.slice(0, GRID * GRID);
    const ranks = new Uint32Array(start[GRID * GRID]);
    for (let r = 0; r < n; r++) {
      const k = cellOfRank[r];
      if (k >= 0) ranks[next[k]++] = r; // ranks arrive ascending
    }
    return (this.cells = { start, ranks });
  }

  /** Place and draw the labels for this camera. */
  draw(cam: Camera): void {
    const t0 = performance.now();
    const { width, height } = cam;
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    if (c.width !== Math.round(width * dpr) || c.height !== Math.round(height * dpr)) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(height * dpr);
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    this.clear();
    const labels = this.labels;
    if (!labels || width <= 0 || height <= 0 || this.x.length === 0) return;
    const cells = this.cells ?? this.buildGrid();
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = FONT;
    // screen = S(view · [x, y, 0, 1]); regl-scatterplot's model and projection matrices
    // are the identity apart from the aspect ratio (width / height) applied to x.
    const v = cam.view, aspect = width / height;
    const ax = v[0] / aspect, bx = v[4] / aspect, cx = v[12] / aspect;
    const ay = v[1], by = v[5], cy = v[13];
    const toX = (px: number, py: number) => (width * (ax * px + bx * py + cx + 1)) / 2;
    const toY = (px: number, py: number) => height * (0.5 - (ay * px + by * py + cy) / 2);
    const cand = this.candidates(cells, ax, bx, cx, ay, by, cy);
    // greedy placement in rank order, overlaps rejected through a screen grid of boxes
    const cw = 96, ch = 2 * LINE;
    const gw = Math.ceil(width / cw) + 1, gh = Math.ceil(height / ch) + 1;
    const occupied: number[][] = new Array(gw * gh);
    const boxes: number[] = []; // x0, y0, x1, y1 per placed label
    const order = labels.order;
    const drawn: DrawnLabel[] = [];
    ctx.textBaseline = "middle";
    ctx.lineWidth = 3;
    ctx.lineJoin = "round";
    ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fillStyle = "#222";
    const { x, y, fromX, fromY, mix } = this;
    // the screen-grid cells that a padded box touches: columns g[0]..g[1], rows g[2]..g[3]
    const g = new Int32Array(4);
    const span = (x0: number, y0: number, x1: number, y1: number): Int32Array => {
      g[0] = Math.max(0, Math.floor((x0 - PAD) / cw));
      g[1] = Math.min(gw - 1, Math.floor((x1 + PAD) / cw));
      g[2] = Math.max(0, Math.floor((y0 - PAD) / ch));
      g[3] = Math.min(gh - 1, Math.floor((y1 + PAD) / ch));
      return g;
    };
    /** No placed box within PAD of (x0, y0)-(x1, y1). */
    const free = (x0: number, y0: number, x1: number, y1: number): boolean => {
      const [gx0, gx1, gy0, gy1] = span(x0, y0, x1, y1);
      for (let gy = gy0; gy <= gy1; gy++) {
        for (let gx = gx0; gx <= gx1; gx++) {
          for (const b of occupied[gy * gw + gx] ?? []) {
            if (x0 - PAD < boxes[b + 2] && x1 + PAD > boxes[b] && y0 - PAD < boxes[b + 3] && y1 + PAD > boxes[b + 1]) return false;
          }
        }
      }
      return true;
    };
    for (let q = 0; q < cand.length && drawn.length < labels.max; q++) {
      const r = cand[q], i = order[r];
      // a gliding point is between where it was and where it goes (the grid is the target's)
      const px = fromX ? fromX[i] + (x[i] - fromX[i]) * mix : x[i];
      const py = fromY ? fromY[i] + (y[i] - fromY[i]) * mix : y[i];
      const sx = toX(px, py), sy = toY(px, py);
      if (!(sx >= 0 && sx <= width && sy >= 0 && sy <= height)) continue;
      const x0 = sx + 4, y0 = sy - LINE / 2, y1 = y0 + LINE;
      // a box that overlaps another even with no width at all is out, without measuring
      // its text (most candidates, once the view is full): the overlap only grows with x1
      if (!free(x0, y0, x0, y1)) continue;
      let w = this.widths[r];
      if (Number.isNaN(w)) w = this.widths[r] = ctx.measureText(this.textOf(r)).width;
      const x1 = x0 + w;
      if (x1 > width) continue; // cut by the right edge
      if (!free(x0, y0, x1, y1)) continue;
      const b = boxes.length;
      boxes.push(x0, y0, x1, y1);
      const [gx0, gx1, gy0, gy1] = span(x0, y0, x1, y1);
      for (let gy = gy0; gy <= gy1; gy++) {
        for (let gx = gx0; gx <= gx1; gx++) (occupied[gy * gw + gx] ??= []).push(b);
      }
      const text = this.textOf(r);
      ctx.strokeText(text, x0, sy);
      ctx.fillText(text, x0, sy);
      drawn.push({ i, text, box: [x0, y0, w, LINE] });
    }
    this.drawn = drawn;
    this.times.push(performance.now() - t0);
    if (this.times.length > 600) this.times.splice(0, 300);
  }

  /** Candidate ranks for this view, ascending, at most CANDIDATES of them. */
  private candidates(
    cells: { start: Uint32Array; ranks: Uint32Array },
    ax: number, bx: number, cx: number, ay: number, by: number, cy: number,
  ): Uint32Array {
    const n = this.raw.length;
    const stamp = this.stamp;
    const pass = ++this.pass;
    const out: number[] = [];
    const top = Math.min(n, GLOBAL);
    for (let r = 0; r < top; r++) {
      stamp[r] = pass;
      out.push(r);
    }
    // the data-space box in view: invert the (axis-aligned) screen transform at the corners
    const det = ax * by - bx * ay;
    if (det !== 0 && n > top) {
      const inv = (nx: number, ny: number): [number, number] => {
        const u = nx - cx, w = ny - cy;
        return [(by * u - bx * w) / det, (ax * w - ay * u) / det];
      };
      const corners = [inv(-1, -1), inv(1, -1), inv(-1, 1), inv(1, 1)];
      const xs = corners.map((p) => p[0]), ys = corners.map((p) => p[1]);
      const [c0x, c0y] = cellXY(Math.min(...xs), Math.min(...ys));
      const [c1x, c1y] = cellXY(Math.max(...xs), Math.max(...ys));
      const visible = (c1x - c0x + 1) * (c1y - c0y + 1);
      const room = CANDIDATES - out.length;
      const per = Math.max(4, Math.ceil(room / visible));
      for (let gy = c0y; gy <= c1y && out.length < CANDIDATES; gy++) {
        for (let gx = c0x; gx <= c1x && out.length < CANDIDATES; gx++) {
          const k = gy * GRID + gx;
          const from = cells.start[k], m = Math.min(cells.start[k + 1] - from, per);
          for (let j = 0; j < m; j++) {
            const r = cells.ranks[from + j];
            if (stamp[r] === pass) continue;
            stamp[r] = pass;
            out.push(r);
          }
        }
      }
    }
    const ranks = Uint32Array.from(out);
    ranks.sort();
    return ranks;
  }
}

function cellXY(px: number, py: number): [number, number] {
  const gx = Math.max(0, Math.min(GRID - 1, Math.floor(((px + 1) / 2) * GRID)));
  const gy = Math.max(0, Math.min(GRID - 1, Math.floor(((py + 1) / 2) * GRID)));
  return [gx, gy];
}

function cellOf(px: number, py: number): number {
  const [gx, gy] = cellXY(px, py);
  return gy * GRID + gx;
}
