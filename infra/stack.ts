/**
 * This repository's stack: the whole gateway, one `WebhookGateway` (infra/gateway.ts) at the
 * stack's root (id `Default`, so its resources keep the logical ids they had before the construct).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebhookGateway, type WebhookGatewayProps } from './gateway';

export interface WebhookGatewayStackProps extends StackProps, Omit<WebhookGatewayProps, 'outputs'> {}

export class WebhookGatewayStack extends Stack {
  readonly gateway: WebhookGateway;

  constructor(scope: Construct, id: string, props: WebhookGatewayStackProps) {
    super(scope, id, props);
    this.gateway = new WebhookGateway(this, 'Default', { config: props.config, ...(props.destinations ? { destinations: props.destinations } : {}) });
  }

  get storage() {
    return this.gateway.storage;
  }
  get inbound() {
    return this.gateway.inbound;
  }
  get outbound() {
    return this.gateway.outbound;
  }
  get api() {
    return this.gateway.api;
  }
  get stream() {
    return this.gateway.stream;
  }
  get httpApi() {
    return this.gateway.httpApi;
  }
  get operations() {
    return this.gateway.operations;
  }
  get portalKey() {
    return this.gateway.portalKey;
  }
}
