/**
 * The AWS calls each flow makes, counted (not assumed) by running the real handlers against the
 * emulators with metered clients: inbound (ingress then processor, 5% provider duplicates),
 * outbound first-try deliveries (internal producer → dispatcher → receiver), and one retry
 * attempt of the schedule (the deliver task). The cost model multiplies these by prices.
 */
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DispatcherDeps } from '../functions/composition';
import { handleDeliver } from '../functions/deliver/handler';
import { handleOutboundBatch } from '../functions/dispatcher/handler';
import { handleIngress } from '../functions/ingress/handler';
import { handleBatch } from '../functions/processor/handler';
import { localPlan, queueEventSource } from '../local/plan';
import type { SqsEventSource } from '../local/sqs-event-source';
import { dispatchMessage } from '../shared/outbound/dispatch';
import { publishMessage } from '../shared/outbound/publish';
import type { RetryExecutionState } from '../shared/outbound/retry-state-machine';
import { generateEndpointSecret } from '../shared/outbound/signing';
import type { BenchEnvironment } from './environment';
import { filler, githubEvent } from './http-sample';
import type { MeterReading, WriteTally } from './meter';
import { round } from './stats';

export interface FlowCount {
  /** AWS calls per unit (event or delivery), by service.operation. */
  readonly callsPerUnit: Record<string, number>;
  readonly writeUnitsPerUnit: number;
  readonly readUnitsPerUnit: number;
  readonly conditionFailuresPerUnit: number;
  /** Write units per unit by `<operation> <item family>`, the table's and the index entries' apart. */
  readonly writesPerUnit: Record<string, WriteTally>;
}

export interface MeteredResult {
  readonly inputs: {
    inboundEvents: number;
    duplicateRate: number;
    bodyBytes: number;
    outboundDeliveries: number;
    /** The outbound payload's JSON size. */
    payloadBytes: number;
    batchSize: number;
  };
  readonly inbound: {
    readonly ingress: FlowCount;
    readonly processor: FlowCount;
    readonly ingressMsPerRequest: number;
    readonly processorMsPerEvent: number;
    readonly eventsPerProcessorInvocation: number;
  };
  readonly outbound: {
    readonly firstTry: FlowCount;
    readonly dispatcherMsPerDelivery: number;
    readonly deliveriesPerDispatcherInvocation: number;
  };
  readonly retryAttempt: FlowCount & { readonly deliverMsPerAttempt: number };
}

function perUnit(reading: MeterReading, units: number): FlowCount {
  return {
    callsPerUnit: Object.fromEntries(
      Object.entries(reading.calls)
        .sort()
        .map(([key, count]) => [key, round(count / units, 3)]),
    ),
    writeUnitsPerUnit: round(reading.writeUnits / units, 3),
    readUnitsPerUnit: round(reading.readUnits / units, 3),
    conditionFailuresPerUnit: round(reading.conditionFailures / units, 3),
    writesPerUnit: Object.fromEntries(
      Object.entries(reading.writes)
        .sort()
        .map(([key, tally]) => [
          key,
          { calls: round(tally.calls / units, 3), tableUnits: round(tally.tableUnits / units, 3), indexUnits: round(tally.indexUnits / units, 3) },
        ]),
    ),
  };
}

async function drain(source: SqsEventSource, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  source.start();
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('metered flow did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await source.stop();
}

export interface MeteredOptions {
  readonly events: number;
  readonly duplicateRate: number;
  /** Inbound body size; the padding is `filler`'s, which compresses about as well as hex. */
  readonly bodyBytes: number;
  readonly deliveries: number;
  /** Outbound payload size (JSON), padded the same way. */
  readonly payloadBytes: number;
}

export const METERED_DEFAULTS: MeteredOptions = { events: 200, duplicateRate: 0.05, bodyBytes: 2048, deliveries: 100, payloadBytes: 1024 };

export async function benchMetered(env: BenchEnvironment, options: MeteredOptions = METERED_DEFAULTS): Promise<MeteredResult> {
  const resources = await env.resources();
  const { clients, meter, config } = env;
  const plan = localPlan(config);
  const functions = env.functions(resources);
  const source = config.sources.find((s) => s.provider === 'github')!;
  const events = await Promise.all(Array.from({ length: options.events }, () => githubEvent(source, env.secrets[source.name]!, options.bodyBytes, filler)));
  const duplicates = events.slice(0, Math.round(options.events * options.duplicateRate));

  // Inbound: ingress (every event, plus the provider's duplicates).
  const receive = functions.ingress();
  meter.reset();
  let started = performance.now();
  for (const { event } of [...events, ...duplicates]) {
    const response = await handleIngress(event, receive);
    if (response.statusCode !== 200) throw new Error(`ingress answered ${response.statusCode}`);
  }
  const ingressMs = (performance.now() - started) / (events.length + duplicates.length);
  const ingress = perUnit(meter.reset(), events.length);

  // Inbound: the processor, through the event source mapping as declared (with relay on, no subscribers).
  const process = functions.processor();
  let invocations = 0;
  let processorMs = 0;
  let processed = 0;
  meter.reset();
  await drain(
    queueEventSource(plan, 'processor', {
      sqs: clients.sqs,
      queues: resources,
      waitTimeSeconds: 1,
      concurrency: 1,
      invoke: async (event, context) => {
        invocations++;
        const t = performance.now();
        const result = await handleBatch(event, context, process);
        processorMs += performance.now() - t;
        processed += event.Records.length;
        return result;
      },
    }),
    async () => {
      const last = events.at(-1)!;
      const record = await receive.store.get(source.name, last.eventId);
      return processed >= events.length && record?.status === 'processed';
    },
  );
  const processor = perUnit(meter.reset(), events.length);

  // Outbound: what an internal producer publishes, delivered at the first try.
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  const now = new Date().toISOString();
  const dispatcher: DispatcherDeps = {
    ...functions.dispatcher(),
    scheduler: {
      start: async () => {
        throw new Error('no retry expected: the receiver answers 200');
      },
    },
  };
  await dispatcher.endpoints.create({
    id: 'ep_bench',
    url,
    eventTypes: ['invoice.*'],
    signatureScheme: 'standard',
    enabled: true,
    secrets: [{ secret: generateEndpointSecret(), createdAt: now }],
    createdAt: now,
    updatedAt: now,
  });
  let dispatcherInvocations = 0;
  let dispatcherMs = 0;
  let delivered = 0;
  meter.reset();
  for (let i = 0; i < options.deliveries; i++) {
    await dispatcher.publish.queue.send({
      eventType: 'invoice.paid',
      payload: outboundPayload(i, options.payloadBytes),
      idempotencyKey: `bench-${i}`,
    });
  }
  await drain(
    queueEventSource(plan, 'dispatcher', {
      sqs: clients.sqs,
      queues: resources,
      waitTimeSeconds: 1,
      concurrency: 1,
      invoke: async (event, context) => {
        dispatcherInvocations++;
        const t = performance.now();
        const result = await handleOutboundBatch(event, context, dispatcher);
        dispatcherMs += performance.now() - t;
        delivered += event.Records.length;
        return result;
      },
    }),
    async () => delivered >= options.deliveries,
  );
  const firstTry = perUnit(meter.reset(), options.deliveries);

  // One scheduled retry attempt (the deliver task), to a receiver that keeps failing.
  const failing = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.statusCode = 503;
      response.end('down');
    });
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', () => resolve()));
  const failingAddress = failing.address();
  await dispatcher.endpoints.update(
    'ep_bench',
    { url: `http://127.0.0.1:${typeof failingAddress === 'object' && failingAddress ? failingAddress.port : 0}/hook` },
    new Date(),
  );
  // Ten deliveries whose first attempt failed (not metered), each waiting for its first scheduled retry.
  const retries: RetryExecutionState[] = [];
  // Fresh dependencies: the first-try phase's endpoint cache still holds the answering URL.
  const failingFirst: DispatcherDeps = { ...functions.dispatcher(), scheduler: { start: async (_name, input) => void retries.push(input) } };
  for (let i = 0; i < 10; i++) {
    const { message } = await publishMessage(
      { ...failingFirst.publish, dispatch: async (m) => void (await dispatchMessage(failingFirst, m)) },
      { eventType: 'invoice.overdue', payload: { id: `in_retry_${i}` } },
    );
    if (!retries.some((retry) => retry.messageId === message.id)) throw new Error('the first attempt was expected to fail and schedule a retry');
  }
  const deliver = functions.deliver();
  meter.reset();
  started = performance.now();
  for (const retry of retries) await handleDeliver({ ...retry, waitSeconds: 0 }, deliver);
  const deliverMs = (performance.now() - started) / retries.length;
  const retryAttempt = { ...perUnit(meter.reset(), retries.length), deliverMsPerAttempt: round(deliverMs, 1) };

  await Promise.all([dispatcher.sender.close?.(), failingFirst.sender.close?.(), deliver.sender.close?.()]);
  server.close();
  failing.close();
  return {
    inputs: {
      inboundEvents: options.events,
      duplicateRate: options.duplicateRate,
      bodyBytes: events[0]!.body.length,
      outboundDeliveries: options.deliveries,
      payloadBytes: JSON.stringify(outboundPayload(0, options.payloadBytes)).length,
      batchSize: config.inbound.batchSize,
    },
    inbound: {
      ingress,
      processor,
      ingressMsPerRequest: round(ingressMs, 1),
      processorMsPerEvent: round(processorMs / Math.max(1, processed), 1),
      eventsPerProcessorInvocation: round(processed / Math.max(1, invocations), 2),
    },
    outbound: {
      firstTry,
      dispatcherMsPerDelivery: round(dispatcherMs / Math.max(1, delivered), 1),
      deliveriesPerDispatcherInvocation: round(delivered / Math.max(1, dispatcherInvocations), 2),
    },
    retryAttempt,
  };
}

/** An invoice payload whose JSON is about `bytes` long. */
function outboundPayload(i: number, bytes: number): Record<string, unknown> {
  const head = { id: `in_${i}`, amount: 1200, padding: '' };
  return { ...head, padding: filler(Math.max(0, bytes - JSON.stringify(head).length), i + 1) };
}
