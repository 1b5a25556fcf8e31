/**
 * The processor's grants for the sources' destinations: exactly the one action on exactly the
 * resource each names (`events:PutEvents` on the bus, `sqs:SendMessage` on the queue,
 * `sns:Publish` on the topic, `lambda:InvokeFunction` on the function), or, for a destination
 * reached through a role, `sts:AssumeRole` on that role only (the role's own policy, in its
 * account, grants the action; its trust policy must name the processor's role).
 */
import type { GatewayConfig } from '../../shared/config/schema';
import { resolveDestination, type Destination } from '../../shared/inbound/destinations/config';
import type { GatewayFunction } from './gateway-function';

const ACTION: Readonly<Record<Destination['type'], string>> = {
  eventBridge: 'events:PutEvents',
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
};

/** What the processor must be allowed for `config`'s destinations: action → resources, each once. */
export function destinationGrants(config: GatewayConfig): Array<{ action: string; resources: string[] }> {
  const grants = new Map<string, Set<string>>();
  const grant = (action: string, resource: string) => grants.set(action, (grants.get(action) ?? new Set()).add(resource));
  for (const source of config.sources) {
    for (const destination of (source.destinations ?? []).map(resolveDestination)) {
      if (destination.roleArn) grant('sts:AssumeRole', destination.roleArn);
      else grant(ACTION[destination.type], destination.arn);
    }
  }
  return [...grants].map(([action, resources]) => ({ action, resources: [...resources].sort() }));
}

/** Grants `processor` what `config`'s destinations need, and nothing else. */
export function grantDestinations(processor: GatewayFunction, config: GatewayConfig): void {
  for (const { action, resources } of destinationGrants(config)) processor.allow([action], resources);
}
