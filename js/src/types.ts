// The contract between the projector view and whatever feeds it (a kernel, or saved data).

export interface LegendItem {
  name: string;
}

export interface ColorData {
  /** One value per point: category codes 0..m-1 (categorical) or values scaled to [0, 1]. */
  values: Float32Array;
  kind: "categorical" | "continuous";
  column: string;
  /** Category names (categorical) — untrusted text. */
  legend: LegendItem[];
  /** Ends of the continuous scale, as text. */
  min?: string;
  max?: string;
}

/** Per-epoch numbers shown with a timeline: one row of `values` per frame (null: none). */
export interface TimelineMetrics {
  columns: string[];
  values: (number | null)[][];
}

/** A training run's frames: the same points at every epoch, aligned in 2D. */
export interface TimelineData {
  /** The epoch of each frame (increasing). */
  epochs: number[];
  /** Every frame's interleaved xy: frame f, point i at [2 * (f * n + i)]. */
  frames: Float32Array;
  metrics?: TimelineMetrics | null;
  /** The frame shown first (default: the last). */
  frame?: number;
  /** Milliseconds per epoch when playing (default 700). */
  frameMs?: number;
}

/** Labels drawn on the map: candidate rows, most important first, and their text. */
export interface MapLabels {
  /** Point indices in importance order (the candidates; a prefix of all rows or fewer). */
  order: Uint32Array;
  /** The label of each candidate, aligned with `order` (untrusted: drawn as canvas text). */
  text: string[];
  /** The most labels drawn at once. */
  max: number;
}

/** A label drawn on the map, with its box in CSS pixels relative to the plot. */
export interface DrawnLabel {
  i: number;
  text: string;
  box: [number, number, number, number];
}

export interface ProjectorData {
  /** Interleaved 2D coordinates x0, y0, x1, y1, ... (any range; the view fits them). */
  xy: Float32Array;
  method: string;
  metric: string;
  k: number;
  height?: number;
  color?: ColorData | null;
  selected?: ArrayLike<number> | null;
  highlight?: ArrayLike<number> | null;
  /** Labels drawn on the map (null: none). */
  labels?: MapLabels | null;
  /** Frames to play (time slider, Play); `xy` is then the shown frame's coordinates. */
  timeline?: TimelineData | null;
  /** performance.now() when the request to draw started (for first-frame timing). */
  t0?: number;
  /** The name of the encoder that turns typed sentences into vectors (null: none). */
  encoder?: string | null;
  /** The first draw's points, rows and spatial index, made ahead (`prepareFirstDraw`). */
  first?: FirstDraw | null;
}

/**
 * What the first draw of `xy` (coloured by `values`) needs, made before the view exists:
 * the fitted points, regl-scatterplot's rows and the spatial index (a worker's, for large n).
 * The live widget makes it when its model arrives (anywidget's `initialize`), while the
 * kernel is still finishing the cell; a view whose data are not these arrays ignores it.
 */
export interface FirstDraw {
  xy: Float32Array;
  values: Float32Array | null;
  fit: { x: Float32Array; y: Float32Array };
  rows: number[][];
  index: Promise<ArrayBuffer>;
}

/** A typed sentence's answer: its neighbours in the original space and its place. */
export interface SentenceResult {
  text: string;
  metric: string;
  k: number;
  /** (index, label, score) in rank order. */
  items: [number, string, number][];
  /** Where the sentence would sit, in layout coordinates. */
  xy: [number, number];
  /** "pca" (the layout's projection) or "neighbours" (weighted mean of their positions). */
  rule: string;
  /** How it was placed, in words. */
  note: string;
  encoder: string;
  error?: string | null;
}

export interface HoverInfo {
  i: number;
  label: string;
  fields: [string, string][];
  /** A PNG data URL for image embeddings, or null. */
  image?: string | null;
  error?: string | null;
}

export interface SearchResult {
  count: number;
  indices: Uint32Array;
  /** The first few matches, (index, label). */
  shown: [number, string][];
  error?: string | null;
}

export interface NeighbourResult {
  i: number;
  label: string;
  metric: string;
  k: number;
  /** (index, label, score) in rank order. */
  items: [number, string, number][];
  /** The epoch whose vectors were searched (a timeline's). */
  epoch?: number;
  error?: string | null;
}

/** What the view asks of its data source; every answer is a promise (a kernel is remote). */
export interface ProjectorBackend {
  hover(i: number): Promise<HoverInfo>;
  search(query: string, regex: boolean): Promise<SearchResult>;
  /** Neighbours of point i; with a timeline, in the vectors of `frame` (the shown one). */
  neighbours(i: number, frame?: number): Promise<NeighbourResult>;
  /** The user moved the timeline to `frame` (slider or Play; not frames the backend set). */
  frameShown?(frame: number): void;
  /** A lasso selection by the user (empty when cleared). */
  select?(indices: Uint32Array): void;
  /** A point hovered by the user (-1 when the pointer leaves it). */
  hovered?(i: number): void;
  /** The first frame is on screen, `ms` after `data.t0`. */
  drawn?(ms: number): void;
  /** Encode a typed sentence and answer (absent: no kernel can encode). */
  sentence?(text: string): Promise<SentenceResult>;
}

export interface ProjectorView {
  readonly ready: Promise<void>;
  /** New coordinates for the same points (labels and colours stay); they glide there over
   * `glideMs` milliseconds (a live layout's frames), else jump. */
  setPoints(xy: Float32Array, method?: string, glideMs?: number): Promise<void>;
  setColor(color: ColorData | null): Promise<void>;
  setHighlight(indices: ArrayLike<number> | null): void;
  setSelection(indices: ArrayLike<number> | null): void;
  /** Show the hover reticle on a point (linked views); -1 clears. */
  focus(i: number): void;
  /** Ask for and list the neighbours of point i, as a click does. */
  showNeighbours(i: number): Promise<void>;
  /** Type `query` into the search box and run it (resolves when the answer is shown). */
  search(query: string, regex?: boolean): Promise<void>;
  /** Indices currently highlighted or selected in the scatter. */
  selection(): number[];
  /** Screen position of point i relative to the canvas, in CSS pixels. */
  screenPosition(i: number): [number, number] | null;
  /** Show timeline frame `f` (points glide there unless `transition` is false). */
  setFrame(f: number, transition?: boolean): Promise<void>;
  /** The timeline frame shown (-1 without a timeline). */
  frame(): number;
  /** Play from the shown frame (from the first when at the last) to the last. */
  play(): Promise<void>;
  pause(): void;
  /** Replace the map labels (null: none). */
  setLabels(labels: MapLabels | null): void;
  /** The labels on the map now, most important first (for tests and measurements). */
  labelsDrawn(): DrawnLabel[];
  /** Milliseconds of the recent label passes (for measurements). */
  labelTimes(): number[];
  /** Centre the camera on point i, zoomed in `scale` times (1: the whole map). */
  zoomToPoint(i: number, scale: number): Promise<void>;
  /** Highlight the points of legend category `c` (a categorical colour); -1 clears. */
  pickCategory(c: number): void;
  /** Search a typed sentence (Sentence mode; resolves when its answer is shown). */
  searchSentence(text: string): Promise<void>;
  /** Show a sentence's answer (neighbours listed and highlighted, its place marked). */
  showSentence(res: SentenceResult): void;
  /** Replace the frames (same points), e.g. a run that grew by an epoch; shows `tl.frame`. */
  setTimeline(tl: TimelineData): Promise<void>;
  destroy(): void;
}
