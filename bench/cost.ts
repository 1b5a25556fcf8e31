/**
 * `npm run cost`: the modelled AWS bill per million, from
 * - the synthesized template (function memory, batch sizes),
 * - the AWS calls counted per event and per delivery by `npm run bench` (bench/results.json),
 * - the dated price table bench/prices.json.
 * Prints the breakdown and, beside each modelled total, the architecture's floor: the price of the
 * calls no implementation of this design can avoid for that flow at that body size (see
 * `floorOf`), and the ratio. Writes bench/cost.json (the floors under `floors`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../infra/app';
import { loadConfigFile } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';
import { RETRY_STATES } from '../shared/outbound/retry-state-machine';
import type { FlowCount, MeteredResult } from './metered';
import { table } from './stats';

interface Prices {
  asOf: string;
  region: string;
  apiGatewayHttpPerMillionRequests: number;
  lambdaPerMillionRequests: number;
  lambdaArmPerGbSecond: number;
  sqsPerMillionRequests: number;
  sqsRequestChunkBytes: number;
  dynamodbPerMillionWriteUnits: number;
  dynamodbPerMillionReadUnits: number;
  s3PutPerThousand: number;
  s3GetPerThousand: number;
  stepFunctionsStandardPerThousandTransitions: number;
  cloudwatchLogsPerGbIngested: number;
}

type Line = [string, number];

/**
 * Log bytes per invocation and per event (estimate, not counted): one EMF metrics document per
 * invocation and one INFO line per event. The platform's START/END/REPORT lines are not
 * ingested: the functions' system log level is WARN.
 */
const LOG_BYTES = { platformPerInvocation: 0, metricsPerInvocation: 600, infoLinePerEvent: 420 };

function memoryOf(template: Template, prefix: string): number {
  const functions = template.findResources('AWS::Lambda::Function');
  const entry = Object.entries(functions).find(([id]) => id.startsWith(prefix));
  if (!entry) throw new Error(`no function ${prefix} in the template`);
  return Number(entry[1].Properties.MemorySize);
}

/**
 * SQS requests as billed: each 64 KB chunk of a send or receive counts as one request. `messageBytes`
 * is the size of one message of the flow (a receive carries a batch of them).
 */
function sqsRequests(calls: Record<string, number>, messageBytes: number, chunkBytes: number, batchSize: number): number {
  const chunks = Math.max(1, Math.ceil(messageBytes / chunkBytes));
  return Object.entries(calls)
    .filter(([name]) => name.startsWith('sqs.'))
    .reduce((sum, [name, count]) => {
      if (name === 'sqs.SendMessage') return sum + count * chunks;
      if (name === 'sqs.ReceiveMessage') return sum + Math.max(count, Math.ceil((batchSize * messageBytes) / chunkBytes) / batchSize);
      return sum + count;
    }, 0);
}

/**
 * What the first of `writes` (the record's own put) and each other one that was counted (its
 * body's item) wrote to the table, index entries apart, per put: the record as stored.
 */
function recordUnits(flow: FlowCount, ...writes: string[]): number {
  const first = flow.writesPerUnit?.[writes[0]!];
  if (!first || first.calls === 0) throw new Error(`no ${writes[0]} counted: rerun npm run bench`);
  return writes.reduce((sum, write) => {
    const tally = flow.writesPerUnit?.[write];
    return tally && tally.calls > 0 ? sum + tally.tableUnits / tally.calls : sum;
  }, 0);
}

/** The inbound event as stored: its record and, when apart, its body item. */
const INBOUND_RECORD = ['PutItem EVENT', 'PutItem EVENT/BODY'];

function lambda(prices: Prices, invocations: number, msEach: number, memoryMb: number): number {
  const requests = (invocations / 1e6) * prices.lambdaPerMillionRequests;
  const duration = invocations * (Math.ceil(msEach) / 1000) * (memoryMb / 1024) * prices.lambdaArmPerGbSecond;
  return requests + duration;
}

function dynamo(prices: Prices, writeUnits: number, readUnits: number): number {
  return (writeUnits / 1e6) * prices.dynamodbPerMillionWriteUnits + (readUnits / 1e6) * prices.dynamodbPerMillionReadUnits;
}

/** S3 requests per unit, priced: the claim check's put at ingress and get in the processor. */
function s3(prices: Prices, ...calls: Array<Record<string, number>>): number {
  const count = (name: string) => calls.reduce((sum, flow) => sum + (flow[name] ?? 0), 0);
  return (count('s3.PutObject') * prices.s3PutPerThousand) / 1000 + (count('s3.GetObject') * prices.s3GetPerThousand) / 1000;
}

function logs(prices: Prices, bytes: number): number {
  return (bytes / 1024 ** 3) * prices.cloudwatchLogsPerGbIngested;
}

type Memory = Record<'ingress' | 'processor' | 'dispatcher' | 'deliver', number>;

function memoryFrom(template: Template): Memory {
  return {
    ingress: memoryOf(template, 'InboundIngress'),
    processor: memoryOf(template, 'InboundProcessor'),
    dispatcher: memoryOf(template, 'OutboundDispatcher'),
    deliver: memoryOf(template, 'OutboundDeliver'),
  };
}

/** Size of one inbound queue message (`{"source","eventId"}`): far below a chunk. */
const INBOUND_MESSAGE_BYTES = 200;

export function model(metered: MeteredResult, prices: Prices, memory: Memory, config: GatewayConfig) {
  const million = 1e6;
  const { inbound, outbound, retryAttempt, inputs } = metered;
  const outboundMessageBytes = inputs.payloadBytes ?? 1024;
  // A condition-check failure (a duplicate) is billed like the write it refused; DynamoDB Local
  // reports no capacity for it, so each duplicate is charged the size of the items it met (the
  // record and its body item, as their own puts were counted).
  const duplicateWrites = inputs.duplicateRate * recordUnits(inbound.ingress, ...INBOUND_RECORD);
  const requests = million * (1 + inputs.duplicateRate);

  const inboundLines: Line[] = [
    ['API Gateway HTTP API (incl. provider duplicates)', (requests / million) * prices.apiGatewayHttpPerMillionRequests],
    ['Lambda ingress (requests + duration)', lambda(prices, requests, inbound.ingressMsPerRequest, memory.ingress)],
    [
      'Lambda processor (requests + duration)',
      lambda(prices, million / inbound.eventsPerProcessorInvocation, inbound.processorMsPerEvent * inbound.eventsPerProcessorInvocation, memory.processor),
    ],
    [
      'SQS requests (64 KB chunks; bodies stay in the table)',
      ((sqsRequests(inbound.ingress.callsPerUnit, INBOUND_MESSAGE_BYTES, prices.sqsRequestChunkBytes, inputs.batchSize) +
        sqsRequests(inbound.processor.callsPerUnit, INBOUND_MESSAGE_BYTES, prices.sqsRequestChunkBytes, inputs.batchSize)) *
        million *
        prices.sqsPerMillionRequests) /
        1e6,
    ],
    [
      'DynamoDB write units (incl. condition-check failures)',
      dynamo(prices, (inbound.ingress.writeUnitsPerUnit + inbound.processor.writeUnitsPerUnit + duplicateWrites) * million, 0),
    ],
    ['DynamoDB read units', dynamo(prices, 0, (inbound.ingress.readUnitsPerUnit + inbound.processor.readUnitsPerUnit) * million)],
    [`S3 (bodies over ${config.inbound.claimCheckBytes / 1024} KB only)`, s3(prices, inbound.ingress.callsPerUnit, inbound.processor.callsPerUnit) * million],
    [
      'CloudWatch Logs (estimate)',
      logs(
        prices,
        requests * (LOG_BYTES.platformPerInvocation + LOG_BYTES.metricsPerInvocation + LOG_BYTES.infoLinePerEvent) +
          million * (LOG_BYTES.infoLinePerEvent + (LOG_BYTES.platformPerInvocation + LOG_BYTES.metricsPerInvocation) / inbound.eventsPerProcessorInvocation),
      ),
    ],
  ];
  // The status stream's writes (event received, processed): what turning it off saves.
  const inboundStreamSaving = dynamo(prices, 2 * million, 0);

  const outboundLines: Line[] = [
    [
      'SQS requests (producer send, receive, delete; 64 KB chunks)',
      (sqsRequests(outbound.firstTry.callsPerUnit, outboundMessageBytes, prices.sqsRequestChunkBytes, inputs.batchSize) *
        million *
        prices.sqsPerMillionRequests) /
        1e6,
    ],
    [
      'Lambda dispatcher (requests + duration)',
      lambda(
        prices,
        million / outbound.deliveriesPerDispatcherInvocation,
        outbound.dispatcherMsPerDelivery * outbound.deliveriesPerDispatcherInvocation,
        memory.dispatcher,
      ),
    ],
    ['DynamoDB write units', dynamo(prices, outbound.firstTry.writeUnitsPerUnit * million, 0)],
    ['DynamoDB read units', dynamo(prices, 0, outbound.firstTry.readUnitsPerUnit * million)],
    [
      'CloudWatch Logs (estimate)',
      logs(
        prices,
        million *
          (LOG_BYTES.infoLinePerEvent * 2 + (LOG_BYTES.platformPerInvocation + LOG_BYTES.metricsPerInvocation) / outbound.deliveriesPerDispatcherInvocation),
      ),
    ],
    ['Step Functions (none: the first attempt succeeded)', 0],
  ];

  // A delivery that needs the whole schedule: one execution, `retries` loops of
  // Wait → Attempt → Choice, then Succeed.
  const retries = config.outbound.retrySchedule.length;
  const transitionsPerLoop = [RETRY_STATES.wait, RETRY_STATES.attempt, RETRY_STATES.decide].length;
  const transitions = retries * transitionsPerLoop + 1;
  const retryLines: Line[] = [
    ['Step Functions Standard transitions', (transitions / 1000) * prices.stepFunctionsStandardPerThousandTransitions],
    [`Lambda deliver, ${retries} attempts`, lambda(prices, retries, retryAttempt.deliverMsPerAttempt, memory.deliver)],
    [`DynamoDB, ${retries} attempts`, dynamo(prices, retries * retryAttempt.writeUnitsPerUnit, retries * retryAttempt.readUnitsPerUnit)],
    [
      `CloudWatch Logs, ${retries} attempts (estimate)`,
      logs(prices, retries * (LOG_BYTES.platformPerInvocation + LOG_BYTES.metricsPerInvocation + LOG_BYTES.infoLinePerEvent) + transitions * 200),
    ],
  ];
  // Delivery control (shared/outbound/endpoint-throttle.ts): what each feature adds to one
  // delivery, from the calls its design makes (modelled per call, not counted by the bench).
  // A wait in the schedule is one execution that succeeds at its first attempt: Wait, Attempt,
  // Choice, Succeed; the deliver task reads what the dispatcher had read (delivery, endpoint,
  // message) and gives back nothing else: its attempt's writes are the first attempt's.
  const waitTransitions = [RETRY_STATES.wait, RETRY_STATES.attempt, RETRY_STATES.decide, RETRY_STATES.done].length;
  const scheduledWait =
    (waitTransitions / 1000) * prices.stepFunctionsStandardPerThousandTransitions +
    lambda(prices, 1, retryAttempt.deliverMsPerAttempt, memory.deliver) +
    dynamo(prices, 1, retryAttempt.readUnitsPerUnit);
  const heldSecond = lambda(prices, 1, 1000, memory.dispatcher) - lambda(prices, 1, 0, memory.dispatcher);
  const controlLines: Line[] = [
    ['headers: sent with each attempt (no call)', 0],
    // Busy schedule: one UpdateItem; idle: that update refused (billed) and a conditional put.
    ['rateLimit, under the limit: the slot, 1-2 conditional writes (2 counted)', dynamo(prices, 2, 0)],
    ['rateLimit, backlogged, held in memory: + up to 1 s of function duration', heldSecond],
    [`rateLimit, over the limit: + attempt given back (1 write) and a ${waitTransitions}-transition execution`, scheduledWait],
    ['maxInFlight: lease PutItem + DeleteItem', dynamo(prices, 2, 0)],
    ['isolation, healthy endpoint: nothing', 0],
    ['isolation, slow or failing endpoint: its first attempt in the schedule (as above)', scheduledWait],
    ['maxInFlight, all leases held: + up to 4 refused puts and a 1 s wait in the schedule', dynamo(prices, 4, 0) + scheduledWait],
  ];
  return {
    memory,
    inbound: { lines: inboundLines, total: sum(inboundLines), statusStreamShare: inboundStreamSaving },
    outbound: { lines: outboundLines, total: sum(outboundLines) },
    fullRetry: { lines: retryLines, perDelivery: sum(retryLines), perMillion: sum(retryLines) * million, transitions },
    deliveryControl: { lines: controlLines },
  };
}

const sum = (lines: Line[]) => lines.reduce((total, [, value]) => total + value, 0);

/** The floors' goal: each flow within this factor of what the design cannot avoid. */
export const FLOOR_GOAL = 1.25;

/**
 * The architecture's floor per million, for the flows and body size `metered` counted: only the
 * calls this design cannot do without, each at its least billable size.
 * - inbound: the HTTP API request and the ingress invocation of every request (provider
 *   duplicates included, with the refused conditional put each costs), one conditional put of
 *   the record as stored (its table write units as counted; index entries left out), one enqueue,
 *   the batched receive and delete, the processor's share of an invocation, one processed mark
 *   (one write unit: a mark needs no more than a small item).
 * - outbound first try: the publish path's queue calls (64 KB chunks), the dispatcher's share of
 *   an invocation, one message write as stored, one delivery outcome write (one unit).
 * - full retry path: the first try's floor, plus per scheduled attempt the state machine's
 *   transitions, one deliver invocation and one outcome write.
 * An invocation is priced at its request and the least billed duration (1 ms); logs at one
 * metrics document per invocation (what the alarms read), so logs are in both totals.
 */
export function floorOf(metered: MeteredResult, prices: Prices, memory: Memory, config: GatewayConfig) {
  const million = 1e6;
  const { inputs } = metered;
  const batch = inputs.batchSize;
  const requests = million * (1 + inputs.duplicateRate);
  const invocation = (count: number, memoryMb: number) => lambda(prices, count, 1, memoryMb);
  const metricsLog = (invocations: number) => logs(prices, invocations * LOG_BYTES.metricsPerInvocation);
  const record = recordUnits(metered.inbound.ingress, ...INBOUND_RECORD);
  const inbound: Line[] = [
    ['HTTP API requests', (requests / million) * prices.apiGatewayHttpPerMillionRequests],
    ['ingress invocations', invocation(requests, memory.ingress)],
    ['record put as stored (+ refused puts of duplicates)', dynamo(prices, (1 + inputs.duplicateRate) * record * million, 0)],
    ['enqueue, batched receive and delete', (million * (1 + 2 / batch) * prices.sqsPerMillionRequests) / 1e6],
    ["processor's share of an invocation", invocation(million / batch, memory.processor)],
    ['processed mark (1 unit)', dynamo(prices, million, 0)],
    ...(inputs.bodyBytes > config.inbound.claimCheckBytes
      ? ([['claim check: one S3 put and one get of the body', ((prices.s3PutPerThousand + prices.s3GetPerThousand) / 1000) * million]] as Line[])
      : []),
    ['metrics log per invocation', metricsLog(requests + million / batch)],
  ];
  const payloadBytes = inputs.payloadBytes ?? 1024;
  const chunks = Math.max(1, Math.ceil(payloadBytes / prices.sqsRequestChunkBytes));
  const receiveChunks = Math.max(1, Math.ceil((batch * payloadBytes) / prices.sqsRequestChunkBytes)) / batch;
  const message = recordUnits(metered.outbound.firstTry, 'PutItem MESSAGE');
  const outbound: Line[] = [
    ['publish: send, batched receive and delete (64 KB chunks)', (million * (chunks + receiveChunks + 1 / batch) * prices.sqsPerMillionRequests) / 1e6],
    ["dispatcher's share of an invocation", invocation(million / batch, memory.dispatcher)],
    ['message write as stored', dynamo(prices, message * million, 0)],
    ['delivery outcome write (1 unit)', dynamo(prices, million, 0)],
    ['metrics log per invocation', metricsLog(million / batch)],
  ];
  const retries = config.outbound.retrySchedule.length;
  const transitions = retries * [RETRY_STATES.wait, RETRY_STATES.attempt, RETRY_STATES.decide].length + 1;
  const retry: Line[] = [
    ['Step Functions Standard transitions', ((million * transitions) / 1000) * prices.stepFunctionsStandardPerThousandTransitions],
    [`deliver invocations (${retries})`, invocation(million * retries, memory.deliver)],
    [`attempt outcome writes (${retries}, 1 unit each)`, dynamo(prices, million * retries, 0)],
    ['metrics log per invocation', metricsLog(million * retries)],
  ];
  return {
    inbound: { lines: inbound, total: sum(inbound) },
    outbound: { lines: outbound, total: sum(outbound) },
    fullRetry: { lines: retry, total: sum(outbound) + sum(retry) },
  };
}

export interface FloorRow {
  readonly flow: 'inbound' | 'outbound-first-try' | 'outbound-full-retry';
  /** The inbound body's size (inbound) or the outbound payload's (outbound). */
  readonly bodyBytes: number;
  readonly total: number;
  readonly floor: number;
  readonly ratio: number;
}

/** Modelled totals beside their floors, per flow, for one counted run. */
export function floorRows(metered: MeteredResult, prices: Prices, memory: Memory, config: GatewayConfig): FloorRow[] {
  const cost = model(metered, prices, memory, config);
  const floor = floorOf(metered, prices, memory, config);
  const row = (flow: FloorRow['flow'], bodyBytes: number, total: number, floorTotal: number): FloorRow => ({
    flow,
    bodyBytes,
    total: Math.round(total * 1e4) / 1e4,
    floor: Math.round(floorTotal * 1e4) / 1e4,
    ratio: Math.round((total / floorTotal) * 100) / 100,
  });
  const payloadBytes = metered.inputs.payloadBytes ?? 1024;
  return [
    row('inbound', metered.inputs.bodyBytes, cost.inbound.total, floor.inbound.total),
    row('outbound-first-try', payloadBytes, cost.outbound.total, floor.outbound.total),
    row('outbound-full-retry', payloadBytes, cost.outbound.total + cost.fullRetry.perMillion, floor.fullRetry.total),
  ];
}

function main(): void {
  const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as { date: string; metered: MeteredResult; meteredBySize?: MeteredResult[] };
  const prices = JSON.parse(readFileSync('bench/prices.json', 'utf8')) as Prices;
  const template = Template.fromStack(buildApp('webhooks.config.json', new App({ context: { 'aws:cdk:bundling-stacks': [] } })).stack);
  const config = loadConfigFile('webhooks.config.json');
  const memory = memoryFrom(template);
  const cost = model(results.metered, prices, memory, config);
  const floor = floorOf(results.metered, prices, memory, config);
  const bySize = results.meteredBySize ?? [];
  if (bySize.length === 0) throw new Error('bench/results.json has no meteredBySize: rerun npm run bench (or BENCH_ONLY=metered npm run bench)');
  // Outbound rows once per payload size (the claim-check run repeats the largest payload).
  const floors = bySize
    .flatMap((metered) => floorRows(metered, prices, memory, config))
    .filter((row, index, rows) => row.flow === 'inbound' || rows.findIndex((other) => other.flow === row.flow && other.bodyBytes === row.bodyBytes) === index);
  const verdict = (ratio: number) => (ratio <= FLOOR_GOAL ? 'met' : 'MISSED');
  const money = (value: number) => `$${value.toFixed(value < 0.01 ? 4 : 2)}`;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`Modelled AWS cost, prices of ${prices.asOf} (${prices.region}); calls counted by npm run bench on ${results.date}`);
  print(`Memory from the template: ${JSON.stringify(cost.memory)} MB\n`);
  const ratio = (total: number, least: number) =>
    `${(total / least).toFixed(2)}× the floor (${money(least)}); goal ≤ ${FLOOR_GOAL}×: ${verdict(total / least)}`;
  print(`Inbound, per million ${(results.metered.inputs.bodyBytes / 1024).toFixed(0)} KB events (5% provider duplicates):`);
  print(table([['item', 'cost'], ...cost.inbound.lines.map(([name, value]) => [name, money(value)]), ['TOTAL', money(cost.inbound.total)]]));
  print(`${ratio(cost.inbound.total, floor.inbound.total)} (the status stream's writes are ${money(cost.inbound.statusStreamShare)} of it)`);
  print(table([['floor', 'cost'], ...floor.inbound.lines.map(([name, value]) => [name, money(value)]), ['FLOOR', money(floor.inbound.total)]]));
  print('');
  print(
    `Outbound, per million first-try deliveries of a ${(results.metered.inputs.payloadBytes ?? 1024) / 1024} KB payload (internal producer → one endpoint):`,
  );
  print(table([['item', 'cost'], ...cost.outbound.lines.map(([name, value]) => [name, money(value)]), ['TOTAL', money(cost.outbound.total)]]));
  print(ratio(cost.outbound.total, floor.outbound.total));
  print(table([['floor', 'cost'], ...floor.outbound.lines.map(([name, value]) => [name, money(value)]), ['FLOOR', money(floor.outbound.total)]]));
  print('');
  print(
    `Extra for a delivery that needs the full retry schedule (${config.outbound.retrySchedule.length} retries, ${cost.fullRetry.transitions} state transitions):`,
  );
  print(
    table([
      ['item', 'per delivery'],
      ...cost.fullRetry.lines.map(([name, value]) => [name, `$${value.toFixed(6)}`]),
      ['TOTAL', `$${cost.fullRetry.perDelivery.toFixed(6)}`],
    ]),
  );
  print(`= ${money(cost.fullRetry.perMillion)} per million such deliveries`);
  print(ratio(cost.outbound.total + cost.fullRetry.perMillion, floor.fullRetry.total));
  print(
    table([
      ['floor', 'cost'],
      ...floor.fullRetry.lines.map(([name, value]) => [name, money(value)]),
      ['FLOOR (with the first try)', money(floor.fullRetry.total)],
    ]),
  );
  print('\nEach flow beside its floor, per million, by body (inbound) or payload (outbound) size:');
  print(
    table([
      ['flow', 'bytes', 'modelled', 'floor', 'ratio', `goal ≤ ${FLOOR_GOAL}×`],
      ...floors.map((row) => [row.flow, row.bodyBytes, money(row.total), money(row.floor), `${row.ratio}×`, verdict(row.ratio)]),
    ]),
  );
  print('\nDelivery control, extra per delivery (modelled from the calls each feature makes):');
  print(
    table([
      ['feature', 'per delivery', 'per million'],
      ...cost.deliveryControl.lines.map(([name, value]) => [name, `$${value.toFixed(7)}`, money(value * 1e6)]),
    ]),
  );
  writeFileSync(
    'bench/cost.json',
    `${JSON.stringify({ date: new Date().toISOString(), prices: prices.asOf, ...cost, floor, floorGoal: FLOOR_GOAL, floors }, null, 2)}\n`,
  );
}

main();
