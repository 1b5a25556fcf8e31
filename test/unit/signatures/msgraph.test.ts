import { describe, expect, it } from 'vitest';
import { msgraph } from '../../../shared/signatures/msgraph';
import { bodyTextChanged, provesScheme } from './contract';
import { HOOK_URL, malformed, outcome, signedRequest, verifyContext } from './support';

const clientState = 'secretClientValue-9f8e7d6c';
const other = 'anotherClientValue-00000000';
const notification = (state: string) => ({
  subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
  subscriptionExpirationDateTime: '2026-01-03T11:00:00.0000000Z',
  changeType: 'created',
  resource: 'Users/{user-id}/Messages/{message-id}',
  resourceData: { '@odata.type': '#Microsoft.Graph.Message', '@odata.etag': 'W/"CQAAABYAAAD"', id: 'AAMkAG' },
  clientState: state,
  tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
});

provesScheme('msgraph', {
  provider: msgraph,
  key: { verifyWith: clientState, signWith: clientState },
  otherKey: { verifyWith: other, signWith: other },
  // Graph signs nothing: the body carries the subscription's clientState (Graph's documented contract).
  sign: (state) => signedRequest(JSON.stringify({ value: [notification(state)] }), { 'content-type': 'application/json' }),
  timestamped: false,
  // What authenticates is the clientState: change one of its characters.
  tamper: (request) => bodyTextChanged(request, clientState, `X${clientState.slice(1)}`),
  identity: () => ({
    kind: 'event',
    eventId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07:created:Users/{user-id}/Messages/{message-id}:W/"CQAAABYAAAD"',
    eventType: 'created',
  }),
});

describe('msgraph specifics', () => {
  const context = { secrets: [clientState], sourceName: 'msgraph', nowSeconds: 0, toleranceSeconds: 300, now: new Date() };

  it('echoes ?validationToken= decoded, as text/plain, before any check', async () => {
    const request = signedRequest('', { 'content-type': 'text/plain' }, `${HOOK_URL}?validationToken=Validation%3A%20Testing%20client%20application`);
    expect(await msgraph.handshake!(request, context)).toEqual({
      statusCode: 200,
      contentType: 'text/plain',
      body: 'Validation: Testing client application',
      headers: { 'x-content-type-options': 'nosniff' },
    });
    expect(await msgraph.handshake!(signedRequest('{}', {}), context)).toBeUndefined();
  });

  it('refuses a batch in which any item carries another clientState, or none', () => {
    const mixed = signedRequest(JSON.stringify({ value: [notification(clientState), notification(other)] }), {});
    expect(outcome(msgraph, mixed, verifyContext([clientState]))).toBe('mismatch');
    const missing = signedRequest(JSON.stringify({ value: [{ ...notification(clientState), clientState: undefined }] }), {});
    expect(outcome(msgraph, missing, verifyContext([clientState]))).toBe('missing_signature');
  });

  it('identifies lifecycle notifications by their event', () => {
    const lifecycle = {
      subscriptionId: 's1',
      lifecycleEvent: 'reauthorizationRequired',
      clientState,
      subscriptionExpirationDateTime: '2026-01-03T11:00:00Z',
      resource: 'r',
    };
    expect(msgraph.identify(signedRequest(JSON.stringify({ value: [lifecycle] }), {}))).toEqual({
      kind: 'event',
      eventId: 's1:lifecycle.reauthorizationRequired:r:2026-01-03T11:00:00Z',
      eventType: 'lifecycle.reauthorizationRequired',
    });
    expect(malformed(() => msgraph.identify(signedRequest('{"value":[]}', {})))).toMatch(/value/);
  });
});
