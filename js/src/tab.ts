// A live projector in its own JupyterLab main-area tab. The widget's views (anywidget) and
// embedkit's JupyterLab plugin (`plugin.ts`) meet through `window.embedkitTabs`, which the
// plugin sets. The synced trait `in_tab` is the state: when it turns true a notebook view
// asks the plugin to open one tab for this widget model (keyed by its model id; the plugin
// makes a new view of the same model there, so it stays linked to the kernel) and folds into a
// one-line placeholder; closing the tab sets `in_tab` back to false and the views unfold.
// No plugin (another front end): no tab button, and the views stay as they are.

import { h } from "./dom";

/** What the plugin offers (see plugin.ts). */
export interface TabRegistry {
  /** Open (or show) the tab of `key`; `create` makes the view to put in it. */
  open(req: {
    key: string;
    title: string;
    create: () => Promise<unknown>;
    closed: () => void;
  }): Promise<void>;
  activate(key: string): void;
  close(key: string): void;
  has(key: string): boolean;
}

interface TabModel {
  get(name: string): any;
  set(name: string, value: unknown): void;
  save_changes(): void;
  on(event: string, cb: (...args: any[]) => void): void;
  off(event: string, cb: (...args: any[]) => void): void;
  widget_manager?: {
    get_model(id: string): Promise<unknown>;
    create_view(model: unknown, options?: object): Promise<unknown>;
  };
}

export const TAB_PANEL_CLASS = "ek-tab-panel";
const STYLE_ID = "embedkit-tab-style";
// the tab's view fills the panel: the plot takes what the toolbar leaves
const CSS = `
.ek-tab-panel { display: flex; flex-direction: column; overflow: hidden;
  background: var(--jp-layout-color0, #fff); }
.ek-tab-panel > * { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
.ek-tab-panel .embedkit-projector { flex: 1 1 auto; min-height: 0; display: flex;
  flex-direction: column; box-sizing: border-box; border: none; }
.ek-tab-panel .embedkit-projector .ek-body { flex: 1 1 auto; min-height: 0; }
.ek-tab-panel .embedkit-projector .ek-canvas-wrap { height: auto !important; }
.ek-tab-panel .embedkit-projector .ek-side { max-height: none !important; }
.embedkit-projector.ek-folded > :not(.ek-tab-placeholder) { display: none !important; }
.embedkit-projector .ek-tab-placeholder:not([hidden]) { padding: 6px 8px; display: flex; gap: 6px; align-items: center; }
`;

function registry(): TabRegistry | null {
  return ((window as unknown as { embedkitTabs?: TabRegistry }).embedkitTabs) ?? null;
}

function setInTab(model: TabModel, on: boolean): void {
  if (model.get("in_tab") === on) return;
  model.set("in_tab", on);
  model.save_changes();
}

/** Add the tab button and placeholder to the view in `el`; returns a cleanup function. */
export function attachTab(el: HTMLElement, model: TabModel): () => void {
  const root = el.querySelector<HTMLElement>(".embedkit-projector");
  const bar = root?.querySelector<HTMLElement>(".ek-toolbar");
  const key: string = model.get("_self_id") || "";
  const wm = model.widget_manager;
  if (!root || !bar || !key || !wm) return () => undefined;
  if (!document.getElementById(STYLE_ID)) {
    const style = document.createElement("style");
    style.id = STYLE_ID;
    style.textContent = CSS;
    document.head.appendChild(style);
  }
  let inTabView = false; // this view is the one inside the tab
  let known = false; // where this view sits is known (it is attached to the page)
  const button = h("button", "ek-tab-button", "⧉ Tab");
  button.hidden = registry() === null;
  const folded = h("div", "ek-tab-placeholder");
  folded.hidden = true;
  const show = h("button", "ek-tab-show", "Show tab");
  const back = h("button", "ek-tab-back", "Bring back here");
  folded.append(h("span", "ek-muted", "This projector is open in its own tab. "), show, back);
  root.insertBefore(folded, bar.nextSibling);
  bar.querySelector(".ek-status")?.before(button);

  const title = (): string => {
    const status = root.querySelector(".ek-status")?.textContent ?? "";
    return `Projector · ${status}`;
  };
  const open = (): void => {
    const reg = registry();
    if (!reg) return;
    void reg.open({
      key,
      title: title(),
      create: async () => wm.create_view(await wm.get_model(key), {}),
      closed: () => setInTab(model, false),
    });
  };
  const sync = (): void => {
    if (!known) return;
    const on = Boolean(model.get("in_tab")) && registry() !== null;
    button.textContent = inTabView ? "↩ Notebook" : "⧉ Tab";
    button.title = inTabView
      ? "close this tab and show the projector in the notebook again"
      : "move this projector into its own JupyterLab tab (still linked to the kernel)";
    root.dataset.inTab = on ? "1" : "0";
    if (inTabView) return;
    folded.hidden = !on;
    root.classList.toggle("ek-folded", on);
    if (on) open();
    else registry()?.close(key);
  };
  button.addEventListener("click", () => setInTab(model, !inTabView));
  show.addEventListener("click", () => registry()?.activate(key));
  back.addEventListener("click", () => setInTab(model, false));
  const onChange = (): void => sync();
  const onMsg = (msg: any): void => {
    if (msg?.type === "activate_tab" && !inTabView) registry()?.activate(key);
  };
  model.on("change:in_tab", onChange);
  model.on("msg:custom", onMsg);
  // where the view sits is known once it is in the page (a view is rendered before attached)
  let tries = 0;
  const locate = (): void => {
    if (!el.isConnected && tries++ < 600) {
      requestAnimationFrame(locate);
      return;
    }
    inTabView = el.closest(`.${TAB_PANEL_CLASS}`) !== null;
    root.classList.toggle("ek-in-tab", inTabView);
    button.hidden = registry() === null;
    known = true;
    sync();
  };
  locate();
  return () => {
    tries = 1e9;
    model.off("change:in_tab", onChange);
    model.off("msg:custom", onMsg);
  };
}
