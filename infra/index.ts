/**
 * The package entry (`import { WebhookGateway } from 'aws-webhook-gateway'`): the construct, what
 * it takes, and the config schema it validates with. Built to dist/ by `npm run build`
 * (infra/build-package.ts); the function sources ship beside it and are bundled at synth.
 */
export { WebhookGateway, loadConfigDocument, type GatewayDestination, type WebhookGatewayProps } from './gateway';
export { acknowledgeFindings } from './nag-acknowledgements';
export { ConfigError, parseConfig } from '../shared/config/load';
export { configSchema, type GatewayConfig } from '../shared/config/schema';
export type { DestinationInput } from '../shared/inbound/destinations/config';
export type { DestinationEvent } from '../shared/inbound/destinations/envelope';
