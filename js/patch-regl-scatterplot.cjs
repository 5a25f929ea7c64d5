// One change to regl-scatterplot 1.x, applied when bundling (esbuild: build.mjs; rspack:
// webpack.config.cjs, through patch-loader.cjs), so that both front ends run the same code.
//
// `scatterplot.set(...)` applies a new size to the view (its aspect ratio, the camera, the
// renderer) and asks for a redraw in the next animation frame, "since draw() would have
// anyway been async". With a numeric width and height nothing needs that frame, and a plot
// whose size is set just before its first draw (embedkit's parked plot, js/src/renderer.ts)
// can then render at once, in the frame in which the view appears, instead of one frame
// later (in Chromium with software WebGL, a composited frame is 70-200 ms). Sizes of
// "auto" keep the library's animation frame (they are read from the layout then).
// The build fails if the library's code is not the one this patch was written for.

const FIND = `    // setWidth and setHeight can be async when width or height are set to
    // 'auto'. And since draw() would have anyway been async we can just make
    // all calls async.
    return new Promise((resolve) => {`;

const REPLACE = `    // embedkit (js/patch-regl-scatterplot.cjs): a numeric size applies now
    if (width !== AUTO && height !== AUTO) {
      if (!isDestroyed && canvas) {
        updateViewAspectRatio();
        camera.refresh();
        renderer.refresh();
        redraw();
      }
      return Promise.resolve();
    }
${FIND}`;

/** The library's module source with the change applied (throws when it cannot be). */
function patch(source, file = "regl-scatterplot") {
  const at = source.indexOf(FIND);
  if (at < 0 || source.indexOf(FIND, at + 1) >= 0) {
    throw new Error(`${file}: the code js/patch-regl-scatterplot.cjs changes is not there once`);
  }
  return source.replace(FIND, REPLACE);
}

/** The module files the patch applies to (the ES module build the bundlers resolve). */
const TARGET = /regl-scatterplot[\\/]dist[\\/]regl-scatterplot\.esm\.js$/;

module.exports = { patch, TARGET };
