// Typed sentences in the projector's search box. When the embeddings know their encoder the
// toolbar gets a two-way switch, "Labels | Sentence". In Sentence mode Enter sends the text to
// the backend (Python encodes it); the answer lists its nearest neighbours in the original
// space, highlights them, and marks where the sentence would sit with a ring and its text
// (how it was placed is stated under the list). In Labels mode a search with no match offers
// "search as a sentence". Without a kernel (a saved snapshot) the mode still shows, and says
// that encoding needs a running kernel. All text goes through textContent.

import { clear, h } from "./dom";
import { renderNeighbours, type Parts } from "./panels";
import type { ProjectorBackend, SentenceResult } from "./types";

const STYLE_ID = "embedkit-sentence-style";
const CSS = `
.embedkit-projector .ek-mode { display: inline-flex; border: 1px solid var(--jp-border-color1, #bbb);
  border-radius: 3px; overflow: hidden; }
.embedkit-projector .ek-mode button { border: none; border-radius: 0; padding: 1px 7px; margin: 0;
  background: var(--jp-layout-color1, #fff); color: inherit; cursor: pointer; font: inherit; }
.embedkit-projector .ek-mode button.ek-on { background: #dbe9f7; font-weight: 600; }
.embedkit-projector .ek-as-sentence { border: none; background: none; color: #1a62b3; cursor: pointer;
  padding: 0 2px; font: inherit; text-decoration: underline; }
.embedkit-projector .ek-query-marker { position: absolute; pointer-events: none; z-index: 5;
  display: flex; align-items: center; gap: 4px; transform: translate(-9px, -9px); }
.embedkit-projector .ek-query-marker[hidden] { display: none; }
.embedkit-projector .ek-query-ring { width: 14px; height: 14px; border-radius: 50%; flex: none;
  border: 2px solid #d6336c; box-shadow: 0 0 0 2px rgba(255,255,255,.9); }
.embedkit-projector .ek-query-text { background: rgba(255,255,255,.92); color: #8a1c44;
  border: 1px solid #d6336c; border-radius: 3px; padding: 0 4px; font-size: 11px;
  max-width: 220px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.embedkit-projector .ek-place-rule { color: var(--jp-ui-font-color2, #666); font-size: 11px; margin-top: 4px; }
`;
const MARKER_CHARS = 40;
export const NO_KERNEL =
  "typed sentences need a running kernel to encode them; this is a saved view";

export interface SentenceHost {
  parts: Parts;
  backend: ProjectorBackend;
  /** The encoder's name (what encodes the sentences). */
  encoder: string;
  /** The layout coordinates shown (interleaved x, y). */
  xy(): Float32Array;
  /** The camera: view matrix and plot size in CSS pixels (null before the first draw). */
  camera(): { view: ArrayLike<number>; width: number; height: number } | null;
  highlight(indices: number[]): void;
  showNeighbours(i: number): void;
  /** Run the label search again (switching back to Labels). */
  labelSearch(): void;
}

/** regl-scatterplot's fitted box: the same scale and centre as the view's `fitPoints`. */
function fitBox(xy: Float32Array): { s: number; cx: number; cy: number } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const a = xy[i], b = xy[i + 1];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  if (x0 > x1) x0 = x1 = y0 = y1 = 0;
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  return { s: 1.9 / span, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2 };
}

export class SentenceSearch {
  active = false;
  private readonly labelsBtn: HTMLButtonElement;
  private readonly sentenceBtn: HTMLButtonElement;
  private readonly marker: HTMLDivElement;
  private readonly markerText: HTMLSpanElement;
  private at: [number, number] | null = null;
  private seq = 0;
  private box: { xy: Float32Array; s: number; cx: number; cy: number } | null = null;

  constructor(private readonly host: SentenceHost) {
    if (!document.getElementById(STYLE_ID)) {
      const style = document.createElement("style");
      style.id = STYLE_ID;
      style.textContent = CSS;
      document.head.appendChild(style);
    }
    const { search, root } = host.parts;
    const mode = h("span", "ek-mode");
    mode.setAttribute("role", "group");
    mode.setAttribute("aria-label", "search mode");
    this.labelsBtn = h("button", "ek-mode-labels ek-on", "Labels");
    this.labelsBtn.title = "find labels that contain the text";
    this.sentenceBtn = h("button", "ek-mode-sentence", "Sentence");
    this.sentenceBtn.title = `encode the text with ${host.encoder} and list its nearest neighbours`;
    mode.append(this.labelsBtn, this.sentenceBtn);
    search.before(mode);
    this.labelsBtn.addEventListener("click", () => this.setMode(false));
    this.sentenceBtn.addEventListener("click", () => this.setMode(true));
    this.marker = h("div", "ek-query-marker");
    this.marker.hidden = true;
    this.markerText = h("span", "ek-query-text");
    this.marker.append(h("span", "ek-query-ring"), this.markerText);
    host.parts.wrap.append(this.marker);
    root.dataset.searchMode = "labels";
  }

  /** Switch between label search and typed sentences (the box keeps its text). */
  setMode(sentence: boolean): void {
    const { parts } = this.host;
    this.active = sentence;
    this.labelsBtn.classList.toggle("ek-on", !sentence);
    this.sentenceBtn.classList.toggle("ek-on", sentence);
    this.labelsBtn.setAttribute("aria-pressed", String(!sentence));
    this.sentenceBtn.setAttribute("aria-pressed", String(sentence));
    parts.root.dataset.searchMode = sentence ? "sentence" : "labels";
    parts.regex.parentElement!.hidden = sentence;
    const placeholder = sentence ? `type a sentence, then Enter (${this.host.encoder})` : "search labels";
    parts.search.placeholder = placeholder;
    parts.search.setAttribute("aria-label", sentence ? "search by a typed sentence" : "search labels");
    parts.count.classList.remove("ek-error");
    clear(parts.count);
    if (sentence) {
      clear(parts.matches);
      if (!this.host.backend.sentence) this.fail(NO_KERNEL);
      else parts.count.textContent = "press Enter to search";
    } else {
      this.clearMarker();
      this.host.labelSearch();
    }
    parts.search.focus();
  }

  /** After a label search: with no match, offer to search the text as a sentence. */
  afterLabelSearch(query: string, count: number): void {
    if (count > 0 || !query.trim()) return;
    const button = h("button", "ek-as-sentence", "search as a sentence");
    button.title = `encode "${query.slice(0, 60)}" with ${this.host.encoder}`;
    button.addEventListener("click", () => {
      this.setMode(true);
      void this.run(this.host.parts.search.value);
    });
    this.host.parts.count.append(document.createTextNode(" · "), button);
  }

  /** Encode `text` (through the backend) and show its answer. */
  async run(text: string): Promise<void> {
    const seq = ++this.seq;
    const { parts, backend } = this.host;
    parts.count.classList.remove("ek-error");
    if (!text.trim()) {
      parts.count.textContent = "type a sentence first";
      return;
    }
    if (!backend.sentence) return this.fail(NO_KERNEL);
    parts.count.textContent = "encoding…";
    parts.root.dataset.sentence = "busy";
    let res: SentenceResult;
    try {
      res = await backend.sentence(text);
    } catch (err) {
      res = { error: String(err) } as SentenceResult;
    }
    if (seq !== this.seq) return;
    if (res.error) return this.fail(res.error);
    this.show(res);
  }

  /** List and highlight the neighbours, mark the sentence's place. */
  show(res: SentenceResult): void {
    const { parts } = this.host;
    this.seq++;
    parts.count.classList.remove("ek-error");
    parts.count.textContent = `${res.items.length} nearest · ${res.metric}`;
    clear(parts.matches);
    renderNeighbours(parts.neighbours, { i: -1, label: res.text, metric: res.metric, k: res.k, items: res.items },
      (j) => this.host.showNeighbours(j));
    const head = parts.neighbours.querySelector(".ek-nbr-head");
    if (head?.firstChild) head.firstChild.textContent = "Nearest to the sentence ";
    parts.neighbours.append(h("div", "ek-place-rule", `Marked on the map: ${res.note}.`));
    this.host.highlight(res.items.map((it) => it[0]));
    const text = res.text.length > MARKER_CHARS ? `${res.text.slice(0, MARKER_CHARS - 1)}…` : res.text;
    this.markerText.textContent = text;
    this.marker.title = res.text;
    this.at = Number.isFinite(res.xy[0]) && Number.isFinite(res.xy[1]) ? res.xy : null;
    parts.root.dataset.sentence = "shown";
    parts.root.dataset.sentenceRule = res.rule;
    this.place();
  }

  private fail(message: string): void {
    const { parts } = this.host;
    this.clearMarker();
    parts.count.classList.add("ek-error");
    parts.count.textContent = message;
    parts.root.dataset.sentence = "error";
  }

  clearMarker(): void {
    this.at = null;
    this.marker.hidden = true;
    delete this.host.parts.root.dataset.sentence;
  }

  /** Put the marker at the sentence's place for the current camera (after each pan/zoom). */
  place(): void {
    const cam = this.host.camera();
    if (!this.at || !cam || cam.width <= 0 || cam.height <= 0) {
      this.marker.hidden = true;
      return;
    }
    const xy = this.host.xy();
    if (!this.box || this.box.xy !== xy) this.box = { xy, ...fitBox(xy) };
    const { s, cx: mx, cy: my } = this.box;
    const px = (this.at[0] - mx) * s, py = (this.at[1] - my) * s;
    // as the label layer: screen = S(view · [x, y, 0, 1]), x scaled by the aspect ratio
    const v = cam.view, aspect = cam.width / cam.height;
    const sx = (cam.width * ((v[0] * px + v[4] * py + v[12]) / aspect + 1)) / 2;
    const sy = cam.height * (0.5 - (v[1] * px + v[5] * py + v[13]) / 2);
    const inside = sx >= 0 && sx <= cam.width && sy >= 0 && sy <= cam.height;
    this.marker.hidden = !inside;
    this.marker.style.left = `${sx}px`;
    this.marker.style.top = `${sy}px`;
    this.host.parts.root.dataset.sentenceAt = `${sx.toFixed(1)},${sy.toFixed(1)}`;
  }
}
