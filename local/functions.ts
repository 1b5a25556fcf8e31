/**
 * The gateway's functions on this machine: the real handler modules, each given the
 * dependencies the composition root builds from the emulators' clients, the validated config and
 * the environment the local runtime wrote for it (local/plan.ts). Nothing here re-implements a
 * rule or assembles a store.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import {
  apiDependencies,
  deliverDependencies,
  dispatcherDependencies,
  ingressDependencies,
  processorDependencies,
  reconcilerDependencies,
  streamDependencies,
} from '../functions/composition';
import { consolePages, once } from '../functions/environment';
import type { GatewayConfig } from '../shared/config/schema';
import type { FunctionName } from '../shared/deployment/environment';
import type { DestinationSender } from '../shared/inbound/destinations/sender';
import type { LocalClients } from './clients';

/** A function as Lambda invokes it: its event (or a response stream's), and its context. */
export type LocalInvoke = (event: never, context: Context) => Promise<unknown>;
export type StreamInvoke = (event: unknown, stream: unknown, context: Context) => Promise<void>;

export interface LocalFunctions extends Record<Exclude<FunctionName, 'stream'>, LocalInvoke> {
  readonly stream: StreamInvoke;
}

/**
 * Imports every handler module and binds it to its local dependencies (built on first use, as
 * at a cold start). Call after the response-streaming globals are installed.
 */
export async function localFunctions(input: {
  readonly config: GatewayConfig;
  readonly clients: LocalClients & { readonly sfn: SFNClient };
  readonly environments: Readonly<Record<FunctionName, Record<string, string>>>;
  /** Where the processor sends the sources' destinations (local/destinations.ts). */
  readonly destinationSender?: DestinationSender;
}): Promise<LocalFunctions> {
  const { config, clients, environments } = input;
  const [ingress, processor, api, stream, dispatcher, deliver, reconciler] = await Promise.all([
    import('../functions/ingress/handler'),
    import('../functions/processor/handler'),
    import('../functions/api/handler'),
    import('../functions/stream/handler'),
    import('../functions/dispatcher/handler'),
    import('../functions/deliver/handler'),
    import('../functions/reconciler/handler'),
  ]);
  const parts = <F extends FunctionName, O>(fn: F, observers: O) => ({ config, environment: environments[fn], clients, ...observers });
  return {
    ingress: ingress.createIngressHandler(once(() => ingressDependencies(parts('ingress', ingress.observers)))) as LocalInvoke,
    processor: processor.createProcessorHandler(
      once(() =>
        processorDependencies({
          ...parts('processor', processor.observers),
          ...(input.destinationSender ? { destinationSender: input.destinationSender } : {}),
        }),
      ),
    ) as LocalInvoke,
    api: api.createApiHandler(once(() => apiDependencies({ ...parts('api', api.observers), consolePages }))) as LocalInvoke,
    stream: stream.createStreamHandler(once(() => streamDependencies(parts('stream', stream.observers)))) as StreamInvoke,
    dispatcher: dispatcher.createDispatcherHandler(once(() => dispatcherDependencies(parts('dispatcher', dispatcher.observers)))) as LocalInvoke,
    deliver: deliver.createDeliverHandler(once(() => deliverDependencies(parts('deliver', deliver.observers)))) as LocalInvoke,
    reconciler: reconciler.createReconcilerHandler((owner) => reconcilerDependencies({ ...parts('reconciler', reconciler.observers), owner })) as LocalInvoke,
  };
}
