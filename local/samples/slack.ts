/** Slack Events API: signed with `node:crypto` per Slack's documentation. */
import { createHmac, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, randomText } from './support';

// Slack Events API: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `Ev0${randomText(8, UPPER)}`;
  const team = `T0${randomText(8, UPPER)}`;
  const body = JSON.stringify({
    token: randomText(24),
    team_id: team,
    context_team_id: team,
    api_app_id: `A0${randomText(8, UPPER)}`,
    event: {
      type: eventType,
      user: `U0${randomText(8, UPPER)}`,
      text: '<@U0LAN0Z89> is it everything a river should be?',
      ts: `${now}.${String(randomInt(1_000_000)).padStart(6, '0')}`,
      channel: `C0${randomText(8, UPPER)}`,
      event_ts: `${now}.000100`,
    },
    type: 'event_callback',
    event_id: eventId,
    event_time: now,
    authorizations: [{ enterprise_id: null, team_id: team, user_id: `U0${randomText(8, UPPER)}`, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomText(40)}`,
  });
  const timestamp = String(now);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const slackSample: ProviderSample = {
  defaultEventType: 'app_mention',
  build,
};
