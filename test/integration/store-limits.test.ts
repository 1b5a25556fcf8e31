/**
 * The store's real limits, held against DynamoDB Local: an event id of exactly the largest size
 * our check allows is stored, one byte more is refused with a 400 before any write, and DynamoDB
 * itself refuses that same record, so the check and the key layout cannot drift apart.
 */
import { sign } from '@octokit/webhooks-methods';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { maxEventIdBytes } from '../../shared/inbound/record-limits';
import { createHarness, httpEvent, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

async function githubDelivery(id: string) {
  const body = JSON.stringify({ zen: 'limits' });
  return httpEvent({
    path: '/webhooks/github',
    pathParameters: { source: 'github' },
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': id,
      'x-hub-signature-256': await sign(h.secrets.github!, body),
    },
    body,
  });
}

describe('event ids against DynamoDB key sizes', () => {
  const largest = '☃'.repeat(maxEventIdBytes('github') / 3); // 999 bytes in UTF-8

  it('stores an id of exactly the largest size', async () => {
    const response = await handleIngress(await githubDelivery(largest), h.receiveDeps());
    expect(response.statusCode).toBe(200);
    expect(await h.store.get('github', largest)).toMatchObject({ eventId: largest });
  });

  it('refuses one byte more with 400 event_id_too_large and stores nothing', async () => {
    const tooLarge = `${largest}a`;
    const response = await handleIngress(await githubDelivery(tooLarge), h.receiveDeps());
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'event_id_too_large' } });
    // No item with that key can exist; reading it answers nothing (DynamoDB would refuse the key).
    expect(await h.store.get('github', tooLarge)).toBeUndefined();
  });

  it('is the limit DynamoDB itself enforces: the same record written past the check is refused', async () => {
    const tooLarge = `${largest}a`;
    const write = h.store.putNew(
      {
        source: 'github',
        eventId: tooLarge,
        eventType: 'ping',
        receivedAt: new Date().toISOString(),
        headers: {},
        bodyBytes: 0,
        body: { kind: 'inline', encoding: 'identity', data: new Uint8Array() },
      },
      { owner: 'test', nowMs: Date.now(), enqueueLeaseMs: 1000, expiresAt: 0 },
    );
    await expect(write).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
