// Styles for the projector view, injected once per page (no external CSS file needed).

export const CSS = `
.embedkit-projector { font: 13px/1.35 var(--jp-ui-font-family, system-ui, sans-serif);
  color: var(--jp-ui-font-color1, #222); border: 1px solid var(--jp-border-color2, #ddd);
  border-radius: 4px; background: var(--jp-layout-color0, #fff); min-width: 360px;
  container-type: inline-size; }
.embedkit-projector .ek-toolbar { display: flex; gap: 6px; align-items: center; padding: 4px 6px;
  border-bottom: 1px solid var(--jp-border-color2, #ddd); flex-wrap: wrap; }
.embedkit-projector .ek-search { flex: 0 1 220px; min-width: 90px; padding: 2px 4px; }
.embedkit-projector .ek-count { color: var(--jp-ui-font-color2, #666); min-width: 5em; }
.embedkit-projector .ek-count.ek-error { color: #c0392b; }
.embedkit-projector .ek-status { margin-left: auto; color: var(--jp-ui-font-color2, #666); }
.embedkit-projector button.ek-on { background: #dbe9f7; }
.embedkit-projector .ek-body { display: flex; }
.embedkit-projector .ek-canvas-wrap { position: relative; flex: 1 1 auto; min-width: 120px; }
.embedkit-projector .ek-canvas-wrap canvas { display: block; width: 100%; height: 100%; }
.embedkit-projector .ek-canvas-wrap canvas.ek-labels { position: absolute; left: 0; top: 0;
  pointer-events: none; }
.embedkit-projector .ek-legend-item.ek-pickable { cursor: pointer; border-radius: 3px; }
.embedkit-projector .ek-legend-item.ek-pickable:hover { background: var(--jp-layout-color2, #eee); }
.embedkit-projector .ek-legend-item.ek-on { background: #dbe9f7; font-weight: 600; }
.embedkit-projector .ek-side { flex: 0 0 230px; overflow: auto; padding: 4px 8px;
  border-left: 1px solid var(--jp-border-color2, #ddd); }
@container (max-width: 640px) {
  .embedkit-projector .ek-body { flex-direction: column; }
  .embedkit-projector .ek-side { flex: 0 0 auto; max-height: 180px !important;
    border-left: none; border-top: 1px solid var(--jp-border-color2, #ddd); }
}
.embedkit-projector .ek-side h4 { margin: 6px 0 2px; font-size: 12px; }
.embedkit-projector .ek-tooltip { position: absolute; pointer-events: none; z-index: 10;
  background: rgba(255,255,255,0.96); border: 1px solid #aaa; border-radius: 3px;
  padding: 3px 6px; max-width: 260px; box-shadow: 0 1px 4px rgba(0,0,0,.2); color: #222; }
.embedkit-projector .ek-tooltip .ek-label { font-weight: 600; word-break: break-all; }
.embedkit-projector .ek-tooltip .ek-field { color: #555; font-size: 12px; }
.embedkit-projector .ek-tooltip img { display: block; image-rendering: pixelated;
  width: 64px; height: 64px; object-fit: contain; margin-top: 3px; }
.embedkit-projector .ek-nbr { display: grid; grid-template-columns: 1.6em 1fr 3.8em; gap: 4px;
  cursor: pointer; align-items: center; }
.embedkit-projector .ek-nbr:hover { background: var(--jp-layout-color2, #eee); }
.embedkit-projector .ek-nbr .ek-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.embedkit-projector .ek-nbr .ek-score { text-align: right; font-variant-numeric: tabular-nums; }
.embedkit-projector .ek-bar { grid-column: 2 / 4; height: 3px; background: #f28e2b; }
.embedkit-projector .ek-legend-item { display: flex; gap: 5px; align-items: center; }
.embedkit-projector .ek-swatch { width: 10px; height: 10px; border-radius: 50%; flex: none; }
.embedkit-projector .ek-ramp { height: 10px; border-radius: 2px; }
.embedkit-projector .ek-ramp-ends { display: flex; justify-content: space-between; font-size: 11px; }
.embedkit-projector .ek-match { cursor: pointer; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.embedkit-projector .ek-match:hover { background: var(--jp-layout-color2, #eee); }
.embedkit-projector .ek-timebar { display: flex; gap: 8px; align-items: center; padding: 3px 6px;
  border-bottom: 1px solid var(--jp-border-color2, #ddd); flex-wrap: wrap; }
.embedkit-projector .ek-slider { flex: 1 1 200px; min-width: 100px; }
.embedkit-projector .ek-epoch { font-variant-numeric: tabular-nums; white-space: nowrap; }
.embedkit-projector .ek-metrics { color: var(--jp-ui-font-color2, #666); font-size: 12px;
  font-variant-numeric: tabular-nums; }
.embedkit-projector .ek-muted { color: var(--jp-ui-font-color2, #777); }
`;
