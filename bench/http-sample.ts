/** Signed sample webhooks as API Gateway events, for the benchmarks. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SourceConfig } from '../shared/config/schema';
import { sampleWebhook } from '../local/samples';
import { httpEvent } from '../test/support/http-event';

export const DOMAIN = 'bench.example.test';

/** A signed GitHub push event whose JSON body is padded to about `bytes`. */
export async function githubEvent(
  source: SourceConfig,
  secret: string,
  bytes: number,
): Promise<{ event: APIGatewayProxyEventV2; body: Buffer; eventId: string }> {
  const url = `https://${DOMAIN}/webhooks/${source.name}`;
  const probe = await sampleWebhook(source, secret, { url });
  const document = JSON.parse(probe.body.toString()) as Record<string, unknown>;
  document.padding = 'x'.repeat(Math.max(0, bytes - probe.body.length - 14));
  const { createHmac } = await import('node:crypto');
  const body = Buffer.from(JSON.stringify(document));
  const headers = { ...probe.headers, 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
  return {
    event: httpEvent({ path: `/webhooks/${source.name}`, pathParameters: { source: source.name }, headers, body, domainName: DOMAIN }),
    body,
    eventId: probe.eventId,
  };
}
