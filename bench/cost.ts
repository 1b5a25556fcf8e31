/**
 * `npm run cost`: the modelled AWS bill per million, from
 * - the synthesized template (function memory, batch sizes),
 * - the AWS calls counted per event and per delivery by `npm run bench` (bench/results.json),
 * - the dated price table bench/prices.json.
 * Prints the breakdown and writes bench/cost.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../infra/app';
import { loadConfigFile } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';
import { RETRY_STATES } from '../shared/outbound/retry-state-machine';
import type { MeteredResult } from './metered';
import { table } from './stats';

interface Prices {
  asOf: string;
  region: string;
  apiGatewayHttpPerMillionRequests: number;
  lambdaPerMillionRequests: number;
  lambdaArmPerGbSecond: number;
  sqsPerMillionRequests: number;
  dynamodbPerMillionWriteUnits: number;
  dynamodbPerMillionReadUnits: number;
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

function sqsCalls(calls: Record<string, number>): number {
  return Object.entries(calls)
    .filter(([name]) => name.startsWith('sqs.'))
    .reduce((sum, [, count]) => sum + count, 0);
}

function lambda(prices: Prices, invocations: number, msEach: number, memoryMb: number): number {
  const requests = (invocations / 1e6) * prices.lambdaPerMillionRequests;
  const duration = invocations * (Math.ceil(msEach) / 1000) * (memoryMb / 1024) * prices.lambdaArmPerGbSecond;
  return requests + duration;
}

function dynamo(prices: Prices, writeUnits: number, readUnits: number): number {
  return (writeUnits / 1e6) * prices.dynamodbPerMillionWriteUnits + (readUnits / 1e6) * prices.dynamodbPerMillionReadUnits;
}

function logs(prices: Prices, bytes: number): number {
  return (bytes / 1024 ** 3) * prices.cloudwatchLogsPerGbIngested;
}

export function model(metered: MeteredResult, prices: Prices, template: Template, config: GatewayConfig) {
  const million = 1e6;
  const { inbound, outbound, retryAttempt, inputs } = metered;
  const memory = {
    ingress: memoryOf(template, 'InboundIngress'),
    processor: memoryOf(template, 'InboundProcessor'),
    dispatcher: memoryOf(template, 'OutboundDispatcher'),
    deliver: memoryOf(template, 'OutboundDeliver'),
  };
  // A condition-check failure (a duplicate) is billed like the write it refused; DynamoDB Local
  // reports no capacity for it, so it is charged at the size of the event record it met.
  const duplicateWrites = inbound.ingress.conditionFailuresPerUnit * 2;
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
      (((sqsCalls(inbound.ingress.callsPerUnit) + sqsCalls(inbound.processor.callsPerUnit)) * million) / 1e6) * prices.sqsPerMillionRequests,
    ],
    [
      'DynamoDB write units (incl. condition-check failures)',
      dynamo(prices, (inbound.ingress.writeUnitsPerUnit + inbound.processor.writeUnitsPerUnit + duplicateWrites) * million, 0),
    ],
    ['DynamoDB read units', dynamo(prices, 0, (inbound.ingress.readUnitsPerUnit + inbound.processor.readUnitsPerUnit) * million)],
    ['S3 (bodies over 200 KB only; none at 2 KB)', 0],
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
    ['SQS requests (producer send, receive, delete)', ((sqsCalls(outbound.firstTry.callsPerUnit) * million) / 1e6) * prices.sqsPerMillionRequests],
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
  const sum = (lines: Line[]) => lines.reduce((total, [, value]) => total + value, 0);
  return {
    memory,
    inbound: { lines: inboundLines, total: sum(inboundLines), goal: 2.5, statusStreamShare: inboundStreamSaving },
    outbound: { lines: outboundLines, total: sum(outboundLines), goal: 1.0 },
    fullRetry: { lines: retryLines, perDelivery: sum(retryLines), perMillion: sum(retryLines) * million, transitions },
  };
}

function main(): void {
  const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as { date: string; metered: MeteredResult };
  const prices = JSON.parse(readFileSync('bench/prices.json', 'utf8')) as Prices;
  const template = Template.fromStack(buildApp('webhooks.config.json', new App({ context: { 'aws:cdk:bundling-stacks': [] } })).stack);
  const config = loadConfigFile('webhooks.config.json');
  const cost = model(results.metered, prices, template, config);
  const money = (value: number) => `$${value.toFixed(value < 0.01 ? 4 : 2)}`;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`Modelled AWS cost, prices of ${prices.asOf} (${prices.region}); calls counted by npm run bench on ${results.date}`);
  print(`Memory from the template: ${JSON.stringify(cost.memory)} MB\n`);
  print('Inbound, per million 2 KB events (5% provider duplicates):');
  print(table([['item', 'cost'], ...cost.inbound.lines.map(([name, value]) => [name, money(value)]), ['TOTAL', money(cost.inbound.total)]]));
  print(
    `goal ≤ ${money(cost.inbound.goal)}: ${cost.inbound.total <= cost.inbound.goal ? 'met' : `MISSED by ${money(cost.inbound.total - cost.inbound.goal)}`} (the status stream's writes are ${money(cost.inbound.statusStreamShare)} of it)\n`,
  );
  print('Outbound, per million first-try deliveries (internal producer → one endpoint):');
  print(table([['item', 'cost'], ...cost.outbound.lines.map(([name, value]) => [name, money(value)]), ['TOTAL', money(cost.outbound.total)]]));
  print(
    `goal ≤ ${money(cost.outbound.goal)}: ${cost.outbound.total <= cost.outbound.goal ? 'met' : `MISSED by ${money(cost.outbound.total - cost.outbound.goal)}`}\n`,
  );
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
  writeFileSync('bench/cost.json', `${JSON.stringify({ date: new Date().toISOString(), prices: prices.asOf, ...cost }, null, 2)}\n`);
}

main();
