/**
 * What every `DeliveryStore` must do: create once, number attempts, and let each transition apply
 * only under its guard (the writer's attempt is the latest; the status is one it may leave). Run
 * against the in-memory store (unit) and DynamoDB Local (integration).
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryStore } from '../../shared/outbound/delivery-store';
import type { Attempt, Delivery } from '../../shared/outbound/model';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function newDelivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    messageId: `msg_${Math.random().toString(36).slice(2, 10)}`,
    endpointId: 'ep_contract',
    eventType: 'thing.happened',
    status: 'pending',
    attempts: 1,
    createdAt: at(0).toISOString(),
    updatedAt: at(0).toISOString(),
    ...overrides,
  };
}

function attemptOf(delivery: Delivery, attempt: number): Attempt {
  return {
    messageId: delivery.messageId,
    endpointId: delivery.endpointId,
    attempt,
    at: at(attempt).toISOString(),
    trigger: 'scheduled',
    outcome: 'failed',
    statusCode: 503,
    responseBody: 'down',
    durationMs: 5,
    requestHeaders: { 'content-type': 'application/json' },
    url: 'https://example.com/hook',
  };
}

export function describeDeliveryStoreContract(name: string, makeStore: () => Promise<DeliveryStore> | DeliveryStore): void {
  describe(`DeliveryStore contract: ${name}`, () => {
    it('creates a delivery once; a second create returns the stored one', async () => {
      const store = await makeStore();
      const delivery = newDelivery();
      expect(await store.createDelivery(delivery, 0)).toEqual({ delivery, created: true });
      const again = await store.createDelivery({ ...delivery, status: 'succeeded', attempts: 9 }, 0);
      expect(again).toEqual({ delivery, created: false });
      expect(await store.getDelivery(delivery.messageId, delivery.endpointId)).toEqual(delivery);
    });

    it('numbers attempts only from the allowed statuses, and only if unchanged when asked', async () => {
      const store = await makeStore();
      const delivery = newDelivery();
      await store.createDelivery(delivery, 0);
      expect(await store.beginAttempt(delivery, ['retrying'], at(1))).toBeUndefined();
      expect(await store.beginAttempt(delivery, ['pending'], at(1), { onlyIfUpdatedAt: 'not-what-was-read' })).toBeUndefined();
      expect(await store.beginAttempt(delivery, ['pending'], at(1), { onlyIfUpdatedAt: delivery.updatedAt })).toBe(2);
      expect(await store.beginAttempt(delivery, ['pending', 'retrying'], at(2))).toBe(3);
      expect(await store.getDelivery(delivery.messageId, delivery.endpointId)).toMatchObject({ attempts: 3, updatedAt: at(2).toISOString() });
    });

    it('applies a transition only for the latest attempt and from an allowed status', async () => {
      const store = await makeStore();
      const delivery = newDelivery();
      await store.createDelivery(delivery, 0);
      const fields = { now: at(1), statusCode: 503, error: 'HTTP 503', nextAttemptAt: at(6).toISOString() };
      expect(await store.scheduleRetry(delivery, { attempt: 2, from: ['pending'] }, fields)).toBe(false);
      expect(await store.scheduleRetry(delivery, { attempt: 1, from: ['retrying'] }, fields)).toBe(false);
      expect(await store.scheduleRetry(delivery, { attempt: 1, from: ['pending'] }, fields)).toBe(true);
      expect(await store.getDelivery(delivery.messageId, delivery.endpointId)).toMatchObject({
        status: 'retrying',
        lastStatusCode: 503,
        lastError: 'HTTP 503',
        nextAttemptAt: at(6).toISOString(),
      });
      const second = await store.beginAttempt(delivery, ['retrying'], at(7));
      // The first attempt's writer is too late now.
      expect(await store.succeed(delivery, { attempt: 1, from: ['retrying'] }, { now: at(8), statusCode: 200 })).toBe(false);
      expect(await store.succeed(delivery, { attempt: second!, from: ['retrying'] }, { now: at(8), statusCode: 200 })).toBe(true);
      const succeeded = await store.getDelivery(delivery.messageId, delivery.endpointId);
      expect(succeeded).toMatchObject({ status: 'succeeded', lastStatusCode: 200, succeededAt: at(8).toISOString(), updatedAt: at(8).toISOString() });
      expect(succeeded).not.toHaveProperty('lastError');
      expect(succeeded).not.toHaveProperty('nextAttemptAt');
    });

    it('fails and exhausts for good (no next attempt); a failed manual attempt keeps the status', async () => {
      const store = await makeStore();
      const failing = newDelivery();
      await store.createDelivery(failing, 0);
      await store.scheduleRetry(
        failing,
        { attempt: 1, from: ['pending'] },
        { now: at(1), statusCode: 500, error: 'HTTP 500', nextAttemptAt: at(5).toISOString() },
      );
      expect(await store.fail(failing, { attempt: 1, from: ['retrying'] }, { now: at(2), error: 'endpoint deleted' })).toBe(true);
      const failed = await store.getDelivery(failing.messageId, failing.endpointId);
      expect(failed).toMatchObject({ status: 'failed', lastError: 'endpoint deleted', lastStatusCode: 500 });
      expect(failed).not.toHaveProperty('nextAttemptAt');

      const exhausted = newDelivery();
      await store.createDelivery(exhausted, 0);
      expect(await store.exhaust(exhausted, { attempt: 1, from: ['pending'] }, { now: at(3), statusCode: 502, error: 'HTTP 502' })).toBe(true);
      const manual = await store.beginAttempt(exhausted, ['failed', 'exhausted', 'retrying'], at(4));
      expect(
        await store.noteManualFailure(
          exhausted,
          { attempt: manual!, from: ['failed', 'exhausted', 'retrying'] },
          { now: at(5), statusCode: 404, error: 'HTTP 404' },
        ),
      ).toBe(true);
      expect(await store.getDelivery(exhausted.messageId, exhausted.endpointId)).toMatchObject({
        status: 'exhausted',
        attempts: 2,
        lastStatusCode: 404,
        lastError: 'HTTP 404',
      });
      expect(await store.fail({ messageId: 'msg_none', endpointId: 'ep_none' }, { attempt: 1, from: ['pending'] }, { now: at(6), error: 'x' })).toBe(false);
    });

    it('gives a claimed attempt back unmade, only to its claimant: one attempt lower, retrying until the time given', async () => {
      const store = await makeStore();
      const delivery = newDelivery();
      await store.createDelivery(delivery, 0);
      const ref = { messageId: delivery.messageId, endpointId: delivery.endpointId };
      expect(await store.returnAttempt(ref, { attempt: 2, from: ['pending'] }, { now: at(1), nextAttemptAt: at(5).toISOString() })).toBe(false);
      expect(await store.returnAttempt(ref, { attempt: 1, from: ['pending'] }, { now: at(1), nextAttemptAt: at(5).toISOString() })).toBe(true);
      expect(await store.getDelivery(ref.messageId, ref.endpointId)).toMatchObject({ status: 'retrying', attempts: 0, nextAttemptAt: at(5).toISOString() });
      expect(await store.beginAttempt(ref, ['retrying'], at(5))).toBe(1);
      expect(await store.returnAttempt(ref, { attempt: 1, from: ['retrying'] }, { now: at(5), nextAttemptAt: at(6).toISOString() })).toBe(true);
      expect(await store.getDelivery(ref.messageId, ref.endpointId)).toMatchObject({ status: 'retrying', attempts: 0, nextAttemptAt: at(6).toISOString() });
      expect(await store.listAttempts(ref.messageId)).toEqual([]);
    });

    it('logs attempts in order and lists an endpoint’s deliveries newest first', async () => {
      const store = await makeStore();
      const endpointId = `ep_${Math.random().toString(36).slice(2, 8)}`;
      const older = newDelivery({ endpointId, createdAt: at(1).toISOString() });
      const newer = newDelivery({ endpointId, createdAt: at(2).toISOString() });
      await store.createDelivery(older, 0);
      await store.createDelivery(newer, 0);
      await store.recordAttempt(attemptOf(older, 2), 0);
      await store.recordAttempt(attemptOf(older, 1), 0);
      expect((await store.listAttempts(older.messageId)).map((a) => a.attempt)).toEqual([1, 2]);
      expect(await store.listAttempts(older.messageId, 'ep_other')).toEqual([]);
      expect((await store.listEndpointDeliveries(endpointId)).deliveries.map((d) => d.messageId)).toEqual([newer.messageId, older.messageId]);
      expect((await store.listEndpointDeliveries(endpointId, { since: at(2).toISOString() })).deliveries.map((d) => d.messageId)).toEqual([newer.messageId]);
      expect(await store.listDeliveries(older.messageId)).toEqual([older]);
    });
  });
}
