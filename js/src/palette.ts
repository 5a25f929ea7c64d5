// Colours: a categorical palette (Tableau 10 + 10 lighter) and a continuous ramp (viridis stops).

export const CATEGORICAL = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d",
  "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
];

const VIRIDIS = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
];

function hex(r: number, g: number, b: number): string {
  return "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
}

/** `n` colours along the continuous ramp (linear interpolation between the stops). */
export function ramp(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = (n === 1 ? 0 : i / (n - 1)) * (VIRIDIS.length - 1);
    const lo = Math.floor(t);
    const hi = Math.min(VIRIDIS.length - 1, lo + 1);
    const f = t - lo;
    const c = VIRIDIS[lo].map((v, j) => v + (VIRIDIS[hi][j] - v) * f);
    out.push(hex(c[0], c[1], c[2]));
  }
  return out;
}

export function categorical(i: number): string {
  return CATEGORICAL[i % CATEGORICAL.length];
}
