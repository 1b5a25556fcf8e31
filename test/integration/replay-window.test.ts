/** The replay window's digests in DynamoDB Local: held for the window, by one event, then free. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbReplayDigestStore } from '../../shared/store/dynamodb/replay-digest-store';
import { createHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe('DynamoDbReplayDigestStore', () => {
  it('holds a digest for the first event until its window ends, the same event may claim it again', async () => {
    const store = new DynamoDbReplayDigestStore(h.clients.documents, h.resources.tableName);
    const digest = 'a'.repeat(64);
    const t0 = Date.now();
    expect(await store.claim('github', digest, 'first', { nowMs: t0, untilMs: t0 + 60_000 })).toBe('first');
    expect(await store.claim('github', digest, 'replay', { nowMs: t0 + 1000, untilMs: t0 + 61_000 })).toBe('first');
    expect(await store.claim('github', digest, 'first', { nowMs: t0 + 2000, untilMs: t0 + 62_000 })).toBe('first');
    expect(await store.claim('stripe', digest, 'other-source', { nowMs: t0 + 2000, untilMs: t0 + 62_000 })).toBe('other-source');
    expect(await store.claim('github', digest, 'later', { nowMs: t0 + 70_000, untilMs: t0 + 130_000 })).toBe('later');
  });
});
