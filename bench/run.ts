/**
 * `npm run bench`: ingress overhead, cold start, end to end and outbound throughput, plus the
 * counted AWS calls per flow that `npm run cost` prices. Prints tables and writes
 * bench/results.json. Figures are ratios measured in one run: absolute times vary with the
 * machine and its load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchColdStart } from './cold-start';
import { benchEndToEnd } from './end-to-end';
import { benchEnvironment } from './environment';
import { benchIngress } from './ingress';
import { benchMetered, METERED_DEFAULTS, type MeteredResult } from './metered';
import { benchOutbound } from './outbound';
import { table } from './stats';

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/**
 * The body (inbound) and payload (outbound) sizes `npm run cost` prices, beside the architecture's
 * floor; the last is above the shipped `claimCheckBytes` (200 KB): the inbound body goes to the
 * bucket (its outbound payload stays at 100 KB, within what the outbound queue carries).
 */
export const COST_SIZES = [1024, 2048, 10 * 1024, 100 * 1024, 256 * 1024] as const;
const MAX_METERED_PAYLOAD = 100 * 1024;

/** Counts the calls of each flow at each of `COST_SIZES`. */
async function meteredBySize(env: Awaited<ReturnType<typeof benchEnvironment>>): Promise<MeteredResult[]> {
  const runs: MeteredResult[] = [];
  for (const bytes of COST_SIZES) {
    runs.push(
      await benchMetered(env, { ...METERED_DEFAULTS, events: 100, deliveries: 50, bodyBytes: bytes, payloadBytes: Math.min(bytes, MAX_METERED_PAYLOAD) }),
    );
  }
  return runs;
}

/** `BENCH_ONLY=metered npm run bench`: recount the calls only, keeping the other figures of bench/results.json. */
async function meteredOnly(): Promise<void> {
  const env = await benchEnvironment();
  try {
    const previous = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>;
    const metered = await benchMetered(env);
    const bySize = await meteredBySize(env);
    writeFileSync('bench/results.json', `${JSON.stringify({ ...previous, metered, meteredBySize: bySize }, null, 2)}\n`);
    process.stdout.write('Recounted the calls per flow into bench/results.json. Next: npm run cost\n');
  } finally {
    await env.stop();
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'metered') return meteredOnly();
  const started = Date.now();
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` };
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`Benchmarks on ${machine.cpus}× ${machine.cpu}, Node ${machine.node}, ${new Date().toISOString()}`);

  const env = await benchEnvironment();
  let ingress, metered, bySize;
  try {
    log('\n1. Ingress overhead …');
    ingress = await benchIngress(env);
    log('   counting AWS calls per flow (for npm run cost) …');
    metered = await benchMetered(env);
    bySize = await meteredBySize(env);
  } finally {
    await env.stop();
  }
  log(
    table([
      ['figure', 'value', 'goal', 'verdict'],
      ['ingress handler, median ms/request', ingress.handlerMs, '', ''],
      ['bare PutItem + SendMessage, median ms', ingress.barePutAndSendMs, '', ''],
      ['ratio (with the status stream write)', ingress.ratio, `≤ ${ingress.goal}`, verdict(ingress.ratio <= ingress.goal)],
      ['ratio (status stream off)', ingress.ratioWithoutStream, `≤ ${ingress.goal}`, verdict(ingress.ratioWithoutStream <= ingress.goal)],
    ]),
  );
  log(`   inputs: ${JSON.stringify(ingress.inputs)}`);

  log('\n2. Cold start …');
  const cold = await benchColdStart();
  log(
    table([
      ['function', 'bundle KB', 'baseline KB', 'init ms', 'baseline ms', 'ratio', 'verdict'],
      ...cold.functions.map((row) => [
        row.name,
        (row.bundleBytes / 1024).toFixed(0),
        (row.baselineBytes / 1024).toFixed(0),
        row.initMs,
        row.baselineInitMs,
        row.ratio,
        row.name === 'ingress'
          ? `${verdict(row.ratio <= cold.goals.ingressInitRatio)} (≤ ${cold.goals.ingressInitRatio}); size ${verdict(row.bundleBytes <= cold.goals.ingressBundleBytes)} (≤ baseline + 100 KB)`
          : verdict(row.ratio <= cold.goals.initRatio),
      ]),
    ]),
  );
  log(`   inputs: ${JSON.stringify(cold.inputs)}; goal: init ratio ≤ ${cold.goals.initRatio}`);

  log('\n3. End to end on the local runtime …');
  const e2e = await benchEndToEnd();
  log(
    table([
      ['figure', 'value'],
      ['events/s, POST to processed', e2e.eventsPerSecond],
      ['ack latency p50 ms', e2e.ackP50Ms],
      ['ack latency p99 ms', e2e.ackP99Ms],
    ]),
  );
  log(`   inputs: ${JSON.stringify(e2e.inputs)}; runs: ${JSON.stringify(e2e.runs)}`);
  log('   by concurrency (one run each):');
  log(
    table([
      ['concurrency', 'events/s', 'ack p50 ms', 'ack p99 ms'],
      ...e2e.byConcurrency.map((row) => [row.concurrency, row.eventsPerSecond, row.ackP50Ms, row.ackP99Ms]),
    ]),
  );

  log('\n4. Outbound …');
  const outbound = await benchOutbound();
  log(
    table([
      ['figure', 'deliveries/s', 'ratio', 'goal', 'verdict'],
      ['our sender (keep-alive, concurrent, signed)', outbound.senderPerSecond, '', '', ''],
      [
        '(a) naive: new client per request, one at a time',
        outbound.naivePerSecond,
        outbound.versusNaive,
        `≥ ${outbound.goals.versusNaive}×`,
        verdict(outbound.versusNaive >= outbound.goals.versusNaive),
      ],
      [
        '(b) receiver capacity (keep-alive load generator)',
        outbound.receiverCapacityPerSecond,
        outbound.versusReceiver,
        `≥ ${outbound.goals.versusReceiver}×`,
        verdict(outbound.versusReceiver >= outbound.goals.versusReceiver),
      ],
    ]),
  );
  log(`   inputs: ${JSON.stringify(outbound.inputs)}`);

  const results = {
    date: new Date().toISOString(),
    machine,
    seconds: Math.round((Date.now() - started) / 1000),
    ingress,
    coldStart: cold,
    endToEnd: e2e,
    outbound,
    metered,
    meteredBySize: bySize,
  };
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  log(`\nWrote bench/results.json (${results.seconds} s). Next: npm run cost`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
