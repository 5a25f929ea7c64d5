// Bundle the anywidget entry (which also exports the transport-independent view) into
// embedkit/static/projector.js, one self-contained ES module.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");
const options = {
  entryPoints: [path.join(here, "src/widget.ts")],
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: !watch,
  legalComments: "eof",
  // regl's "main" is its development build (every call and command checked); the same
  // library without the checks, as webpack.config.cjs bundles it for the JupyterLab extension
  alias: { regl: "regl/dist/regl.unchecked.js" },
  outfile: path.join(here, "../embedkit/static/projector.js"),
  logLevel: "info",
};
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
