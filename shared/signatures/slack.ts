/**
 * Slack (Events API).
 *
 * `X-Slack-Signature: v0=<hex>`: hex HMAC-SHA256 over `v0:<X-Slack-Request-Timestamp>:<raw body>`,
 * keyed with the signing secret's text. The timestamp is signed exactly as sent and must lie
 * within the tolerance in both directions (Bolt's verifier refuses only old ones).
 *
 * Event: body `event_id`, type `event.type`, else `type`. A `url_verification` request carries
 * no event id and is answered with its `challenge`.
 */
import { MalformedEventError } from '../errors';
import { hmac, requireMatch, requireSecrets, requireWithinTolerance } from './compare';
import { eventType, identified, isObject, jsonBody, requireEventId } from './event';
import { decodeSignatures, headerValue, listItems, requireHeader, requireTimestamp } from './headers';
import type { Provider } from './types';

export const slack: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const header = requireHeader(request, 'x-slack-signature');
    const ts = headerValue(request, 'x-slack-request-timestamp');
    const timestamp = requireTimestamp(ts);
    const signatures = decodeSignatures(listItems(header), 'v0=', 'hex');
    requireMatch(
      signatures,
      secrets.map((secret) => hmac('sha256', secret, `v0:${ts}:`, request.body)),
    );
    requireWithinTolerance(timestamp, context);
  },

  identify(request) {
    const body = jsonBody(request, 'Slack');
    if (body.type === 'url_verification') {
      if (typeof body.challenge !== 'string') throw new MalformedEventError('Slack url_verification has no challenge');
      return {
        kind: 'handshake',
        response: { statusCode: 200, contentType: 'application/json', body: JSON.stringify({ challenge: body.challenge }) },
      };
    }
    const type = eventType(isObject(body.event) ? body.event.type : undefined, body.type);
    return identified(requireEventId(body.event_id, 'body "event_id"'), type);
  },
};
