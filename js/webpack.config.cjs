// Extra rspack/webpack settings for the JupyterLab extension (package.json
// "jupyterlab.webpackConfig"; jupyter-builder merges them into its own).
// regl's "main" is its development build, which checks every call and command it makes;
// regl.unchecked.js is the same library without the checks, as esbuild bundles it for the
// widget (build.mjs), so both front ends run the same code.
// regl-scatterplot gets one change, as build.mjs applies it (js/patch-regl-scatterplot.cjs).
const { TARGET } = require("./patch-regl-scatterplot.cjs");

module.exports = {
  resolve: { alias: { regl$: require.resolve("regl/dist/regl.unchecked.js") } },
  module: { rules: [{ test: TARGET, use: [{ loader: require.resolve("./patch-loader.cjs") }] }] },
};
