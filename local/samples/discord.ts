/** Discord: an interaction signed with `node:crypto` (Ed25519) per Discord's documentation (`discord-interactions` only verifies). */
import { randomInt, sign } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, randomText, requireSigningKey } from './support';

const TYPES: Readonly<Record<string, number>> = { APPLICATION_COMMAND: 2, MESSAGE_COMPONENT: 3, APPLICATION_COMMAND_AUTOCOMPLETE: 4, MODAL_SUBMIT: 5 };

const snowflake = (now: number): string => ((BigInt(now * 1000 - 1_420_070_400_000) << 22n) | BigInt(randomInt(1 << 22))).toString();

/**
 * `X-Signature-Ed25519: <hex Ed25519 signature of "<X-Signature-Timestamp><body>">`, made with the
 * application's private key (`signingKey`); the source's secret is the public key.
 */
function build(_publicKey: string, sample: Sample): SampleWebhook {
  const { eventType, nowSeconds: now, eventId: id } = sample;
  const key = requireSigningKey(sample, 'Discord');
  const type = TYPES[eventType] ?? 2;
  const eventId = id ?? snowflake(now);
  const guild = snowflake(now - 86_400);
  const body = JSON.stringify({
    app_permissions: '2248473465835073',
    application_id: snowflake(now - 86_400 * 30),
    authorizing_integration_owners: { '0': guild },
    channel_id: snowflake(now - 3600),
    context: 0,
    data: type === 3 ? { component_type: 2, custom_id: 'retry_delivery' } : { id: snowflake(now - 7200), name: 'status', type: 1 },
    entitlements: [],
    guild_id: guild,
    guild_locale: 'en-US',
    id: eventId,
    locale: 'en-GB',
    member: { user: { id: snowflake(now - 86_400 * 400), username: 'ada', global_name: 'Ada' }, roles: [], permissions: '2248473465835073' },
    token: randomText(180),
    type,
    version: 1,
  });
  const timestamp = String(now);
  const signature = sign(null, Buffer.from(timestamp + body), key).toString('hex');
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
      'x-signature-ed25519': signature,
      'x-signature-timestamp': timestamp,
    },
    body: Buffer.from(body),
    eventId,
    eventType: Object.keys(TYPES).find((name) => TYPES[name] === type)!,
  };
}

export const discordSample: ProviderSample = { defaultEventType: 'APPLICATION_COMMAND', build };
