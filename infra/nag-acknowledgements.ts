/**
 * cdk-nag (AwsSolutions) findings we accept, each with the reason a reviewer needs. Anything
 * not acknowledged here fails the synth.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { WebhookGateway } from './gateway';

/** Acknowledges the findings of a gateway (this repository's stack passes its own `gateway`). */
export function acknowledgeFindings(target: WebhookGateway | { readonly gateway: WebhookGateway }): void {
  const stack = 'gateway' in target ? target.gateway : target;
  const nag = (id: string) => `AwsSolutions::AwsSolutions-${id}`;
  const resolve = (value: string) => Stack.of(stack).resolve(value) as { 'Fn::GetAtt': [string, string] };
  const arnToken = (arn: string) => `<${resolve(arn)['Fn::GetAtt'][0]}.Arn>`;
  const payloads = arnToken(stack.storage.payloadBucket.bucketArn);

  Validations.of(stack.httpApi).acknowledge({
    id: nag('APIG4'),
    reason:
      'POST /webhooks/{source} is called by third-party providers that cannot sign AWS requests; each request is authenticated ' +
      'by the provider signature (HMAC over the raw body, constant-time, replay window) verified in the ingress function. ' +
      'GET /portal and /portal/api/{proxy+} serve tenants, who cannot sign AWS requests either: every portal API call is ' +
      'authenticated by an HMAC-signed, expiring portal token checked in the api function, scoped to one tenant. ' +
      'The management API routes use IAM authorization.',
  });

  for (const fn of [
    stack.inbound.ingress,
    stack.inbound.processor,
    stack.inbound.reconciler,
    stack.api,
    stack.stream,
    stack.outbound.dispatcher,
    stack.outbound.deliver,
  ]) {
    Validations.of(fn.role).acknowledge({
      id: nag('IAM5[Resource::*]'),
      reason: 'Lambda active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
    });
  }

  for (const { secret, adopted } of stack.inbound.secrets) {
    if (adopted) continue;
    Validations.of(secret).acknowledge({
      id: nag('SMG4'),
      reason:
        'These are signing secrets issued by third-party webhook providers; Secrets Manager cannot rotate them. Rotation is ' +
        'done by storing the new secret next to the old one (comma-separated) until the provider switches, which verification supports.',
    });
  }

  Validations.of(stack.portalKey).acknowledge({
    id: nag('SMG4'),
    reason:
      'The portal signing key only signs short-lived (at most 24 h) portal links. It is rotated by putting a new key before ' +
      'the old one (comma-separated): the first signs, all verify, so links already handed out keep working until they expire.',
  });

  // Object-level access is scoped to a key prefix: the only wildcard is the object key.
  for (const [fn, prefix] of [
    [stack.inbound.ingress, 'inbound'],
    [stack.inbound.processor, 'inbound'],
    [stack.inbound.processor, 'outbound'],
    [stack.api, 'outbound'],
    [stack.api, 'inbound'],
    [stack.outbound.dispatcher, 'outbound'],
    [stack.outbound.deliver, 'outbound'],
  ] as const) {
    Validations.of(fn.role).acknowledge({
      id: nag(`IAM5[Resource::${payloads}/${prefix}/*]`),
      reason: `Claim-check bodies are objects named by event or message id under ${prefix}/; access is limited to that prefix of the payload bucket.`,
    });
  }

  const machine = stack.outbound.stateMachine;
  Validations.of(machine.role).acknowledge({
    id: nag('IAM5[Resource::*]'),
    reason: 'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) does not support resource-level permissions.',
  });
  Validations.of(machine.role).acknowledge({
    id: nag(`IAM5[Resource::${arnToken(stack.outbound.deliver.function.functionArn)}:*]`),
    reason: 'The state machine may invoke the deliver function and its versions only (the ":*" is the version qualifier).',
  });
}
