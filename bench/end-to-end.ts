/**
 * 3. End to end on the local runtime (`npm start` in a child process): signed 2 KB webhooks
 * posted at a fixed concurrency; ack latency per request, and events per second from the first
 * POST to the last event processed. Then one run at each of `SWEEP` concurrencies: how
 * throughput and the p99 acknowledgement grow with load.
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfigFile } from '../shared/config/load';
import { POWERTOOLS_VARIABLES } from '../shared/deployment/environment';
import { secretEnvName } from '../shared/inbound/secrets';
import { startRuntimeProcess } from '../test/support/runtime-process';
import { sampleWebhook } from '../local/samples';
import { median, percentile, round } from './stats';

export interface EndToEndResult {
  readonly inputs: { events: number; concurrency: number; bodyBytes: number; runs: number; source: string };
  readonly eventsPerSecond: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly runs: Array<{ eventsPerSecond: number; ackP50Ms: number; ackP99Ms: number }>;
  /** One run per concurrency of `SWEEP`. */
  readonly byConcurrency: Array<{ concurrency: number; eventsPerSecond: number; ackP50Ms: number; ackP99Ms: number }>;
}

export const SWEEP = [1, 4, 16, 64] as const;

export async function benchEndToEnd(options = { events: 200, concurrency: 16, runs: 3, bodyBytes: 2048 }): Promise<EndToEndResult> {
  const config = loadConfigFile('webhooks.config.json');
  const source = config.sources.find((s) => s.provider === 'github')!;
  const secret = randomBytes(32).toString('hex');
  const runtime = await startRuntimeProcess({
    envFile: path.join(mkdtempSync(path.join(tmpdir(), 'gw-bench-')), '.env.local'),
    env: { [secretEnvName(source.name)]: secret, [POWERTOOLS_VARIABLES.logLevel]: 'SILENT' },
  });
  const runs: EndToEndResult['runs'] = [];
  const byConcurrency: EndToEndResult['byConcurrency'] = [];
  let bodyBytes = 0;
  try {
    const oneRun = async (concurrency: number) => {
      const url = `${runtime.url}/webhooks/${source.name}`;
      const requests = await Promise.all(
        Array.from({ length: options.events }, async () => {
          const sample = await sampleWebhook(source, secret, { url });
          const document = JSON.parse(sample.body.toString()) as Record<string, unknown>;
          document.padding = 'x'.repeat(Math.max(0, options.bodyBytes - sample.body.length - 14));
          const body = JSON.stringify(document);
          const { createHmac } = await import('node:crypto');
          return {
            id: sample.eventId,
            body,
            headers: { ...sample.headers, 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
          };
        }),
      );
      bodyBytes = Buffer.byteLength(requests[0]!.body);
      const acks: number[] = [];
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < requests.length) {
            const request = requests[next++]!;
            const t = performance.now();
            const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`ingress answered ${response.status}`);
            acks.push(performance.now() - t);
          }
        }),
      );
      // Wait until every event is processed.
      const pending = new Set(requests.map((r) => r.id));
      while (pending.size > 0) {
        await Promise.all(
          [...pending].slice(0, 50).map(async (id) => {
            const response = await fetch(`${runtime.url}/api/v1/sources/${source.name}/events/${id}`);
            const body = (await response.json()) as { status?: string };
            if (body.status === 'processed') pending.delete(id);
          }),
        );
        if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        if (performance.now() - started > 120_000) throw new Error(`${pending.size} events not processed after 120 s`);
      }
      const seconds = (performance.now() - started) / 1000;
      return { eventsPerSecond: round(options.events / seconds, 1), ackP50Ms: round(percentile(acks, 50), 1), ackP99Ms: round(percentile(acks, 99), 1) };
    };
    for (let run = 0; run < options.runs; run++) runs.push(await oneRun(options.concurrency));
    for (const concurrency of SWEEP) byConcurrency.push({ concurrency, ...(await oneRun(concurrency)) });
  } finally {
    await runtime.stop();
  }
  return {
    inputs: { events: options.events, concurrency: options.concurrency, bodyBytes, runs: options.runs, source: 'github' },
    eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
    ackP50Ms: median(runs.map((r) => r.ackP50Ms)),
    ackP99Ms: median(runs.map((r) => r.ackP99Ms)),
    runs,
    byConcurrency,
  };
}
