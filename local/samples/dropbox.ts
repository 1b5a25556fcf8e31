/** Dropbox: a notification signed with `node:crypto` per Dropbox's documentation (no official verifier). */
import { createHmac, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, randomText } from './support';

/**
 * `X-Dropbox-Signature: <hex HMAC-SHA256 of the body, keyed with the app secret>`. A
 * notification carries no id, so the gateway assigns one (and says it in its answer): the
 * sample's `eventId` is empty.
 */
function build(secret: string, { eventType }: Sample): SampleWebhook {
  const body = JSON.stringify({ list_folder: { accounts: [`dbid:${randomText(40)}`] }, delta: { users: [randomInt(1e6, 1e9)] } });
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'DropboxWebhooks/1.0', 'x-dropbox-signature': signature },
    body: Buffer.from(body),
    eventId: '',
    eventType: eventType === 'list_folder' ? eventType : 'list_folder',
  };
}

export const dropboxSample: ProviderSample = { defaultEventType: 'list_folder', build };
