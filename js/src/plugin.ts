// embedkit's JupyterLab application plugin: main-area tabs for live projectors. It sets
// `window.embedkitTabs` (see tab.ts), through which a projector view asks for a tab: one
// Lumino panel per widget model, docked beside the notebook (split right), holding a new view
// of the same model made by the widget manager, so it stays linked to the kernel and fills the
// tab. Closing the tab disposes that view and tells the widget (in_tab = false).
// It also makes the page's WebGL renderer and compiles its shaders (renderer.ts `warmUp`)
// once JupyterLab is idle, so the session's first projector does not wait for them.

import { Panel } from "@lumino/widgets";
import type { Message } from "@lumino/messaging";
import type { TabRegistry } from "./tab";
import { whenIdle } from "./dom";
import { WIDGET_KEY } from "./loader";

const TAB_PANEL_CLASS = "ek-tab-panel"; // tab.ts styles it

/** The part of JupyterLab's application this plugin uses. */
interface App {
  shell: {
    add(widget: Panel, area: string, options?: { mode?: string; activate?: boolean }): void;
    activateById(id: string): void;
    currentWidget?: { node: HTMLElement } | null;
    currentChanged?: { connect(cb: () => void): void };
  };
}

/** A widget view as ipywidgets makes them (`luminoWidget` in ipywidgets 8). */
interface WidgetView {
  luminoWidget?: unknown;
  pWidget?: unknown;
  remove?: () => void;
}

class TabPanel extends Panel {
  protected onCloseRequest(msg: Message): void {
    super.onCloseRequest(msg);
    this.dispose();
  }
}

function registry(app: App): TabRegistry {
  const tabs = new Map<string, TabPanel>();
  let counter = 0;
  return {
    async open({ key, title, create, closed }) {
      const known = tabs.get(key);
      if (known) {
        app.shell.activateById(known.id);
        return;
      }
      const panel = new TabPanel();
      panel.id = `embedkit-projector-tab-${++counter}`;
      panel.addClass(TAB_PANEL_CLASS);
      panel.title.label = title;
      panel.title.caption = `${title} (linked to the kernel)`;
      panel.title.closable = true;
      tabs.set(key, panel);
      let view: WidgetView | null = null;
      panel.disposed.connect(() => {
        tabs.delete(key);
        view?.remove?.();
        closed();
      });
      app.shell.add(panel, "main", { mode: "split-right" });
      app.shell.activateById(panel.id);
      try {
        view = (await create()) as WidgetView;
      } catch (err) {
        console.warn("embedkit: the projector tab could not make its view", err);
        panel.dispose();
        return;
      }
      const widget = (view.luminoWidget ?? view.pWidget) as Panel | undefined;
      if (panel.isDisposed || !widget) return;
      panel.addWidget(widget);
    },
    activate(key) {
      const panel = tabs.get(key);
      if (panel) app.shell.activateById(panel.id);
    },
    close(key) {
      tabs.get(key)?.dispose();
    },
    has(key) {
      return tabs.has(key);
    },
  };
}

/**
 * Warm the page's renderer when JupyterLab is idle (renderer.ts `warmUp`: the WebGL
 * context, the renderer sized for a projector in the notebook on screen, the compiled
 * shaders and a parked plot, which every projector uses, whichever copy of the widget
 * module draws it, since they live on globalThis). In Chromium with software WebGL they
 * took 0.3-0.5 s of the session's first frame. Again when another notebook comes to the
 * front (the renderer only grows). The module is loaded only then (its own chunk), and
 * nothing runs on the renderer until a projector draws. Without WebGL nothing happens
 * here: the first view says what is missing.
 */
function prepareRenderer(app: App): void {
  const warm = () => {
    import("./renderer").then(
      (r) => r.warmUp(plotSizeGuess(app) ?? undefined).catch(() => undefined), // no WebGL: left to the first view
      () => undefined,
    );
    // the widget module, for the kernel's small one (loader.ts) to use instead of its own
    const page = globalThis as unknown as Record<symbol, unknown>;
    if (!page[WIDGET_KEY]) {
      import("./widget").then(
        (w) => void (page[WIDGET_KEY] ??= w.default),
        () => undefined,
      );
    }
  };
  const later = () => whenIdle(warm);
  later();
  // a document's cells are there once it is revealed (its model loaded and rendered)
  app.shell.currentChanged?.connect(() => {
    const revealed = (app.shell.currentWidget as { revealed?: Promise<void> } | null)?.revealed;
    void Promise.resolve(revealed).then(later, later);
  });
}

/** The default projector's height (`Projector.height`, embedkit/widgets/projector.py). */
const PLOT_HEIGHT = 480;
/** The projector's side panel and borders (style.ts: `.ek-side` 230 px and its 1 px border,
 * and the projector's own 1 px border on each side). */
const SIDE = 233;

/**
 * The plot size of a projector in the front notebook with the default height: its cells'
 * editor width, about the output area's, less the side panel (which goes below the plot
 * under 640 px, style.ts). Null when no notebook with a cell is in front.
 */
function plotSizeGuess(app: App): { width: number; height: number } | null {
  const node = app.shell.currentWidget?.node;
  const editor = node?.querySelector(".jp-Cell .jp-InputArea-editor");
  const width = editor ? editor.getBoundingClientRect().width : 0;
  if (width < 64) return null;
  return { width: Math.ceil(width >= 640 ? width - SIDE : width), height: PLOT_HEIGHT };
}

const plugin = {
  id: "embedkit:projector-tabs",
  description: "Opens live embedkit projectors in their own main-area tabs.",
  autoStart: true,
  activate: (app: App): void => {
    (window as unknown as { embedkitTabs: TabRegistry }).embedkitTabs = registry(app);
    prepareRenderer(app);
  },
};

export default plugin;
