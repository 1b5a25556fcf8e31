/**
 * SVG charts of the overview, with readable axes and a text alternative. Every drawn value
 * carries `data-series`, `data-bucket` and `data-value`, and the plot's scale is on the `svg`
 * (`data-y-top`, `data-plot-top`, `data-plot-bottom`), so what is drawn can be read back and
 * checked against the geometry.
 */
import { timeTicks, valueScale } from './chart-scale';
import { el } from './dom';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { left: 48, right: 14, top: 12, bottom: 32 };
const PLOT_BOTTOM = HEIGHT - MARGIN.bottom;
const PLOT_HEIGHT = PLOT_BOTTOM - MARGIN.top;
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;

let ids = 0;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface Series {
  /** Machine name (`received`), used for `data-series` and the colour class. */
  readonly name: string;
  /** What the legend and the text alternative call it. */
  readonly label: string;
  readonly values: ReadonlyArray<number | null>;
}

export interface ChartOptions {
  /** What `data-chart` names it (`inbound:stripe`). */
  readonly id: string;
  readonly caption: string;
  readonly buckets: readonly string[];
  readonly bucketSeconds: number;
  readonly series: readonly Series[];
  /** How a value reads on the axis and in the text alternative. */
  readonly format: (value: number) => string;
  /** Whole numbers only (counts). */
  readonly integer: boolean;
  /** A sentence summing the chart up, for the text alternative. */
  readonly summary: string;
  readonly unit: string;
}

function timeLabel(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function frame(options: ChartOptions, top: number, ticks: readonly number[]): SVGSVGElement {
  const titleId = `chart-title-${++ids}`;
  const descId = `chart-desc-${ids}`;
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    'data-y-top': top,
    'data-plot-top': MARGIN.top,
    'data-plot-bottom': PLOT_BOTTOM,
  });
  root.append(svg('title', { id: titleId }, options.caption), svg('desc', { id: descId }, options.summary));
  const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
  const yAxis = svg('g', { class: 'axis y', 'aria-hidden': 'true' });
  for (const tick of ticks) {
    const y = PLOT_BOTTOM - (tick / top) * PLOT_HEIGHT;
    grid.append(svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y }));
    yAxis.append(svg('text', { x: MARGIN.left - 6, y: y + 4, 'text-anchor': 'end' }, options.format(tick)));
  }
  const xAxis = svg('g', { class: 'axis x', 'aria-hidden': 'true' });
  xAxis.append(svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: PLOT_BOTTOM, y2: PLOT_BOTTOM }));
  const slot = PLOT_WIDTH / options.buckets.length;
  for (const index of timeTicks(options.buckets, options.bucketSeconds)) {
    const x = MARGIN.left + (index + 0.5) * slot;
    xAxis.append(svg('line', { x1: x, x2: x, y1: PLOT_BOTTOM, y2: PLOT_BOTTOM + 4 }));
    xAxis.append(svg('text', { x, y: PLOT_BOTTOM + 17, 'text-anchor': 'middle' }, timeLabel(options.buckets[index]!)));
  }
  xAxis.append(svg('text', { x: WIDTH - MARGIN.right, y: HEIGHT - 2, 'text-anchor': 'end' }, `local time · ${options.unit}`));
  root.append(grid, yAxis, xAxis);
  return root;
}

function legend(series: readonly Series[]): HTMLUListElement {
  return el(
    'ul',
    { className: 'legend' },
    series.map((s) => el('li', {}, [el('span', { className: `swatch s-${s.name}`, 'aria-hidden': 'true' }), s.label])),
  );
}

/** A table of the buckets that have a value, for reading without the picture. */
function dataTable(options: ChartOptions): HTMLDetailsElement {
  const rows = options.buckets.flatMap((start, index) => {
    const values = options.series.map((s) => s.values[index] ?? null);
    if (values.every((value) => value === null || value === 0)) return [];
    return [
      el('tr', {}, [
        el('th', { scope: 'row', text: timeLabel(start) }),
        ...values.map((value) => el('td', { text: value === null ? '—' : options.format(value) })),
      ]),
    ];
  });
  return el('details', {}, [
    el('summary', { text: 'Values' }),
    rows.length
      ? el('table', {}, [
          el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: 'From' }), ...options.series.map((s) => el('th', { scope: 'col', text: s.label }))])]),
          el('tbody', {}, rows),
        ])
      : el('p', { text: 'Nothing in this window.' }),
  ]);
}

function figure(options: ChartOptions, chart: SVGSVGElement): HTMLElement {
  return el('figure', { className: 'chart', dataset: { chart: options.id } }, [
    el('figcaption', { text: options.caption }),
    chart,
    legend(options.series),
    dataTable(options),
  ]);
}

function maxOf(series: readonly Series[], stacked: boolean, length: number): number {
  let max = 0;
  for (let i = 0; i < length; i++) {
    const values = series.map((s) => s.values[i] ?? 0);
    max = Math.max(max, stacked ? values.reduce((a, b) => a + b, 0) : Math.max(...values));
  }
  return max;
}

/** Lines, one per series, with a point at every bucket that has a value. */
export function lineChart(options: ChartOptions): HTMLElement {
  const { top, ticks } = valueScale(maxOf(options.series, false, options.buckets.length), { integer: options.integer });
  const root = frame(options, top, ticks);
  const slot = PLOT_WIDTH / options.buckets.length;
  for (const series of options.series) {
    const group = svg('g', { class: `series s-${series.name}`, 'data-series': series.name });
    let path = '';
    const points: SVGCircleElement[] = [];
    series.values.forEach((value, index) => {
      if (value === null) return;
      const x = MARGIN.left + (index + 0.5) * slot;
      const y = PLOT_BOTTOM - (value / top) * PLOT_HEIGHT;
      path += `${path ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
      points.push(
        svg('circle', {
          class: `point s-${series.name}`,
          cx: x.toFixed(1),
          cy: y.toFixed(2),
          r: value > 0 ? 2.5 : 0,
          'data-series': series.name,
          'data-bucket': options.buckets[index]!,
          'data-value': value,
        }),
      );
    });
    if (path) group.append(svg('path', { class: `line s-${series.name}`, d: path }));
    group.append(...points);
    root.append(group);
  }
  return figure(options, root);
}

/** Bars stacked per bucket, the first series at the bottom. */
export function stackedBars(options: ChartOptions): HTMLElement {
  const { top, ticks } = valueScale(maxOf(options.series, true, options.buckets.length), { integer: options.integer });
  const root = frame(options, top, ticks);
  const slot = PLOT_WIDTH / options.buckets.length;
  const base = new Array<number>(options.buckets.length).fill(0);
  for (const series of options.series) {
    const group = svg('g', { class: `series s-${series.name}`, 'data-series': series.name });
    series.values.forEach((value, index) => {
      if (value === null) return;
      const height = (value / top) * PLOT_HEIGHT;
      const y = PLOT_BOTTOM - ((base[index]! + value) / top) * PLOT_HEIGHT;
      base[index]! += value;
      group.append(
        svg('rect', {
          class: `bar s-${series.name}`,
          x: (MARGIN.left + index * slot + slot * 0.1).toFixed(1),
          y: y.toFixed(2),
          width: (slot * 0.8).toFixed(2),
          height: height.toFixed(2),
          'data-series': series.name,
          'data-bucket': options.buckets[index]!,
          'data-value': value,
        }),
      );
    });
    root.append(group);
  }
  return figure(options, root);
}
