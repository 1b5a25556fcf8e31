/**
 * 1. Ingress overhead: the ingress handler's time per request against the emulators, against
 * the bare PutItem + SendMessage it must make (same emulators, same item size, interleaved).
 */
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { handleIngress } from '../functions/ingress/handler';
import type { BenchEnvironment } from './environment';
import { githubEvent } from './http-sample';
import { median, round } from './stats';

export interface IngressResult {
  readonly inputs: { bodyBytes: number; requestsPerVariant: number; warmup: number; source: string };
  readonly handlerMs: number;
  readonly handlerWithoutStreamMs: number;
  readonly barePutAndSendMs: number;
  readonly ratio: number;
  readonly ratioWithoutStream: number;
  readonly goal: number;
}

export async function benchIngress(env: BenchEnvironment, options = { requests: 150, warmup: 20, bodyBytes: 2048 }): Promise<IngressResult> {
  const resources = await env.resources();
  const withStream = env.functions(resources).ingress();
  const withoutStream = env.functions(resources, { ...env.config, operations: { ...env.config.operations, statusStream: false } }).ingress();
  const source = env.config.sources.find((s) => s.provider === 'github')!;
  const total = options.requests + options.warmup;
  const events = await Promise.all(Array.from({ length: total * 2 }, () => githubEvent(source, env.secrets[source.name]!, options.bodyBytes)));
  const bodyBytes = events[0]!.body.length;

  const handler: number[] = [];
  const withoutStreamMs: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < total; i++) {
    const a = events[2 * i]!;
    const b = events[2 * i + 1]!;
    let t = performance.now();
    const response = await handleIngress(a.event, withStream);
    const handlerTime = performance.now() - t;
    if (response.statusCode !== 200) throw new Error(`ingress answered ${response.statusCode}: ${response.body}`);

    t = performance.now();
    await handleIngress(b.event, withoutStream);
    const withoutStreamTime = performance.now() - t;

    t = performance.now();
    await env.clients.documents.send(
      new PutCommand({
        TableName: resources.tableName,
        Item: { pk: `BARE#${a.eventId}`, sk: 'EVENT', gsi1pk: 'BARE', gsi1sk: a.eventId, body: a.body, status: 'received' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await env.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: resources.inbound.queueUrl, MessageBody: JSON.stringify({ source: 'bare', eventId: a.eventId }) }),
    );
    const bareTime = performance.now() - t;
    if (i >= options.warmup) {
      handler.push(handlerTime);
      withoutStreamMs.push(withoutStreamTime);
      bare.push(bareTime);
    }
  }
  const handlerMs = median(handler);
  const handlerWithoutStreamMs = median(withoutStreamMs);
  const barePutAndSendMs = median(bare);
  return {
    inputs: { bodyBytes, requestsPerVariant: options.requests, warmup: options.warmup, source: 'github (HMAC-SHA256)' },
    handlerMs: round(handlerMs),
    handlerWithoutStreamMs: round(handlerWithoutStreamMs),
    barePutAndSendMs: round(barePutAndSendMs),
    ratio: round(handlerMs / barePutAndSendMs),
    ratioWithoutStream: round(handlerWithoutStreamMs / barePutAndSendMs),
    goal: 1.25,
  };
}
