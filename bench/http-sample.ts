/** Signed sample webhooks as API Gateway events, for the benchmarks. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SourceConfig } from '../shared/config/schema';
import { sampleWebhook } from '../local/samples';
import { httpEvent } from '../test/support/http-event';

export const DOMAIN = 'bench.example.test';

/**
 * `bytes` of text that compresses about as well as hex does (to a little over half), seeded so
 * each run writes the same sizes: a stand-in for real payloads, which a run of one letter would
 * flatter (gzip shrinks it to nothing, and with it every write of the record).
 */
export function filler(bytes: number, seed = 1): string {
  let state = seed >>> 0 || 1;
  let text = '';
  while (text.length < bytes) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    text += state.toString(16).padStart(8, '0');
  }
  return text.slice(0, bytes);
}

/** A signed GitHub push event whose JSON body is padded to about `bytes` (with `pad`, by default one repeated letter). */
export async function githubEvent(
  source: SourceConfig,
  secret: string,
  bytes: number,
  pad: (length: number) => string = (length) => 'x'.repeat(length),
): Promise<{ event: APIGatewayProxyEventV2; body: Buffer; eventId: string }> {
  const url = `https://${DOMAIN}/webhooks/${source.name}`;
  const probe = await sampleWebhook(source, secret, { url });
  const document = JSON.parse(probe.body.toString()) as Record<string, unknown>;
  document.padding = pad(Math.max(0, bytes - probe.body.length - 14));
  const { createHmac } = await import('node:crypto');
  const body = Buffer.from(JSON.stringify(document));
  const headers = { ...probe.headers, 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
  return {
    event: httpEvent({ path: `/webhooks/${source.name}`, pathParameters: { source: source.name }, headers, body, domainName: DOMAIN }),
    body,
    eventId: probe.eventId,
  };
}
