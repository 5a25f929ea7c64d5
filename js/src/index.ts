// The JupyterLab labextension entry: a MIME renderer for embedkit snapshots
// (`application/vnd.embedkit.projector+json`, written by `ek.snapshot(...)`) and a document
// viewer for TensorFlow-projector exports (`vectors.tsv` + `metadata.tsv`). Both draw with the
// transport-independent projector view and answer from data in the page (no kernel).

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { h } from "./dom";
import { localBackend } from "./local";
import { parseProjectorExport, TSV_MAX_POINTS } from "./tsv";
import type { ProjectorView } from "./types";
import { createProjectorView } from "./view";
import { snapshotParts, type Snapshot } from "./snapshot";

export const MIME_TYPE = "application/vnd.embedkit.projector+json";
export const TSV_MIME_TYPE = "text/vnd.embedkit.projector-vectors";

/** Renders a saved snapshot: points, legend, hover, search, stored neighbours. */
export class SnapshotRenderer extends Widget implements IRenderMime.IRenderer {
  private view: ProjectorView | null = null;

  constructor() {
    super();
    this.addClass("embedkit-snapshot");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.view?.destroy();
    this.node.textContent = "";
    const snap = model.data[MIME_TYPE] as unknown as Snapshot;
    let parts: ReturnType<typeof snapshotParts>;
    try {
      parts = snapshotParts(snap);
    } catch (err) {
      this.node.append(h("div", "ek-error", `embedkit snapshot: ${(err as Error).message}`));
      return;
    }
    if (parts.note) this.node.append(h("div", "ek-note", parts.note));
    const host = h("div");
    this.node.append(host);
    this.view = createProjectorView(host, parts.data, localBackend(parts.local));
    (this.node as any).__embedkitSnapshot = this.view;
    await this.view.ready;
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

  private async metadataText(): Promise<string | null> {
    if (!this.resolver) return null;
    try {
      const path = await this.resolver.resolveUrl("metadata.tsv");
      const url = await this.resolver.getDownloadUrl(path);
      const res = await fetch(url, { credentials: "same-origin" });
      return res.ok ? await res.text() : null;
    } catch {
      return null;
    }
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.view?.destroy();
    this.node.textContent = "";
    const vectors = String(model.data[TSV_MIME_TYPE] ?? "");
    let parsed: ReturnType<typeof parseProjectorExport>;
    try {
      parsed = parseProjectorExport(vectors, await this.metadataText());
    } catch (err) {
      this.node.append(h("div", "ek-error", (err as Error).message));
      return;
    }
    this.node.append(h("div", "ek-note", parsed.note));
    const host = h("div");
    this.node.append(host);
    const backend = { ...localBackend(parsed.local), neighbours: parsed.neighbours };
    this.view = createProjectorView(host, parsed.data, backend);
    (this.node as any).__embedkitSnapshot = this.view;
    await this.view.ready;
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
