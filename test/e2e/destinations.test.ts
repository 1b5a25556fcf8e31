/**
 * `npm run send` followed to each destination of a source, on the local runtime (`npm start` as
 * a child process): an SQS queue and an SQS FIFO queue and an SNS topic in fauxqs, an EventBridge
 * bus on the PutEvents stand-in (the real SDK client speaking to it), and a Lambda function run
 * in-process from a local module. What each received is read back through the runtime's
 * `GET /local/destinations`, and the event's record marks each destination delivered.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../support/openapi';
import { eventually } from '../support/receiver';
import { runCli, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

const ACCOUNT = '000000000000';
const DESTINATIONS = [
  { type: 'eventBridge', eventBusArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders` },
  { type: 'sqs', queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders` },
  { type: 'sqs', queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders.fifo` },
  { type: 'sns', topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:orders` },
  { type: 'lambda', functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:on-order`, localModule: path.resolve('examples/consumer.ts') },
];

type View = { sources: Record<string, Record<string, { type: string; received: any[] }>> };

describe('destinations on the local runtime', () => {
  let runtime: RuntimeProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gw-destinations-'));
    const config = path.join(dir, 'webhooks.config.json');
    writeFileSync(config, JSON.stringify({ sources: [{ name: 'stripe', provider: 'stripe', destinations: DESTINATIONS }] }));
    runtime = await startRuntimeProcess({ env: { WEBHOOKS_CONFIG: config, WEBHOOKS_EXAMPLE_CONSUMER_LOG: path.join(dir, 'consumer.jsonl') } });
  });

  const contract = loadContract();
  /** GET /local/destinations, its answer checked against openapi.yaml. */
  const destinationsView = async () => {
    const response = await fetch(`${runtime.url}/local/destinations`);
    const body = await response.text();
    return contract.check('GET', '/local/destinations', {
      statusCode: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? '' },
      body,
    }) as View;
  };

  afterAll(async () => {
    expect(await runtime?.stop('SIGINT')).toBe(0);
  });

  it('delivers an event sent with `npm run send` to the bus, both queues, the topic and the local function, and marks each', async () => {
    const envFile = readFileSync(runtime.envFile, 'utf8');
    const secret = /^WEBHOOK_SECRET_STRIPE=(.*)$/m.exec(envFile)![1]!;
    const { code, output } = await runCli('local/send.ts', ['stripe'], {
      PORT: String(runtime.port),
      WEBHOOKS_ENV_FILE: runtime.envFile,
      WEBHOOKS_CONFIG: path.join(dir, 'webhooks.config.json'),
      WEBHOOK_SECRET_STRIPE: secret,
    });
    expect(code, output).toBe(0);
    expect(runtime.output()).toMatch(/stand-in speaking PutEvents/);

    let view: View | undefined;
    await eventually(
      async () => {
        view = await destinationsView();
        return Object.values(view.sources.stripe ?? {}).every((destination) => destination.received.length === 1);
      },
      15_000,
      'every destination received the event',
    );
    const stripe = view!.sources.stripe!;
    expect(Object.keys(stripe).sort()).toEqual(['eventBridge-orders', 'lambda-on-order', 'sns-orders', 'sqs-orders', 'sqs-orders-fifo']);

    const [busEvent] = stripe['eventBridge-orders']!.received;
    const eventId: string = busEvent.detail.eventId;
    expect(busEvent).toMatchObject({ eventBusName: 'orders', source: 'webhooks.stripe', detailType: busEvent.detail.eventType });
    expect(busEvent.detail).toMatchObject({ version: '1', source: 'stripe', eventId: expect.stringMatching(/^evt_/), payload: { id: eventId } });
    for (const name of ['sqs-orders', 'sqs-orders-fifo', 'sns-orders']) expect(stripe[name]!.received).toEqual([busEvent.detail]);
    expect(stripe['lambda-on-order']!.received).toMatchObject([{ event: busEvent.detail }]);
    await eventually(
      async () => (await destinationsView()).sources.stripe!['lambda-on-order']!.received[0].outcome === 'succeeded',
      5_000,
      'the local function ran',
    );
    expect(
      readFileSync(path.join(dir, 'consumer.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([busEvent.detail]);

    const record = (await (await fetch(`${runtime.url}/api/v1/sources/stripe/events/${eventId}`)).json()) as Record<string, any>;
    expect(record.status).toBe('processed');
    expect(Object.fromEntries(Object.entries(record.destinations).map(([name, mark]: [string, any]) => [name, mark.status]))).toEqual({
      'eventBridge-orders': 'delivered',
      'lambda-on-order': 'delivered',
      'sns-orders': 'delivered',
      'sqs-orders': 'delivered',
      'sqs-orders-fifo': 'delivered',
    });
  });
});
