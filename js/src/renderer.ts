// One regl-scatterplot renderer (one WebGL context) for every projector on the page.
//
// regl-scatterplot draws each plot in a renderer's WebGL context and copies the frame into
// the plot's own 2D canvas; a plot given a `renderer` shares it (the library's documented
// way to show many plots). Sharing it:
// * keeps a notebook with many projectors under the browser's limit of live WebGL contexts
//   (16 in Chromium: beyond it the oldest context is lost and its plot goes blank);
// * lets every projector skip creating a context (0.3-0.4 s of a first frame in Chromium
//   with software WebGL; the JupyterLab plugin makes it when JupyterLab is idle, `warmUp`)
//   and compiling its shaders (regl caches programs by their source).
// Its canvas is sized to the plots, not to the window as the library's own renderer is:
// at 100,000 points that took a pan/zoom redraw from 2.5 to 3.5 frames a second here.
// Its animation-frame loop runs only while a plot is on it (`quietRenderer`), so a page
// whose projectors are all gone, or that has none yet, runs nothing.

import createScatterplot, { createRenderer } from "regl-scatterplot";
// @ts-expect-error: regl-scatterplot ships no types for its source modules
import { createRegl } from "regl-scatterplot/src/utils.js";
import { nextFrame, whenIdle } from "./dom";
import { prepareIndexWorker } from "./spatial";

export type Renderer = ReturnType<typeof createRenderer>;

/**
 * Render every plot of the renderer that asked for a redraw now, in this task, instead of
 * at the loop's next animation frame: what it draws is then in the frame being made (a
 * first frame drawn from a ResizeObserver callback or the microtasks after it shows with
 * the view it is in). A plot that rendered here does not render again at the next frame.
 */
export function renderNow(renderer: Renderer): void {
  (renderer as { renderNow?: () => void }).renderNow?.();
}

// anywidget loads the widget's module once per widget (a module per blob URL), so the
// renderer lives on the page (globalThis), not in this module: every projector of every
// module copy, and the JupyterLab extension's kernel-less views, find the same one. The
// key names the renderer API it holds (regl-scatterplot 1.x, the version in package.json).
const KEY = Symbol.for("embedkit.sharedRenderer.regl-scatterplot-1");
const page = globalThis as unknown as Record<symbol, unknown>;

/**
 * The page's renderer, created at the first call (again if it was destroyed), at least
 * `width` x `height` CSS pixels. It owns the page's one WebGL context: a canvas and the regl
 * instance on it, made as regl-scatterplot makes its own (`createRegl`: the same context
 * attributes and extensions); destroying the renderer destroys them. Its canvas is as large
 * as the largest plot that used it, not the whole window (the library's default): every
 * frame clears it, runs a pass over all of it and copies the plot's part out, which in a
 * software-rendered page costs in proportion to its area. Throws without WebGL.
 */
export function sharedRenderer(width = 1, height = 1): Renderer {
  const shared = page[KEY] as Renderer | undefined;
  if (!shared || shared.isDestroyed) {
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.ceil(width * window.devicePixelRatio));
    canvas.height = Math.max(1, Math.ceil(height * window.devicePixelRatio));
    const made = quietRenderer(createRegl(canvas) as Regl, canvas);
    page[KEY] = made;
    return made;
  }
  const dpr = window.devicePixelRatio;
  const w = shared.canvas.width / dpr, h = shared.canvas.height / dpr;
  if (width > w || height > h) {
    shared.resize(Math.max(width, w), Math.max(height, h));
    shared.refresh();
  }
  return shared;
}

interface Regl {
  frame(cb: () => void): { cancel(): void };
}

/**
 * A renderer whose animation-frame loop runs only while at least one plot is registered
 * on it. The library's renderer starts `regl.frame` when it is made and stops it only when
 * destroyed, and every frame polls and flushes the context even with no plot to draw (an
 * idle JupyterLab page: 0.54 s of main-thread tasks per 10 s with that loop, 0.04 s
 * without, measured with CDP). Here its frame callback is kept and handed to regl while
 * plots are on the renderer (`onFrame`, which every plot calls once when it is made and
 * undoes when destroyed): the same loop, with the same poll and flush, when it has work.
 */
function quietRenderer(regl: Regl, canvas: HTMLCanvasElement): Renderer {
  const frame = regl.frame;
  let tick: (() => void) | null = null;
  let running: { cancel(): void } | null = null;
  const stop = () => {
    running?.cancel();
    running = null;
  };
  regl.frame = (cb) => {
    tick = cb;
    return { cancel: () => { tick = null; stop(); } }; // prettier-ignore
  };
  let made: Renderer;
  try {
    made = createRenderer({ regl, canvas } as never);
  } finally {
    regl.frame = frame;
  }
  const register = made.onFrame;
  let plots = 0;
  Object.defineProperty(made, "looping", { get: () => running !== null }); // for tests
  // one pass of the loop now, outside the animation frame (renderNow)
  (made as { renderNow?: () => void }).renderNow = () => {
    if (!tick || made.isDestroyed) return;
    made.refresh(); // regl.poll(), as regl.frame does before each pass
    tick();
  };
  made.onFrame = (draw: () => void) => {
    const off = register(draw);
    if (++plots === 1 && tick && !running) running = frame(tick);
    let on = true;
    return () => {
      off();
      if (!on) return;
      on = false;
      if (--plots === 0) stop();
    };
  };
  return made;
}

/**
 * Make the page's renderer, at least `size` CSS pixels (the JupyterLab plugin's guess of a
 * projector's size in the notebook on screen: growing the renderer's canvas later, in a
 * first frame, waited 40-130 ms for Chromium's GPU process here), and park a plot on it
 * (`park`): the first projector then finds the context made, the shaders compiled and
 * linked (regl caches programs by source, and the GPU process caches their binaries), a
 * plot made and the renderer's loop stopped. The spatial index worker starts too
 * (spatial.ts). The plugin calls it when JupyterLab is idle, after start and when another
 * notebook comes to the front; calling it again only grows the renderer and parks a plot
 * if none is parked. Throws without WebGL.
 */
export async function warmUp(size?: { width: number; height: number }): Promise<void> {
  prepareIndexWorker();
  sharedRenderer(size?.width ?? 64, size?.height ?? 64);
  await park();
}

type Scatter = ReturnType<typeof createScatterplot>;

/** A plot made ahead of time on the page's renderer, off screen and off its loop. */
export interface ParkedPlot {
  scatter: Scatter;
  /** The 2D canvas the plot copies its frames into (not in the document yet). */
  canvas: HTMLCanvasElement;
  /** Put the plot back on the renderer's loop (once, after its size is set). */
  resume(): void;
}

interface Parking {
  plot: ParkedPlot | null;
  renderer: Renderer | null;
  making: boolean;
}
const PARKED = Symbol.for("embedkit.parkedPlot.regl-scatterplot-1");
const parking = (page[PARKED] ??= { plot: null, renderer: null, making: false }) as Parking;

/**
 * Make one plot on the page's renderer and keep it, off screen, for the next projector
 * (`takeParked`). Making a plot (regl's code generation for its draw commands, its camera,
 * lasso and textures) took 100-150 ms of the main thread in Chromium here, and its `init`
 * waits one more animation frame: a projector that takes a parked plot skips both in its
 * first frame. The plot draws two points once (so its commands and shaders have run),
 * clears them, and leaves the renderer's loop: a parked plot costs no frame. Throws
 * without WebGL.
 */
export async function park(): Promise<void> {
  const current = page[KEY] as Renderer | undefined;
  if (parking.making || (parking.plot && current && parking.renderer === current && !current.isDestroyed)) return;
  parking.making = true;
  try {
    const renderer = sharedRenderer(64, 64);
    const canvas = document.createElement("canvas");
    // the plot registers its frame callback once, when made; keep it to hand back later
    const register = renderer.onFrame;
    const hook: { cb: (() => void) | null; off: (() => void) | null } = { cb: null, off: null };
    renderer.onFrame = (cb: () => void) => {
      hook.cb = cb;
      hook.off = register(cb);
      return () => { // the plot's destroy()
        hook.off?.();
        hook.off = null;
        hook.cb = null;
      };
    };
    let sp: Scatter;
    try {
      sp = createScatterplot({ renderer, canvas, width: 64, height: 64, pointSize: 3 } as never);
    } finally {
      renderer.onFrame = register;
    }
    try {
      await sp.draw({ x: [-0.5, 0.5], y: [-0.5, 0.5] } as never);
      await nextFrame(); // the renderer's loop draws it
      await nextFrame();
      await sp.clear();
    } catch (err) {
      sp.destroy();
      throw err;
    }
    hook.off?.(); // off the loop until taken
    hook.off = null;
    parking.plot?.scatter.destroy();
    parking.plot = {
      scatter: sp,
      canvas,
      resume: () => {
        if (!hook.off && hook.cb && !renderer.isDestroyed) hook.off = register(hook.cb);
      },
    };
    parking.renderer = renderer;
  } finally {
    parking.making = false;
  }
}

/**
 * The parked plot (`park`), or null when there is none or it was made on a renderer that
 * is gone. The caller owns it: it sets its options and size, puts its canvas in the
 * document, calls `resume()` and destroys it when done. Another is parked when the page
 * is next idle.
 */
export function takeParked(): ParkedPlot | null {
  const plot = parking.plot;
  parking.plot = null;
  if (!plot) return null;
  if (parking.renderer !== page[KEY] || parking.renderer?.isDestroyed) {
    plot.scatter.destroy();
    return null;
  }
  whenIdle(() => void park().catch(() => undefined));
  return plot;
}

/**
 * regl-scatterplot's array-oriented points, [x, y, value, 0] per point. The library makes
 * the same rows from typed arrays itself; making them here lets it happen while a worker
 * builds the spatial index (spatial.ts) instead of after.
 */
export function pointRows(pts: Record<string, Float32Array>): number[][] {
  const { x, y, valueA: v } = pts;
  const n = x.length;
  const rows: number[][] = new Array(n);
  if (v) for (let i = 0; i < n; i++) rows[i] = [x[i], y[i], v[i], 0];
  else for (let i = 0; i < n; i++) rows[i] = [x[i], y[i], 0, 0];
  return rows;
}
