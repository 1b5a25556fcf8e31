/**
 * A source's body-digest replay window: off by default; when on, a genuinely signed request sent
 * again with a fresh (unsigned) id header within the window is a duplicate of the first.
 */
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load';
import type { QueuedEvent } from '../../../shared/inbound/event-queue';
import { receiveWebhook, type InboundRequest } from '../../../shared/inbound/receive';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryPayloadStore } from '../../fakes/payload-store';
import { InMemoryQueue } from '../../fakes/queue';
import { InMemoryReplayDigestStore } from '../../fakes/replay-digest-store';

const SECRET = 'unit-test-github-secret';
const NOW = new Date('2026-03-01T10:00:00.000Z');

function world(replayWindowSeconds?: number) {
  const config = parseConfig({ sources: [{ name: 'github', provider: 'github', ...(replayWindowSeconds ? { replayWindowSeconds } : {}) }] });
  const store = new InMemoryEventStore();
  const queue = new InMemoryQueue<QueuedEvent>();
  let now = NOW;
  const deps = {
    config,
    secrets: { secretsFor: async () => [SECRET] },
    store,
    queue,
    payloads: new InMemoryPayloadStore(),
    replayDigests: new InMemoryReplayDigestStore(),
    now: () => now,
  };
  return { deps, store, queue, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc' });
async function delivery(id: string): Promise<InboundRequest> {
  return {
    sourceName: 'github',
    body: Buffer.from(body),
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': await sign(SECRET, body) },
    url: 'https://hooks.example.test/webhooks/github',
  };
}

describe('the body-digest replay window', () => {
  it('is off by default: the same signed body under a fresh id header is a new event', async () => {
    const { deps, queue } = world();
    await receiveWebhook(deps, await delivery('d-1'));
    expect(await receiveWebhook(deps, await delivery('d-replayed'))).toMatchObject({ eventId: 'd-replayed', duplicate: false });
    expect(queue.sent).toHaveLength(2);
  });

  it('when on, answers the replay within the window as a duplicate of the first, storing and queueing nothing', async () => {
    const { deps, store, queue, advance } = world(600);
    await receiveWebhook(deps, await delivery('d-1'));
    // The provider's own retry of the first event is still its ordinary duplicate.
    expect(await receiveWebhook(deps, await delivery('d-1'))).toMatchObject({ eventId: 'd-1', duplicate: true });
    expect(await receiveWebhook(deps, await delivery('d-replayed'))).toMatchObject({ eventId: 'd-1', duplicate: true });
    expect(await store.get('github', 'd-replayed')).toBeUndefined();
    expect(queue.sent).toHaveLength(1);
    // After the window, the same body is a new event again (two events may share a body).
    advance(601_000);
    expect(await receiveWebhook(deps, await delivery('d-later'))).toMatchObject({ eventId: 'd-later', duplicate: false });
  });

  it('is refused by the config outside 1 s to 7 days', () => {
    expect(() => parseConfig({ sources: [{ name: 'github', provider: 'github', replayWindowSeconds: 0 }] })).toThrow();
    expect(() => parseConfig({ sources: [{ name: 'github', provider: 'github', replayWindowSeconds: 8 * 86_400 }] })).toThrow();
  });
});
