// The spatial index regl-scatterplot uses for hover and lasso (KDBush 4, node size 16),
// built here from the fitted typed arrays and handed to `draw({ spatialIndex })`.
// Without it the library builds the index from one small array per point; from
// 1,000,000 points it does that in a worker, and the structured clone of a million
// arrays took 0.9 s of the main thread before the first frame (measured in Chromium).

// @ts-expect-error: regl-scatterplot ships no types for its source modules
import createKDBushClass from "regl-scatterplot/src/kdbush-class.js";

interface KDBushIndex {
  add(x: number, y: number): number;
  finish(): void;
  data: ArrayBuffer;
}

const KDBush = createKDBushClass() as new (n: number, nodeSize: number) => KDBushIndex;

/** The serialized KDBush index of points (x[i], y[i]), ids in row order. */
export function spatialIndex(x: Float32Array, y: Float32Array): ArrayBuffer {
  const index = new KDBush(x.length, 16);
  for (let i = 0; i < x.length; i++) index.add(x[i], y[i]);
  index.finish();
  return index.data;
}
