// The JupyterLab labextension entry: a MIME renderer for embedkit snapshots
// (`application/vnd.embedkit.projector+json`, written by `ek.snapshot(...)`) and a document
// viewer for TensorFlow-projector exports (`vectors.tsv` + `metadata.tsv`). Both draw with the
// transport-independent projector view and answer from data in the page (no kernel).

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { h } from "./dom";
import { localBackend } from "./local";
import { formatMB, METADATA_MAX_CHARS, parseProjectorExport, TSV_MAX_POINTS, TsvError } from "./tsv";
import type { ProjectorView } from "./types";
import { createProjectorView } from "./view";
import { SnapshotError, snapshotParts } from "./snapshot";

export const MIME_TYPE = "application/vnd.embedkit.projector+json";
export const TSV_MIME_TYPE = "text/vnd.embedkit.projector-vectors";

/** The message shown for a payload or file that cannot be drawn (plain text). */
function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 2000 ? `${msg.slice(0, 2000)}…` : msg;
}

/** The output's own `image/png` fallback, when it is well-formed base64 (else null). */
function fallbackPicture(model: IRenderMime.IMimeModel): HTMLImageElement | null {
  const png = model.data["image/png"];
  if (typeof png !== "string" || png.length > PNG_MAX_CHARS) return null;
  const b64 = png.replace(/\s+/g, "");
  if (!b64 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const img = h("img", "ek-fallback");
  img.alt = "the saved picture of this snapshot";
  img.addEventListener("error", () => img.remove());
  img.src = `data:image/png;base64,${b64}`;
  return img;
}

const PNG_MAX_CHARS = 32_000_000;

/** Renders a saved snapshot: points, legend, hover, search, stored neighbours. */
export class SnapshotRenderer extends Widget implements IRenderMime.IRenderer {
  private view: ProjectorView | null = null;

  constructor() {
    super();
    this.addClass("embedkit-snapshot");
  }

  /** Show why the snapshot cannot be drawn, and the saved picture when there is one. */
  private showError(model: IRenderMime.IMimeModel, what: string, err: unknown): void {
    this.view?.destroy();
    this.view = null;
    this.node.textContent = "";
    const picture = fallbackPicture(model);
    const tail = picture ? " (the saved picture is shown instead)" : "";
    this.node.append(h("div", "ek-error", `embedkit snapshot could not be ${what}: ${errorText(err)}${tail}`));
    if (picture) this.node.append(picture);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.view?.destroy();
    this.view = null;
    this.node.textContent = "";
    let parts: ReturnType<typeof snapshotParts>;
    try {
      parts = snapshotParts(model.data[MIME_TYPE]);
    } catch (err) {
      if (!(err instanceof SnapshotError)) console.warn("embedkit: snapshot payload", err);
      this.showError(model, "shown", err);
      return;
    }
    try {
      if (parts.note) this.node.append(h("div", "ek-note", parts.note));
      const host = h("div");
      this.node.append(host);
      this.view = createProjectorView(host, parts.data, localBackend(parts.local));
      (this.node as any).__embedkitSnapshot = this.view;
      await this.view.ready;
    } catch (err) {
      console.warn("embedkit: drawing the snapshot failed", err);
      this.showError(model, "drawn", err);
    }
  }

  dispose(): void {
    this.view?.destroy();
    this.view = null;
    super.dispose();
  }
}

/** Renders `vectors.tsv` (with `metadata.tsv` beside it) in the projector, PCA in the page. */
export class TsvRenderer extends Widget implements IRenderMime.IRenderer {
  private view: ProjectorView | null = null;
  private resolver: IRenderMime.IResolver | null;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.resolver = options.resolver ?? null;
    this.addClass("embedkit-snapshot");
    this.node.style.overflow = "auto";
  }

  /** The text of `metadata.tsv` beside the file (null when there is none). */
  private async metadataText(): Promise<string | null> {
    if (!this.resolver) return null;
    let res: Response;
    try {
      const path = await this.resolver.resolveUrl("metadata.tsv");
      const url = await this.resolver.getDownloadUrl(path);
      res = await fetch(url, { credentials: "same-origin" });
    } catch {
      return null;
    }
    if (!res.ok) return null;
    const size = Number(res.headers.get("content-length"));
    if (size > METADATA_MAX_CHARS) {
      void res.body?.cancel();
      throw new TsvError(`metadata.tsv is ${formatMB(size)}; the viewer reads at most ${formatMB(METADATA_MAX_CHARS)}`);
    }
    return await res.text();
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.view?.destroy();
    this.view = null;
    this.node.textContent = "";
    const raw = model.data[TSV_MIME_TYPE];
    const vectors = typeof raw === "string" ? raw : "";
    let parsed: ReturnType<typeof parseProjectorExport>;
    try {
      parsed = parseProjectorExport(vectors, await this.metadataText());
    } catch (err) {
      if (!(err instanceof TsvError)) console.warn("embedkit: projector export", err);
      this.node.append(h("div", "ek-error", `This projector export could not be shown: ${errorText(err)}`));
      return;
    }
    try {
      this.node.append(h("div", "ek-note", parsed.note));
      const host = h("div");
      this.node.append(host);
      const backend = { ...localBackend(parsed.local), neighbours: parsed.neighbours };
      this.view = createProjectorView(host, parsed.data, backend);
      (this.node as any).__embedkitSnapshot = this.view;
      await this.view.ready;
    } catch (err) {
      console.warn("embedkit: drawing the projector export failed", err);
      this.view?.destroy();
      this.view = null;
      this.node.textContent = "";
      this.node.append(h("div", "ek-error", `This projector export could not be drawn: ${errorText(err)}`));
    }
  }

  dispose(): void {
    this.view?.destroy();
    this.view = null;
    super.dispose();
  }
}

const extension: IRenderMime.IExtension[] = [
  {
    id: "embedkit:snapshot",
    rendererFactory: {
      safe: true,
      mimeTypes: [MIME_TYPE],
      createRenderer: () => new SnapshotRenderer(),
    },
    rank: 0,
    dataType: "json",
  },
  {
    id: "embedkit:projector-export",
    rendererFactory: {
      safe: true,
      mimeTypes: [TSV_MIME_TYPE],
      createRenderer: (options) => new TsvRenderer(options),
    },
    rank: 0,
    dataType: "string",
    fileTypes: [
      {
        name: "embedkit-projector-vectors",
        displayName: "Embedding projector vectors",
        mimeTypes: [TSV_MIME_TYPE],
        extensions: [".tsv"],
        pattern: "^vectors\\.tsv$",
        fileFormat: "text",
      },
    ],
    documentWidgetFactoryOptions: {
      name: "Embedkit Projector",
      primaryFileType: "embedkit-projector-vectors",
      fileTypes: ["embedkit-projector-vectors"],
      defaultFor: ["embedkit-projector-vectors"],
    },
  },
];

export { TSV_MAX_POINTS };
export default extension;
