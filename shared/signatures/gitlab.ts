/**
 * GitLab.
 *
 * `X-Gitlab-Token: <token>`: not a signature but the shared secret itself, compared with each
 * secret in constant time. Both sides are hashed first so the comparison is of equal lengths
 * and reveals nothing about the secret's length. No timestamp is sent.
 *
 * Event: `Idempotency-Key` (stable across GitLab's retries), else `X-Gitlab-Event-UUID`; type
 * `X-Gitlab-Event`.
 */
import { SignatureError } from '../errors';
import { requireSecrets, safeEqual, sha256 } from './compare';
import { eventType, identified, requireEventId } from './event';
import { headerValue, requireHeader } from './headers';
import type { Provider } from './types';

export const gitlab: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const token = sha256(requireHeader(request, 'x-gitlab-token'));
    if (!secrets.some((secret) => safeEqual(token, sha256(secret)))) throw new SignatureError('mismatch');
  },

  identify(request) {
    const id = headerValue(request, 'idempotency-key') ?? headerValue(request, 'x-gitlab-event-uuid');
    return identified(requireEventId(id, 'header Idempotency-Key or X-Gitlab-Event-UUID'), eventType(headerValue(request, 'x-gitlab-event')));
  },
};
