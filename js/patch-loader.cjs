// rspack/webpack loader: regl-scatterplot with js/patch-regl-scatterplot.cjs applied.
const { patch } = require("./patch-regl-scatterplot.cjs");

module.exports = function patchLoader(source) {
  return patch(String(source), this.resourcePath);
};
