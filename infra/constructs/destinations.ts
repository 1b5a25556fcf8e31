/**
 * The processor's grants for the sources' destinations: exactly the one action on exactly the
 * resource each names (`events:PutEvents` on the bus, `sqs:SendMessage` on the queue,
 * `sns:Publish` on the topic, `lambda:InvokeFunction` on the function), or, for a destination
 * reached through a role, `sts:AssumeRole` on that role only (the role's own policy, in its
 * account, grants the action; its trust policy must name the processor's role).
 */
import type { GatewayConfig } from '../../shared/config/schema';
import { destinationArn, type DestinationInput } from '../../shared/inbound/destinations/config';
import type { GatewayFunction } from './gateway-function';

const ACTION: Readonly<Record<DestinationInput['type'], string>> = {
  eventBridge: 'events:PutEvents',
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
};

/**
 * What the processor must be allowed for `config`'s destinations and those `added` by the
 * construct (ARNs as tokens): action → resources, each once.
 */
export function destinationGrants(
  config: GatewayConfig,
  added: Readonly<Record<string, readonly DestinationInput[]>> = {},
): Array<{ action: string; resources: string[] }> {
  const grants = new Map<string, Set<string>>();
  const grant = (action: string, resource: string) => grants.set(action, (grants.get(action) ?? new Set()).add(resource));
  for (const source of config.sources) {
    for (const destination of [...(source.destinations ?? []), ...(added[source.name] ?? [])]) {
      if (destination.roleArn) grant('sts:AssumeRole', destination.roleArn);
      else grant(ACTION[destination.type], destinationArn(destination));
    }
  }
  return [...grants].map(([action, resources]) => ({ action, resources: [...resources].sort() }));
}

/** Grants `processor` what `config`'s destinations need, and nothing else. */
export function grantDestinations(processor: GatewayFunction, config: GatewayConfig, added?: Readonly<Record<string, readonly DestinationInput[]>>): void {
  for (const { action, resources } of destinationGrants(config, added)) processor.allow([action], resources);
}
