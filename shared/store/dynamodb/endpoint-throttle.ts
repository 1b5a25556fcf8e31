/**
 * The endpoint limits' shared state in DynamoDB, the adapter behind `EndpointThrottle`
 * (shared/outbound/endpoint-throttle.ts).
 *
 * Items, in the endpoint's own partition (never the endpoint item: its reads stay cheap):
 * - rate schedule  pk `THROTTLE#<endpoint>`  sk `RATE`         `nextSlotMs`: when the next delivery may go
 * - in-flight lease pk `THROTTLE#<endpoint>`  sk `LEASE#<n>`    `holder`, `heldUntilMs` (n < maxInFlight)
 * Both carry the table's TTL a day on, so an endpoint that stops sending leaves nothing behind.
 *
 * A reservation is one UpdateItem while the schedule is busy (`nextSlotMs` still ahead: add the
 * interval, read the new value back); when it is idle, a second, conditional one moves it to
 * now. No read-modify-write: concurrent reservations each get their own slot.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EndpointThrottle, InFlightLease } from '../../outbound/endpoint-throttle';
import { TABLE } from '../table';
import { conditionalWrite } from './conditional-write';
import { TableAdapter } from './table-adapter';

const partition = (endpointId: string) => `THROTTLE#${endpointId}`;
const DAY_SECONDS = 24 * 3600;
/** Lease items tried per acquisition, from a random one on (a full endpoint costs at most this many refused writes). */
const MAX_LEASE_TRIES = 4;

export class DynamoDbEndpointThrottle extends TableAdapter implements EndpointThrottle {
  async reserve(endpointId: string, intervalMs: number, nowMs: number): Promise<number> {
    const key = { pk: partition(endpointId), sk: 'RATE' };
    const expiresAt = Math.floor(nowMs / 1000) + DAY_SECONDS;
    for (let round = 0; round < 5; round++) {
      const busy = await conditionalWrite(
        this.db,
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET nextSlotMs = nextSlotMs + :interval, #ttl = :ttl',
          ConditionExpression: 'nextSlotMs >= :now',
          ExpressionAttributeNames: { '#ttl': TABLE.timeToLiveAttribute },
          ExpressionAttributeValues: { ':interval': intervalMs, ':now': nowMs, ':ttl': expiresAt },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      if (busy.written) return Number(busy.output.Attributes?.nextSlotMs) - intervalMs;
      const idle = await conditionalWrite(
        this.db,
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, kind: 'throttle', nextSlotMs: nowMs + intervalMs, [TABLE.timeToLiveAttribute]: expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR nextSlotMs < :now',
          ExpressionAttributeValues: { ':now': nowMs },
        }),
      );
      if (idle.written) return nowMs;
      // Another reservation restarted the schedule between the two writes: it is busy again.
    }
    throw new Error(`rate schedule of endpoint ${endpointId} kept changing under its reservations`);
  }

  async acquire(endpointId: string, maxInFlight: number, nowMs: number, expiresAtMs: number): Promise<InFlightLease | undefined> {
    const holder = randomUUID();
    const first = Math.floor(Math.random() * maxInFlight);
    for (let i = 0; i < Math.min(maxInFlight, MAX_LEASE_TRIES); i++) {
      const slot = (first + i) % maxInFlight;
      const taken = await conditionalWrite(
        this.db,
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: partition(endpointId),
            sk: `LEASE#${slot}`,
            kind: 'throttle',
            holder,
            heldUntilMs: expiresAtMs,
            [TABLE.timeToLiveAttribute]: Math.floor(expiresAtMs / 1000) + DAY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR heldUntilMs < :now',
          ExpressionAttributeValues: { ':now': nowMs },
        }),
      );
      if (taken.written) return { slot, holder };
    }
    return undefined;
  }

  async release(endpointId: string, lease: InFlightLease): Promise<void> {
    await conditionalWrite(
      this.db,
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: partition(endpointId), sk: `LEASE#${lease.slot}` },
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': lease.holder },
      }),
    );
  }
}
