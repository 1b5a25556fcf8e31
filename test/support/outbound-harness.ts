/**
 * The sending side wired for integration tests, by the composition root as the local runtime
 * wires it: real stores in the shared DynamoDB Local, the outbound queue in fauxqs drained by the
 * dispatcher handler through the emulated event source, and the retry state machine run by the
 * local Step Functions server (aws-local-stepfunctions) through the real SFN SDK client.
 */
import { apiDependencies, deliverDependencies, dispatcherDependencies, type DispatcherDeps } from '../../functions/composition';
import { handleDeliver, observers as deliverObservers } from '../../functions/deliver/handler';
import { handleOutboundBatch, observers as dispatcherObservers } from '../../functions/dispatcher/handler';
import { consolePages } from '../../functions/environment';
import { localSfnClient } from '../../local/clients';
import { localEnvironment, localPlan, queueEventSource } from '../../local/plan';
import { retryStateMachine, type LocalStepFunctions } from '../../local/step-functions';
import type { Router } from '../../shared/http/router';
import type { DeliveryDeps, DeliveryEvent } from '../../shared/outbound/deliver';
import type { DeliveryStore } from '../../shared/outbound/delivery-store';
import type { EndpointStore } from '../../shared/outbound/endpoint-store';
import type { MessageStore } from '../../shared/outbound/message-store';
import type { PublishDeps } from '../../shared/outbound/publish';
import type { resolvePublicAddresses } from '../../shared/outbound/ssrf';
import { afterAll, beforeAll } from 'vitest';
import { createHarness, httpEvent, type Harness } from './harness';
import { Receiver } from './receiver';

export interface OutboundHarness {
  readonly deps: DispatcherDeps;
  /** The management API's router, as the api function builds it. */
  readonly router: Router;
  readonly publish: PublishDeps;
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
  readonly deliveries: DeliveryStore;
  readonly stepFunctions: LocalStepFunctions;
  /** Every delivery event the dispatcher and the deliver task reported, in order. */
  readonly events: DeliveryEvent[];
  stop(): Promise<void>;
}

export async function createOutboundHarness(
  h: Harness,
  options: {
    schedule?: number[];
    allowPrivateTargets?: boolean;
    resolve?: typeof resolvePublicAddresses;
    /** Batches the dispatcher handles at once (the event source's pollers; two by default, as the local runtime). */
    dispatcherConcurrency?: number;
  } = {},
): Promise<OutboundHarness> {
  const { clients, resources } = h;
  // A compressed schedule, as `DELIVERY_RETRY_SCHEDULE` gives the local runtime.
  const config = { ...h.config, outbound: { ...h.config.outbound, retrySchedule: options.schedule ?? [1, 1, 1] } };
  const plan = localPlan(config);
  const events: DeliveryEvent[] = [];
  const observed = <D extends DeliveryDeps>(deps: D): D => ({
    ...deps,
    onEvent: async (event: DeliveryEvent) => {
      events.push(event);
      await deps.onEvent?.(event);
    },
  });

  let deliver: DeliveryDeps | undefined;
  const stepFunctions = retryStateMachine({
    name: `${resources.tableName}-retries`,
    outbound: config.outbound,
    deliver: (input) => handleDeliver(input as never, deliver!),
  });
  const sfn = localSfnClient(await stepFunctions.listen());
  const names = { ...h.names, retryStateMachineArn: stepFunctions.stateMachineArn, allowPrivateTargets: options.allowPrivateTargets ?? true };
  const deps = observed(
    dispatcherDependencies({ config, clients: { ...clients, sfn }, environment: localEnvironment('dispatcher', names), ...dispatcherObservers }),
  );
  deliver = observed(deliverDependencies({ config, clients, environment: localEnvironment('deliver', names), ...deliverObservers }));
  const router = apiDependencies({
    config,
    clients,
    environment: localEnvironment('api', names),
    ...dispatcherObservers,
    consolePages,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const dispatcher = queueEventSource(plan, 'dispatcher', {
    sqs: clients.sqs,
    queues: resources,
    waitTimeSeconds: 1,
    ...(options.dispatcherConcurrency ? { concurrency: options.dispatcherConcurrency } : {}),
    invoke: (event, context) => handleOutboundBatch(event, context, deps),
  });
  dispatcher.start();
  return {
    deps,
    router,
    publish: deps.publish,
    endpoints: deps.endpoints,
    messages: deps.messages,
    deliveries: deps.deliveries,
    stepFunctions,
    events,
    async stop() {
      await dispatcher.stop();
      await stepFunctions.stop();
      await Promise.all([deps.sender.close?.(), deliver?.sender.close?.()]);
      sfn.destroy();
    },
  };
}

/** What `useOutboundHarness` gives a test file: `h` and `o` are set once its `beforeAll` ran. */
export interface OutboundSetup {
  readonly h: Harness;
  readonly o: OutboundHarness;
  readonly receiver: Receiver;
  /** Calls the management API through the api function's router; the body parsed as JSON. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/**
 * The setup the outbound integration files share: a harness of the file's own in the shared
 * emulators, the sending side over it (`options` as for `createOutboundHarness`) and a started
 * receiver, before the file's tests; all stopped after them.
 */
export function useOutboundHarness(options: Parameters<typeof createOutboundHarness>[1] = {}): OutboundSetup {
  let h: Harness | undefined;
  let o: OutboundHarness | undefined;
  const receiver = new Receiver();
  beforeAll(async () => {
    h = await createHarness();
    o = await createOutboundHarness(h, options);
    await receiver.start();
  });
  afterAll(async () => {
    await o?.stop();
    await receiver.stop();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`the outbound setup's ${name} is used before its beforeAll ran`);
    return value;
  };
  return {
    get h() {
      return ready(h, 'harness');
    },
    get o() {
      return ready(o, 'outbound harness');
    },
    receiver,
    async api(method, path, body) {
      const response = await ready(o, 'outbound harness').router.handle(
        httpEvent({ method, path, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
      );
      return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
    },
  };
}
