/**
 * 4. Outbound: signed deliveries per second from our sender (one shared keep-alive agent,
 * concurrent sends, as the dispatcher fans out) to a receiver on loopback running in its own
 * process, against (a) a naive sender that opens a new client per request and sends one at a
 * time, and (b) the receiver's own capacity, measured by a keep-alive load generator at the same
 * concurrency sending the same bodies unsigned. Runs are interleaved; medians reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'undici';
import { NodeHttpSender } from '../shared/outbound/http-sender';
import { generateEndpointSecret, signatureHeaders } from '../shared/outbound/signing';
import { median, round } from './stats';

const RECEIVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

export interface OutboundResult {
  readonly inputs: { payloadBytes: number; deliveriesPerRun: number; naiveDeliveriesPerRun: number; concurrency: number; runs: number };
  readonly senderPerSecond: number;
  readonly naivePerSecond: number;
  readonly receiverCapacityPerSecond: number;
  readonly versusNaive: number;
  readonly versusReceiver: number;
  readonly goals: { versusNaive: number; versusReceiver: number };
}

async function startReceiver(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}/hook`, process: child };
}

async function timed(count: number, concurrency: number, send: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await send(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export async function benchOutbound(options = { deliveries: 2000, naive: 300, concurrency: 16, runs: 3, payloadBytes: 1024 }): Promise<OutboundResult> {
  const receiver = await startReceiver();
  const origin = new URL(receiver.url).origin;
  const body = Buffer.from(JSON.stringify({ type: 'invoice.paid', data: { id: 'in_1', padding: 'x'.repeat(options.payloadBytes - 60) } }));
  const secrets = [generateEndpointSecret()];
  const sign = (i: number) => signatureHeaders('standard', { messageId: `msg_bench_${i}`, timestamp: Math.floor(Date.now() / 1000), body, secrets });
  const sender = new NodeHttpSender({ allowPrivateTargets: true });
  const pool = new Pool(origin, { connections: options.concurrency });
  const ours: number[] = [];
  const naive: number[] = [];
  const capacity: number[] = [];
  try {
    // Warm up connections on every side.
    await timed(200, options.concurrency, async (i) => void (await sender.send({ url: receiver.url, headers: sign(i), body, timeoutMs: 15_000 })));
    for (let run = 0; run < options.runs; run++) {
      ours.push(
        await timed(options.deliveries, options.concurrency, async (i) => {
          const result = await sender.send({ url: receiver.url, headers: sign(i), body, timeoutMs: 15_000 });
          if (result.statusCode !== 200) throw new Error(`delivery failed: ${result.statusCode} ${result.error ?? ''}`);
        }),
      );
      naive.push(
        await timed(options.naive, 1, async (i) => {
          const client = new Client(origin);
          const response = await client.request({ path: '/hook', method: 'POST', headers: { 'content-type': 'application/json', ...sign(i) }, body });
          await response.body.text();
          await client.close();
        }),
      );
      capacity.push(
        await timed(options.deliveries, options.concurrency, async () => {
          const response = await pool.request({ path: '/hook', method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await response.body.text();
        }),
      );
    }
  } finally {
    await sender.close();
    await pool.close();
    receiver.process.kill();
  }
  const senderPerSecond = median(ours);
  const naivePerSecond = median(naive);
  const receiverCapacityPerSecond = median(capacity);
  return {
    inputs: {
      payloadBytes: body.length,
      deliveriesPerRun: options.deliveries,
      naiveDeliveriesPerRun: options.naive,
      concurrency: options.concurrency,
      runs: options.runs,
    },
    senderPerSecond: round(senderPerSecond, 0),
    naivePerSecond: round(naivePerSecond, 0),
    receiverCapacityPerSecond: round(receiverCapacityPerSecond, 0),
    versusNaive: round(senderPerSecond / naivePerSecond),
    versusReceiver: round(senderPerSecond / receiverCapacityPerSecond),
    goals: { versusNaive: 5, versusReceiver: 0.7 },
  };
}
