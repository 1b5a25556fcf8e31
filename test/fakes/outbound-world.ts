/**
 * The sending side on in-memory stores, for the unit tests of publish, dispatch and deliver: the
 * same domain functions, with a scripted HTTP sender and a recording scheduler in place of the
 * network and Step Functions.
 */
import { parseConfig } from '../../shared/config/load';
import type { OutboundSettings } from '../../shared/config/schema';
import type { DeliveryEvent } from '../../shared/outbound/deliver';
import type { DispatchDeps } from '../../shared/outbound/dispatch';
import type { Endpoint } from '../../shared/outbound/model';
import type { OutboundWork } from '../../shared/outbound/outbound-queue';
import type { PublishDeps } from '../../shared/outbound/publish';
import { generateEndpointSecret } from '../../shared/outbound/signing';
import { InMemoryDeliveryStore } from './delivery-store';
import { InMemoryEndpointStore } from './endpoint-store';
import { InMemoryEndpointThrottle } from './endpoint-throttle';
import { ScriptedSender, type ScriptedResponse } from './http-sender';
import { InMemoryMessageStore } from './message-store';
import { InMemoryPayloadStore } from './payload-store';
import { InMemoryQueue } from './queue';
import { RecordingScheduler } from './retry-scheduler';

export const T0 = new Date('2026-03-01T10:00:00.000Z');

export function outboundWorld(options: { settings?: Partial<OutboundSettings>; responses?: ScriptedResponse[]; start?: Date } = {}) {
  const settings: OutboundSettings = {
    ...parseConfig({ sources: [{ name: 'a', provider: 'github' }] }).outbound,
    jitter: 0,
    retrySchedule: [5, 60, 600],
    ...options.settings,
  };
  const endpoints = new InMemoryEndpointStore();
  const messages = new InMemoryMessageStore();
  const deliveries = new InMemoryDeliveryStore();
  const payloads = new InMemoryPayloadStore();
  const queue = new InMemoryQueue<OutboundWork>();
  const sender = new ScriptedSender(...(options.responses ?? []));
  const scheduler = new RecordingScheduler();
  const events: DeliveryEvent[] = [];
  const clock = { now: options.start ?? T0 };
  const throttle = new InMemoryEndpointThrottle();
  const deps: DispatchDeps = {
    endpoints,
    throttle,
    sleep: async (ms: number) => {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    messages,
    deliveries,
    payloads,
    sender,
    settings,
    scheduler,
    listEndpoints: () => endpoints.listAll(),
    staleAttemptSeconds: 60,
    onEvent: (event) => void events.push(event),
    now: () => clock.now,
    random: () => 0.5,
  };
  const publish: PublishDeps = { messages, payloads, queue, settings, now: () => clock.now };
  let count = 0;
  return {
    deps,
    publish,
    endpoints,
    messages,
    deliveries,
    payloads,
    queue,
    sender,
    scheduler,
    throttle,
    events,
    settings,
    advance(seconds: number): Date {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
      return clock.now;
    },
    async addEndpoint(overrides: Partial<Endpoint> = {}): Promise<Endpoint & { secret: string }> {
      const secret = generateEndpointSecret();
      const endpoint: Endpoint = {
        id: `ep_${++count}`,
        url: `https://receiver.example.test/hook/${count}`,
        eventTypes: [],
        signatureScheme: 'standard',
        enabled: true,
        secrets: [{ secret, createdAt: T0.toISOString() }],
        createdAt: new Date(T0.getTime() + count).toISOString(),
        updatedAt: T0.toISOString(),
        ...overrides,
      };
      await endpoints.create(endpoint);
      return { ...endpoint, secret };
    },
  };
}
