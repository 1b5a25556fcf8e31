/** Scales for the overview's charts: "nice" value axes and time ticks. Pure (no DOM). */

export interface ValueScale {
  /** The axis' top value (≥ every value drawn). */
  readonly top: number;
  readonly ticks: number[];
}

/** 0 to a round number at or above `max`, in about `count` steps of 1, 2, 2.5 or 5 × 10ⁿ (whole steps for counts). */
export function valueScale(max: number, options: { count?: number; integer?: boolean } = {}): ValueScale {
  const count = options.count ?? 4;
  const integer = options.integer ?? true;
  const target = Number.isFinite(max) && max > 0 ? max : integer ? 1 : 1;
  const raw = target / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.ceil(step));
  const top = Math.ceil(target / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push(Math.round(value * 1e6) / 1e6);
  return { top, ticks };
}

/** Indexes of the buckets that get a time label: every 10 minutes for minute buckets, every 3 hours otherwise. */
export function timeTicks(buckets: readonly string[], bucketSeconds: number): number[] {
  const every = (bucketSeconds <= 60 ? 10 : 180) * 60_000;
  return buckets.flatMap((start, index) => (Date.parse(start) % every === 0 ? [index] : []));
}
