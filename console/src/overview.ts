/**
 * The overview: the last hour (by minute) or the last 24 hours (by quarter hour) from
 * `GET /api/v1/stats`. Inbound events per source (received, processed, failed, dead-lettered),
 * and per endpoint its attempts by outcome with the success rate, and p50/p99 durations. Kept
 * current by the status stream (each change schedules a reload) and a reload every minute as
 * the window moves.
 */
import type { Api } from './api';
import { lineChart, stackedBars } from './charts';
import { byId, el } from './dom';
import { durationText, percentText } from './format';
import type { EndpointView, TrafficStatsView } from './types';
import { run } from './ui';

const WINDOW_TEXT = { '1h': 'the last hour', '24h': 'the last 24 hours' } as const;

export class Overview {
  private window: '1h' | '24h' = '1h';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sequence = 0;

  constructor(private readonly api: Api) {
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="window"]')) {
      input.addEventListener('change', () => {
        if (!input.checked) return;
        this.window = input.value === '24h' ? '24h' : '1h';
        void this.reload();
      });
    }
    setInterval(() => void this.reload(), 60_000);
  }

  reload(): Promise<void> {
    return run(() => this.load(), 'the overview');
  }

  /** A status change arrived: reload soon, at most every two seconds. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, 2000);
  }

  private async load(): Promise<void> {
    const mine = ++this.sequence;
    const [stats, endpoints] = await Promise.all([
      this.api.get<TrafficStatsView>(`/stats?window=${this.window}`),
      this.api.get<{ endpoints: EndpointView[] }>('/endpoints'),
    ]);
    if (mine !== this.sequence) return;
    const names = new Map(
      endpoints.endpoints.map((endpoint) => [endpoint.id, endpoint.description ? `${endpoint.description} (${endpoint.url})` : endpoint.url]),
    );
    this.render(stats, (id) => names.get(id) ?? `${id} (deleted)`);
  }

  private render(stats: TrafficStatsView, endpointName: (id: string) => string): void {
    const during = WINDOW_TEXT[stats.window];
    const unit = stats.bucketSeconds === 60 ? 'per minute' : 'per 15 minutes';
    const section = byId('overview');
    section.dataset.window = stats.window;
    byId('overview-updated').textContent = stats.statusLog
      ? `Updated ${new Date().toLocaleTimeString()}.`
      : 'The status log is off (operations.statusStream: false): nothing is recorded to chart.';

    const inbound = stats.inbound.reduce(
      (sum, s) => ({
        received: sum.received + s.total.received,
        processed: sum.processed + s.total.processed,
        failed: sum.failed + s.total.failed,
        deadLettered: sum.deadLettered + s.total.deadLettered,
      }),
      { received: 0, processed: 0, failed: 0, deadLettered: 0 },
    );
    const succeeded = stats.outbound.reduce((sum, s) => sum + s.total.succeeded, 0);
    const failed = stats.outbound.reduce((sum, s) => sum + s.total.failed, 0);
    const tile = (name: string, label: string, value: number, text = String(value)) =>
      el('div', { dataset: { tile: name, value: String(value) } }, [el('dt', { text: label }), el('dd', { text })]);
    byId('overview-tiles').replaceChildren(
      tile('received', 'Events received', inbound.received),
      tile('processed', 'Processed', inbound.processed),
      tile('failed', 'Failed attempts', inbound.failed),
      tile('deadLettered', 'Dead-lettered', inbound.deadLettered),
      tile('attempts', 'Delivery attempts', succeeded + failed),
      tile(
        'successRate',
        'Success rate',
        succeeded + failed ? succeeded / (succeeded + failed) : 0,
        succeeded + failed ? percentText(succeeded / (succeeded + failed)) : '—',
      ),
    );

    const active = stats.inbound.filter((s) => s.total.received + s.total.processed + s.total.failed > 0);
    byId('inbound-charts').replaceChildren(
      ...active.map((s) =>
        lineChart({
          id: `inbound:${s.source}`,
          caption: s.source,
          buckets: stats.buckets,
          bucketSeconds: stats.bucketSeconds,
          integer: true,
          unit: `events ${unit}`,
          format: (value) => String(value),
          summary: `${s.source} in ${during}: ${s.total.received} received, ${s.total.processed} processed, ${s.total.failed} failed, ${s.total.deadLettered} dead-lettered.`,
          series: [
            { name: 'received', label: 'Received', values: s.received },
            { name: 'processed', label: 'Processed', values: s.processed },
            { name: 'failed', label: 'Failed', values: s.failed },
            { name: 'deadLettered', label: 'Dead-lettered', values: s.deadLettered },
          ],
        }),
      ),
    );
    const idle = stats.inbound.filter((s) => !active.includes(s)).map((s) => s.source);
    byId('inbound-idle').textContent =
      active.length === 0 ? `No inbound events in ${during}.` : idle.length ? `No events in ${during} from: ${idle.join(', ')}.` : '';

    byId('outbound-charts').replaceChildren(
      ...stats.outbound.flatMap((s) => {
        const name = endpointName(s.endpointId);
        const figures = [
          stackedBars({
            id: `attempts:${s.endpointId}`,
            caption: `${name}: attempts, ${percentText(s.total.successRate)} succeeded`,
            buckets: stats.buckets,
            bucketSeconds: stats.bucketSeconds,
            integer: true,
            unit: `attempts ${unit}`,
            format: (value) => String(value),
            summary: `${s.total.succeeded + s.total.failed} attempts in ${during}: ${s.total.succeeded} succeeded, ${s.total.failed} failed, success rate ${percentText(s.total.successRate)}.`,
            series: [
              { name: 'succeeded', label: 'Succeeded', values: s.succeeded },
              { name: 'failed', label: 'Failed', values: s.failed },
            ],
          }),
          lineChart({
            id: `latency:${s.endpointId}`,
            caption: `${name}: duration, p50 ${durationText(s.total.p50Ms)}, p99 ${durationText(s.total.p99Ms)}`,
            buckets: stats.buckets,
            bucketSeconds: stats.bucketSeconds,
            integer: false,
            unit: 'ms',
            format: (value) => `${Math.round(value)}`,
            summary: `Attempt duration in ${during}: p50 ${durationText(s.total.p50Ms)}, p99 ${durationText(s.total.p99Ms)}.`,
            series: [
              { name: 'p50Ms', label: 'p50', values: s.p50Ms },
              { name: 'p99Ms', label: 'p99', values: s.p99Ms },
            ],
          }),
        ];
        for (const figure of figures) {
          figure.dataset.endpointId = s.endpointId;
          figure.dataset.successRate = s.total.successRate === null ? '' : String(s.total.successRate);
          figure.dataset.p50 = s.total.p50Ms === null ? '' : String(s.total.p50Ms);
          figure.dataset.p99 = s.total.p99Ms === null ? '' : String(s.total.p99Ms);
        }
        return figures;
      }),
    );
    byId('outbound-idle').textContent = stats.outbound.length ? '' : `No delivery attempts in ${during}.`;
    section.dataset.loaded = String(Date.now());
  }
}
