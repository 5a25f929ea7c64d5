// Two changes to regl-scatterplot 1.x, applied when bundling (esbuild: build.mjs; rspack:
// webpack.config.cjs, through patch-loader.cjs), so that both front ends run the same code.
// In Chromium with software WebGL a composited frame is 70-200 ms; both changes let a
// first draw be rendered in the frame in which the view appears, not one or two later.
//
// 1. `scatterplot.set(...)` applies a new size to the view (its aspect ratio, the camera,
//    the renderer) and asks for a redraw in the next animation frame, "since draw() would
//    have anyway been async". With a numeric width and height nothing needs that frame,
//    and a plot whose size is set just before its first draw (embedkit's parked plot,
//    js/src/renderer.ts) can then render at once. Sizes of "auto" keep the library's
//    animation frame (they are read from the layout then).
// 2. `scatterplot.draw(...)` sets the points, then asks the renderer's loop for a frame and
//    resolves after it (through an asynchronous event: one more task). The patched draw
//    also publishes `drawRequested`, synchronously, when it asks: embedkit's view renders
//    there and then (`renderNow` in js/src/renderer.ts), in the task that drew.
// The build fails if the library's code is not the one this patch was written for.

const CHANGES = [
  {
    find: `    // setWidth and setHeight can be async when width or height are set to
    // 'auto'. And since draw() would have anyway been async we can just make
    // all calls async.
    return new Promise((resolve) => {`,
    replace: (find) => `    // embedkit (js/patch-regl-scatterplot.cjs): a numeric size applies now
    if (width !== AUTO && height !== AUTO) {
      if (!isDestroyed && canvas) {
        updateViewAspectRatio();
        camera.refresh();
        renderer.refresh();
        redraw();
      }
      return Promise.resolve();
    }
${find}`,
  },
  {
    find: `              pubSub.subscribe('draw', () => resolve(), 1);
            }
            draw = true;
            drawReticleOnce = options.showReticleOnce;
`,
    replace: (find) => `${find}            // embedkit (js/patch-regl-scatterplot.cjs): who wants the frame now can render it
            pubSub.publish('drawRequested', null, { async: false });
`,
  },
];

/** The library's module source with the changes applied (throws when one cannot be). */
function patch(source, file = "regl-scatterplot") {
  let out = source;
  for (const { find, replace } of CHANGES) {
    const at = out.indexOf(find);
    if (at < 0 || out.indexOf(find, at + 1) >= 0) {
      throw new Error(`${file}: the code js/patch-regl-scatterplot.cjs changes is not there once`);
    }
    out = out.slice(0, at) + replace(find) + out.slice(at + find.length);
  }
  return out;
}

/** The module files the patch applies to (the ES module build the bundlers resolve). */
const TARGET = /regl-scatterplot[\\/]dist[\\/]regl-scatterplot\.esm\.js$/;

module.exports = { patch, TARGET };
