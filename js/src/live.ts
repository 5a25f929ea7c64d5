// Live t-SNE / UMAP (`Projector(emb, method="tsne" | "umap")`): one line under the toolbar
// with the optimisation's progress and a Stop button, driven by the `_layout_status` trait.
// The points themselves move through `_xy` (widget.ts glides them while the run goes on).
// Stop sends {type: "stop_layout"}; Python keeps the layout of that moment. Text only via
// textContent (an error message is untrusted text too).

import { h } from "./dom";

export interface LayoutStatus {
  state?: "running" | "done" | "stopped" | "error";
  method?: string;
  stage?: string;
  step?: number;
  total?: number;
  seconds?: number;
  error?: string;
}

interface Model {
  get(name: string): any;
  send(content: object): void;
  on(event: string, cb: () => void): void;
  off(event: string, cb: () => void): void;
}

const NAMES: Record<string, string> = { tsne: "t-SNE", umap: "UMAP" };

/** What the line says for a status (empty: nothing to show). */
export function statusText(s: LayoutStatus | null): string {
  if (!s || !s.state) return "";
  const name = NAMES[s.method ?? ""] ?? s.method ?? "layout";
  const unit = s.method === "umap" ? "epoch" : "iteration";
  const secs = `${(s.seconds ?? 0).toFixed(1)} s`;
  if (s.state === "error") return `${name} failed: ${s.error ?? "unknown error"}`;
  if (s.state === "done") return `${name} done: ${s.total} ${unit}s in ${secs}`;
  if (s.state === "stopped") return `${name} stopped at ${unit} ${s.step} of ${s.total}; this layout is kept`;
  if (!s.total) return `${name}: finding neighbours (the PCA start is shown)…`;
  if (s.stage === "neighbours") return `${name}: neighbours found in ${secs}, optimising…`;
  return `${name}: ${unit} ${s.step} of ${s.total} · ${secs}`;
}

/** True while frames keep coming (the widget glides the points between them). */
export function layoutRunning(model: { get(name: string): any }): boolean {
  return (model.get("_layout_status") as LayoutStatus | null)?.state === "running";
}

/** Add the progress line to the projector inside `el`; returns its cleanup. */
export function mountLiveLayout(el: HTMLElement, model: Model): () => void {
  const root = (el.querySelector(".embedkit-projector") as HTMLElement | null) ?? el;
  const line = h("div", "ek-live");
  line.style.cssText = "display:none;gap:8px;align-items:center;padding:2px 6px;font-size:12px";
  const bar = h("progress", "ek-live-progress");
  bar.style.cssText = "width:120px;height:8px";
  const text = h("span", "ek-live-text");
  const stop = h("button", "ek-live-stop", "■ Stop");
  stop.title = "stop the optimisation and keep the layout shown";
  stop.addEventListener("click", () => {
    stop.disabled = true;
    model.send({ type: "stop_layout" });
  });
  line.append(bar, text, stop);
  root.insertBefore(line, root.children[1] ?? null); // under the toolbar
  const update = () => {
    const s = (model.get("_layout_status") ?? null) as LayoutStatus | null;
    const says = statusText(s);
    line.style.display = says ? "flex" : "none";
    text.textContent = says;
    text.style.color = s?.state === "error" ? "#c92a2a" : "";
    const running = s?.state === "running";
    stop.style.display = running ? "" : "none";
    if (running) stop.disabled = false;
    bar.style.display = s?.state === "error" ? "none" : "";
    bar.max = Math.max(1, s?.total ?? 1);
    bar.value = s?.state === "done" ? bar.max : (s?.step ?? 0);
    root.dataset.layoutState = s?.state ?? "";
    root.dataset.layoutStep = String(s?.step ?? 0);
  };
  update();
  model.on("change:_layout_status", update);
  return () => {
    model.off("change:_layout_status", update);
    line.remove();
  };
}
