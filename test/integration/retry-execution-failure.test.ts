/**
 * No delivery is left `retrying` when its retry execution cannot go on: the real retry state
 * machine definition, executed by aws-local-stepfunctions, with an Attempt task that throws
 * every time (or never answers), hands the delivery to RecordFailure, which runs the real
 * deliver handler against DynamoDB Local and marks the delivery failed with the reason.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleDeliver } from '../../functions/deliver/handler';
import type { Delivery, Endpoint, Message } from '../../shared/outbound/model';
import { RETRY_STATES, retryStateMachineDefinition, type RetryExecutionState } from '../../shared/outbound/retry-state-machine';
import { createHarness, type Harness } from '../support/harness';
import { createOutboundHarness, type OutboundHarness } from '../support/outbound-harness';

let h: Harness;
let o: OutboundHarness;

beforeAll(async () => {
  h = await createHarness();
  o = await createOutboundHarness(h);
});

afterAll(async () => {
  await o?.stop();
});

/** An endpoint, a message and its delivery waiting in the retry schedule, as the dispatcher leaves them. */
async function retryingDelivery(): Promise<{ messageId: string; endpointId: string }> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const now = new Date().toISOString();
  const endpoint: Endpoint = {
    id: `ep_${suffix}`,
    url: 'https://receiver.example.test/hook',
    eventTypes: [],
    signatureScheme: 'standard',
    enabled: true,
    secrets: [{ secret: `whsec_${Buffer.from(suffix.padEnd(24, 'x')).toString('base64')}`, createdAt: now }],
    createdAt: now,
    updatedAt: now,
  };
  const message: Message = { id: `msg_${suffix}`, eventType: 'invoice.paid', payload: { kind: 'inline', json: '{"id":"in_1"}' }, createdAt: now };
  const delivery: Delivery = {
    messageId: message.id,
    endpointId: endpoint.id,
    eventType: message.eventType,
    status: 'retrying',
    attempts: 1,
    createdAt: now,
    updatedAt: now,
    lastStatusCode: 503,
    nextAttemptAt: new Date(Date.now() + 5000).toISOString(),
  };
  const expires = Math.floor(Date.now() / 1000) + 3600;
  await o.endpoints.create(endpoint);
  await o.messages.putMessage(message, expires);
  await o.deliveries.createDelivery(delivery, expires);
  return { messageId: message.id, endpointId: endpoint.id };
}

function execute(input: RetryExecutionState, attempt: () => Promise<unknown>, attemptTimeoutSeconds = 30) {
  const machine = new StateMachine(retryStateMachineDefinition('arn:aws:lambda:us-east-1:000000000000:function:deliver', { attemptTimeoutSeconds }) as never);
  return machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        [RETRY_STATES.attempt]: attempt,
        [RETRY_STATES.recordFailure]: (taskInput: unknown) => handleDeliver(taskInput as never, o.deps),
      },
      retryIntervalOverrides: { [RETRY_STATES.attempt]: 0, [RETRY_STATES.recordFailure]: 0 },
    } as never,
  }).result;
}

describe('a retry execution that cannot go on', () => {
  it('ends with the delivery failed and the reason recorded, when the deliver task throws every time', async () => {
    const { messageId, endpointId } = await retryingDelivery();
    const eventsBefore = o.events.length;
    await expect(
      execute({ messageId, endpointId, waitSeconds: 0 }, async () => {
        throw new TypeError('the deliver function crashed');
      }),
    ).rejects.toMatchObject({ cause: { name: 'DeliveryAbandoned' } });

    const delivery = await o.deliveries.getDelivery(messageId, endpointId);
    expect(delivery).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^retry execution gave up: TypeError.*the deliver function crashed/) });
    expect(delivery).not.toHaveProperty('nextAttemptAt');
    expect(o.events.slice(eventsBefore)).toContainEqual({ type: 'delivery.failed', messageId, endpointId, reason: delivery!.lastError });
  });

  it('ends the same way when an attempt outlives its task timeout', async () => {
    const { messageId, endpointId } = await retryingDelivery();
    await expect(execute({ messageId, endpointId, waitSeconds: 0 }, () => new Promise(() => undefined), 1)).rejects.toMatchObject({
      cause: { name: 'DeliveryAbandoned' },
    });
    expect(await o.deliveries.getDelivery(messageId, endpointId)).toMatchObject({ status: 'failed', lastError: 'retry execution gave up: States.Timeout' });
  }, 20_000);

  it('leaves alone a delivery that succeeded meanwhile (a manual retry)', async () => {
    const { messageId, endpointId } = await retryingDelivery();
    const attempt = await o.deliveries.beginAttempt({ messageId, endpointId }, ['retrying'], new Date());
    await o.deliveries.succeed({ messageId, endpointId }, { attempt: attempt!, from: ['retrying'] }, { now: new Date(), statusCode: 200 });
    await expect(
      execute({ messageId, endpointId, waitSeconds: 0 }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toMatchObject({ cause: { name: 'DeliveryAbandoned' } });
    expect(await o.deliveries.getDelivery(messageId, endpointId)).toMatchObject({ status: 'succeeded' });
  });
});
