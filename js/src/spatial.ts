// The spatial index regl-scatterplot uses for hover and lasso (KDBush 4, NODE_SIZE),
// built here from the fitted typed arrays and handed to `draw({ spatialIndex })`.
// Without it the library builds the index from one small array per point; from
// 1,000,000 points it does that in a worker, and the structured clone of a million
// arrays took 0.9 s of the main thread before the first frame (measured in Chromium).
// From WORKER_FROM points the index is built in a worker of our own, from two typed
// arrays (a plain copy, no per-point objects), while the main thread gets the scatter
// and its point rows ready: at 1,000,000 points the index alone takes about 0.55 s.

// @ts-expect-error: regl-scatterplot ships no types for its source modules
import createKDBushClass from "regl-scatterplot/src/kdbush-class.js";

interface KDBushIndex {
  add(x: number, y: number): number;
  finish(): void;
  data: ArrayBuffer;
}

const KDBush = createKDBushClass() as new (n: number, nodeSize: number) => KDBushIndex;

/**
 * Points per leaf. The library uses 16; 128 builds the index a third faster (1,000,000
 * points in Node here: 0.34-0.41 s against 0.55-0.61 s) and answers hover-sized queries
 * as fast (2,000 of them: 5-10 ms either way). The index's header carries it, so the
 * library reads it back.
 */
export const NODE_SIZE = 128;

/** From this many points the index is built in a worker (below, in ~50 ms or less here). */
export const WORKER_FROM = 50_000;

/**
 * Build the serialized KDBush index of points (x[i], y[i]), ids in row order. It uses only
 * its arguments, so the worker runs this very function from its source (`toString`).
 */
function buildIndex(
  Index: new (n: number, nodeSize: number) => KDBushIndex,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  nodeSize: number,
): ArrayBuffer {
  const index = new Index(x.length, nodeSize);
  for (let i = 0; i < x.length; i++) index.add(x[i], y[i]);
  index.finish();
  return index.data;
}

/** The serialized KDBush index of points (x[i], y[i]), ids in row order. */
export function spatialIndex(x: Float32Array, y: Float32Array): ArrayBuffer {
  return buildIndex(KDBush, x, y, NODE_SIZE);
}

// The worker runs the same KDBush class and `buildIndex` (their source, as
// regl-scatterplot's own index worker does). One worker for the page: anywidget loads a
// module copy per widget, so the worker and its pending requests live on globalThis (as
// the renderer does, renderer.ts).
// `worker` undefined: not tried yet; null: workers are unavailable here (a
// Content-Security-Policy without blob: workers), and the index is built in place.
interface IndexWorker {
  worker: Worker | null | undefined;
  seq: number;
  waiting: Map<number, (data: ArrayBuffer | null) => void>;
}
const KEY = Symbol.for("embedkit.spatialIndexWorker.kdbush-4");
const page = globalThis as unknown as Record<symbol, IndexWorker | undefined>;
const state: IndexWorker = (page[KEY] ??= { worker: undefined, seq: 0, waiting: new Map() });

function indexWorker(): Worker | null {
  if (state.worker !== undefined) return state.worker;
  try {
    const source =
      `const KDBush = (${createKDBushClass.toString()})();\n` +
      `const buildIndex = ${buildIndex.toString()};\n` +
      "onmessage = (e) => {\n" +
      "  const { id, x, y } = e.data;\n" +
      `  const data = buildIndex(KDBush, x, y, ${NODE_SIZE});\n` +
      "  postMessage({ id, data }, [data]);\n" +
      "};\n";
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url, { name: "embedkit-spatial-index" });
    URL.revokeObjectURL(url);
    worker.onmessage = (e: MessageEvent<{ id: number; data: ArrayBuffer }>) => {
      const done = state.waiting.get(e.data.id);
      state.waiting.delete(e.data.id);
      done?.(e.data.data);
    };
    worker.onerror = () => {
      state.worker = null; // every waiting request builds its index in place
      for (const done of state.waiting.values()) done(null);
      state.waiting.clear();
    };
    state.worker = worker;
  } catch {
    state.worker = null;
  }
  return state.worker;
}

/**
 * Start the page's index worker now (the JupyterLab plugin does at idle time, `warmUp` in
 * renderer.ts): a worker's start (a thread, an isolate, compiling its source) took
 * 0.1-0.2 s in Chromium here, and a first large plot waited for it with nothing else to do.
 */
export function prepareIndexWorker(): void {
  indexWorker();
}

/**
 * The index of (x, y), built in a worker from WORKER_FROM points (in place below that,
 * or when no worker can start); requests are answered in the order they were made.
 */
export function spatialIndexSoon(x: Float32Array, y: Float32Array): Promise<ArrayBuffer> {
  const w = x.length >= WORKER_FROM ? indexWorker() : null;
  if (!w) return Promise.resolve(spatialIndex(x, y));
  return new Promise<ArrayBuffer>((resolve) => {
    const id = ++state.seq;
    state.waiting.set(id, (data) => resolve(data ?? spatialIndex(x, y)));
    w.postMessage({ id, x, y }); // copies of the two arrays (structured clone: a memcpy)
  });
}
