// The projector's anywidget module as the kernel sends it (`Projector._esm`): a few hundred
// bytes. The view code itself (widget.ts, ~240 KB) is either in the page already, since the
// JupyterLab extension loads it when JupyterLab is idle and registers it under this build's
// id (plugin.ts), or it comes with the model (`_bundle`) and is imported once per page and
// build. Importing the full module when the widget's model arrived took 20-40 ms of a first
// frame in Chromium here; this module, 2-6 ms.

import { BUILD_ID } from "./buildid";

interface WidgetModule {
  initialize?(props: { model: { get(name: string): unknown } }): unknown;
  render(props: { model: { get(name: string): unknown }; el: HTMLElement }): unknown;
}

/** Where the page keeps this build's widget module (or the promise of it). */
export const WIDGET_KEY = Symbol.for(`embedkit.widget.${BUILD_ID}`);
const page = globalThis as unknown as Record<symbol, WidgetModule | Promise<WidgetModule> | undefined>;

function widget(model: { get(name: string): unknown }): Promise<WidgetModule> {
  const known = page[WIDGET_KEY];
  if (known) return Promise.resolve(known);
  const url = URL.createObjectURL(new Blob([String(model.get("_bundle"))], { type: "text/javascript" }));
  const loading = (import(/* webpackIgnore: true */ url) as Promise<{ default: WidgetModule }>)
    .then((m) => m.default)
    .finally(() => URL.revokeObjectURL(url));
  page[WIDGET_KEY] = loading;
  loading.catch(() => {
    if (page[WIDGET_KEY] === loading) page[WIDGET_KEY] = undefined; // the next view tries again
  });
  return loading;
}

export default {
  // the model arrived: the widget module prepares the first view's data (widget.ts). Not
  // awaited: anywidget gives a model's initialize 2 s before it fails the model, and the
  // full module may still be importing (no extension); render() awaits the same import,
  // after this callback.
  initialize({ model }: { model: { get(name: string): unknown } }) {
    widget(model).then(
      (m) => m.initialize?.({ model }),
      () => undefined, // render() reports it
    );
  },
  async render({ model, el }: { model: { get(name: string): unknown }; el: HTMLElement }) {
    return (await widget(model)).render({ model, el });
  },
};
