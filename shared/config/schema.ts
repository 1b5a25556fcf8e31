/**
 * The one schema for `webhooks.config.json`.
 *
 * Parsed at synth (infra/app.ts), at local start (local/start.ts) and at Lambda cold start
 * (functions/*). Unknown keys are refused everywhere (`strictObject`), so a typo is an error,
 * not a silently ignored setting. Secrets are never part of this file.
 *
 * Convention: `import * as z from 'zod'` (not `import { z }`), which lets esbuild drop the
 * parts of zod we do not use from the Lambda bundles.
 */
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import { hmacOptionProblems } from './hmac-rules';

export { hmacOptionProblems } from './hmac-rules';
import { bodyLimitProblem } from '../inbound/body-limit';
import { DESTINATION_INLINE_LIMIT_BYTES } from '../inbound/destinations/envelope';
import { destinationsSchema } from '../inbound/destinations/config';

/** URL segment of a source: `POST /webhooks/{name}`. */
export const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Header names a source may not ask to keep: they carry credentials or signatures. */
const CREDENTIAL_LIKE_HEADER = /auth|signature|token|hmac|secret|cookie|key|pass|credential|session|jwt|bearer/;

const cidr = z.string().refine(isCidr, { message: 'must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24' });

const httpsUrl = z.url({ protocol: /^https?$/ });

/** Settings every source may carry, whatever its provider. */
const sourceBase = {
  name: z.string().regex(SOURCE_NAME, 'must be lower-case letters, digits, "-" or "_" (max 63)'),
  description: z.string().max(500).optional(),
  /** Replay window for providers that sign a timestamp, in seconds, both directions. */
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
  /** When set, only callers whose address falls in one of these ranges are accepted. */
  allowedCidrs: z.array(cidr).min(1).optional(),
  /**
   * The public URL the provider calls, for providers that sign the URL (Twilio, Square).
   * Behind API Gateway it is rebuilt from the request when absent; set it when a custom
   * domain or a proxy changes what the provider sees.
   */
  publicUrl: httpsUrl.optional(),
  /**
   * An existing Secrets Manager secret (name or ARN) holding this source's secret(s), adopted
   * instead of the secret the stack would create. The stack only reads it.
   */
  secretName: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, 'a Secrets Manager secret name or ARN')
    .optional(),
  /**
   * The user's own AWS services that receive each verified event (shared/inbound/destinations/config.ts):
   * EventBridge buses, SQS queues, SNS topics, Lambda functions.
   */
  destinations: destinationsSchema.optional(),
  /**
   * Request headers the event's record keeps besides the content type, the user agent and the
   * provider's own event and delivery headers (shared/inbound/kept-headers.ts); all others are
   * dropped. Names that look like credentials are refused: a record is shown in the console.
   */
  /**
   * Seconds during which a second request with the same body but another event id is answered as a
   * duplicate of the first (shared/inbound/replay-window.ts). Off by default: two distinct events
   * can share a body. For providers whose id header is not signed.
   */
  replayWindowSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .optional(),
  keepHeaders: z
    .array(
      z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'a header name')
        .transform((name) => name.toLowerCase())
        .refine((name) => !CREDENTIAL_LIKE_HEADER.test(name), 'looks like a credential or a signature, which a record never keeps'),
    )
    .max(20)
    .optional(),
};

const jsonPath = z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'dot-separated keys, e.g. data.id');

/**
 * Where the generic `hmac` provider finds a value: a header, a JSON path into the body, or
 * several JSON paths whose values are joined (`["event", "payload.uri"]` → `invitee.created:https://…`).
 */
const valueLocation = z.union([
  z.strictObject({ header: z.string().min(1).toLowerCase() }),
  z.strictObject({ jsonPath }),
  z.strictObject({ jsonPaths: z.array(jsonPath).min(2).max(5), separator: z.string().max(3).default(':') }),
]);

/** `unix`: whole seconds; `unixMs`: whole milliseconds; `iso8601`: with a zone; `auto`: seconds or ISO 8601. */
const timestampFormat = z.enum(['unix', 'unixMs', 'iso8601', 'auto']).default('auto');

export const hmacOptionsSchema = z
  .strictObject({
    /** Header carrying the signature. */
    signatureHeader: z.string().min(1).toLowerCase(),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    /** Text before the signature, e.g. `sha256=`. */
    signaturePrefix: z.string().default(''),
    /**
     * `plain`: the header is the (prefixed) signature, or several separated by `,` or spaces.
     * `keyValue`: the header is `t=<ts>,v1=<sig>[,v1=<sig>]`; `signatureKey` names the signature
     * entries and `timestamp.key` the timestamp entry.
     */
    signatureFormat: z.enum(['plain', 'keyValue']).default('plain'),
    signatureKey: z.string().min(1).default('v1'),
    /** What separates the entries of a `keyValue` header: `,` (`t=…,v1=…`) or `;` (Paddle's `ts=…;h1=…`). */
    entrySeparator: z.enum([',', ';']).default(','),
    /**
     * Optional signed timestamp, checked against the source's tolerance: from a header, from an
     * entry of a `keyValue` header, or from the (signed) JSON body.
     */
    timestamp: z
      .union([
        z.strictObject({ header: z.string().min(1).toLowerCase(), format: timestampFormat }),
        z.strictObject({ key: z.string().min(1), format: timestampFormat }),
        z.strictObject({ jsonPath, format: timestampFormat }),
      ])
      .optional(),
    /** What is signed: `{body}`, `{timestamp}` and `{id}` are replaced; `{body}` is the raw bytes. */
    signedContent: z
      .string()
      .refine((s) => s.includes('{body}'), { message: 'must contain {body}' })
      .default('{body}'),
    eventId: valueLocation,
    eventType: valueLocation.optional(),
  })
  .superRefine((options, ctx) => {
    // Inconsistent options would only fail at the first request; refuse them at load.
    for (const problem of hmacOptionProblems(options)) ctx.addIssue({ code: 'custom', ...problem });
  });

export type HmacOptions = z.infer<typeof hmacOptionsSchema>;
/** A preset or config value before defaults are applied. */
export type HmacOptionsInput = z.input<typeof hmacOptionsSchema>;

/**
 * Providers whose scheme is configuration over the generic HMAC engine (shared/signatures/presets.ts),
 * and providers with a module of their own. Each is a source `provider` value with no options.
 */
export const PRESET_PROVIDERS = ['paddle', 'linear', 'mux', 'razorpay', 'workos', 'intercom', 'pagerduty', 'typeform', 'calendly'] as const;
export const MODULE_PROVIDERS = [
  'stripe',
  'github',
  'shopify',
  'slack',
  'standard',
  'twilio',
  'square',
  'gitlab',
  'line',
  'adyen',
  'mailgun',
  'hubspot',
  'zoom',
  'dropbox',
  'x',
  'msgraph',
  'asana',
  'discord',
  'telnyx',
  'sendgrid',
] as const;

export const sourceSchema = z.discriminatedUnion('provider', [
  z.strictObject({ ...sourceBase, provider: z.enum([...MODULE_PROVIDERS, ...PRESET_PROVIDERS]) }),
  z.strictObject({ ...sourceBase, provider: z.literal('hmac'), hmac: hmacOptionsSchema }),
]);

export type SourceConfig = z.infer<typeof sourceSchema>;
export type ProviderName = SourceConfig['provider'];

const MIB = 1024 * 1024;

/** Bodies (inbound) and payloads (outbound) above this size are stored in S3 and referenced (claim check). */
const claimCheckBytes = z
  .number()
  .int()
  .min(1024)
  .max(300 * 1024)
  .default(200 * 1024);
/** How long records are kept (DynamoDB TTL). */
const retentionDays = z.number().int().min(1).max(3650).default(30);

export const inboundSchema = z.strictObject({
  /**
   * Largest body accepted (413 above). It must fit Lambda's 6 MB invocation payload once API
   * Gateway base64-encodes it (shared/inbound/body-limit.ts): at most 4,450,848 bytes.
   */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(10 * MIB)
    .default(4 * MIB),
  /** Bodies above this size are stored in S3 and referenced (claim check), not kept in the item. */
  claimCheckBytes,
  /** How long event records are kept (DynamoDB TTL). */
  retentionDays,
  /** After this many receives a message is moved to the dead-letter queue. */
  maxReceiveCount: z.number().int().min(1).max(1000).default(5),
  batchSize: z.number().int().min(1).max(10).default(10),
  maxBatchingWindowSeconds: z.number().int().min(0).max(300).default(1),
  processorTimeoutSeconds: z.number().int().min(1).max(900).default(30),
  processorMemoryMiB: z.number().int().min(128).max(10240).default(512),
  /**
   * Most processor instances the inbound queue's event source mapping may run at once
   * (`MaximumConcurrency`, 2–1000), so a backlog cannot take the account's concurrency from ingress.
   */
  maximumConcurrency: z.number().int().min(2).max(1000).default(20),
  ingressMemoryMiB: z.number().int().min(128).max(10240).default(512),
  /** API Gateway route throttling for `POST /webhooks/{source}`. */
  throttle: z
    .strictObject({
      rateLimit: z.number().int().min(1).default(1000),
      burstLimit: z.number().int().min(1).default(2000),
    })
    .default({ rateLimit: 1000, burstLimit: 2000 }),
});

/** `30`, `"30s"`, `"5m"`, `"2h"`, `"1d"` → seconds. */
export const durationSeconds = z.union([
  z.number().int().min(1),
  z
    .string()
    .regex(/^\d+(s|m|h|d)$/, 'a duration such as "30s", "5m", "2h" or "1d"')
    .transform((text) => Number(text.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86_400 }[text.slice(-1) as 's' | 'm' | 'h' | 'd']),
]);

export const DEFAULT_RETRY_SCHEDULE = ['5s', '5m', '30m', '2h', '5h', '10h', '14h', '20h', '24h'];

export const outboundSchema = z
  .strictObject({
    /** Waits before each retry after the first attempt (Step Functions Wait states), with jitter. */
    retrySchedule: z.array(durationSeconds).min(1).max(50).prefault(DEFAULT_RETRY_SCHEDULE),
    /** ±fraction applied to each wait, so retries of many deliveries do not arrive together. */
    jitter: z.number().min(0).max(0.5).default(0.2),
    /** Per-attempt timeout, headers and body. */
    timeoutSeconds: z.number().int().min(1).max(60).default(15),
    /** An endpoint failing without a single success for this long is disabled. */
    disableAfterDays: z.number().positive().max(365).default(5),
    /**
     * 4xx other than 408, 410 and 429 mean the receiver refused the message; Svix and Stripe retry
     * them anyway (a receiver's bug gets fixed), and so do we unless this is false.
     */
    retryClientErrors: z.boolean().default(true),
    /** Upper bound on a receiver's `Retry-After`, in seconds. */
    maxRetryAfterSeconds: z.number().int().min(1).max(86_400).default(3600),
    /** Every processed inbound event is also published as `<source>.<eventType>`. */
    relayInbound: z.boolean().default(true),
    /** Endpoints must use https (in AWS). The local runtime may allow http to loopback receivers. */
    requireHttps: z.boolean().default(true),
    /** Attempts and messages are kept this long (DynamoDB TTL). */
    retentionDays,
    /** Payloads above this size are stored in S3 and referenced (claim check). */
    claimCheckBytes,
    /** Optional EventBridge bus whose events (from `eventSources`) are published as messages. */
    eventBusName: z
      .string()
      .regex(/^[A-Za-z0-9._\-/]{1,256}$/)
      .optional(),
    /** The `source` values of the events on `eventBusName` to publish; required with a bus. */
    eventSources: z
      .array(
        z
          .string()
          .min(1)
          .max(256)
          .refine((source) => !source.startsWith('aws.'), { message: 'sources starting with "aws." are AWS service events, not messages of your producers' }),
      )
      .min(1)
      .max(50)
      .optional(),
    /** Optionally, only events of these detail-types (each becomes the message's event type). */
    eventDetailTypes: z.array(z.string().min(1).max(256)).min(1).max(50).optional(),
    dispatcherMemoryMiB: z.number().int().min(128).max(10240).default(512),
    /** Most dispatcher instances the outbound queue's event source mapping may run at once (2–1000). */
    maximumConcurrency: z.number().int().min(2).max(1000).default(20),
  })
  .superRefine((outbound, ctx) => {
    if (outbound.eventBusName && !outbound.eventSources) {
      const onDefault = outbound.eventBusName === 'default';
      ctx.addIssue({
        code: 'custom',
        path: ['eventSources'],
        message: onDefault
          ? 'required with eventBusName "default": the default bus carries every AWS service event of the account, and without a source list each would be published as a message'
          : `required with eventBusName: list the "source" values of the events on "${outbound.eventBusName}" to publish`,
      });
    }
    if (!outbound.eventBusName && (outbound.eventSources || outbound.eventDetailTypes)) {
      ctx.addIssue({ code: 'custom', path: ['eventBusName'], message: 'eventSources and eventDetailTypes need eventBusName' });
    }
  });

export type OutboundSettings = z.infer<typeof outboundSchema>;

export const alarmsSchema = z.strictObject({
  /** Oldest message waiting in a queue, in seconds, before the alarm fires. */
  queueAgeSeconds: z.number().int().min(60).max(1_209_600).default(900),
  /** Signature verification failures in 5 minutes (forgery, or a rotated secret not deployed). */
  verificationFailures: z.number().int().min(1).default(25),
  /** 5xx answers of the HTTP API in 5 minutes. */
  api5xx: z.number().int().min(1).default(5),
  /** Errors of any one function in 5 minutes. */
  functionErrors: z.number().int().min(1).default(5),
  /** Outbound success rate over 15 minutes, in percent, below which the alarm fires. */
  deliverySuccessRatePercent: z.number().min(1).max(100).default(95),
});

const reserved = z.number().int().min(1).max(10_000);

export const operationsSchema = z.strictObject({
  /** Append every status change to the status log behind `GET /api/v1/stream` (one small write each). */
  statusStream: z.boolean().default(true),
  alarms: alarmsSchema.prefault({}),
  /** Who is told when an alarm changes state (the on-call SNS topic's subscriptions). */
  onCall: z
    .strictObject({
      emails: z.array(z.email()).default([]),
      /** HTTPS endpoints such as a paging service's integration URL. */
      httpsEndpoints: z.array(z.url({ protocol: /^https$/ })).default([]),
    })
    .prefault({}),
  /** Lambda active tracing (X-Ray); costs nothing at cold start, adds trace segments per invoke. */
  tracing: z.boolean().default(true),
  /**
   * Reserved concurrency per function (none by default: the functions share the account's
   * unreserved pool, and the queue consumers are bounded by `maximumConcurrency` instead).
   */
  reservedConcurrency: z
    .strictObject({
      ingress: reserved,
      processor: reserved,
      api: reserved,
      stream: reserved,
      dispatcher: reserved,
      deliver: reserved,
      reconciler: reserved,
    })
    .partial()
    .default({}),
});

export type OperationsSettings = z.infer<typeof operationsSchema>;

export const configSchema = z
  .strictObject({
    /** Optional pointer to a JSON schema for editors; ignored otherwise. */
    $schema: z.string().optional(),
    /** Names resources and the metrics namespace. */
    service: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/)
      .default('webhooks'),
    sources: z.array(sourceSchema).min(1),
    inbound: inboundSchema.prefault({}),
    outbound: outboundSchema.prefault({}),
    operations: operationsSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, index) => {
      if (seen.has(source.name)) {
        ctx.addIssue({ code: 'custom', path: ['sources', index, 'name'], message: `duplicate source name "${source.name}"` });
      }
      seen.add(source.name);
    });
    if (config.sources.some((source) => source.destinations) && config.inbound.claimCheckBytes > DESTINATION_INLINE_LIMIT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['inbound', 'claimCheckBytes'],
        message: `at most ${DESTINATION_INLINE_LIMIT_BYTES} with destinations: an inline body is sent in the event, and EventBridge and SNS take at most 256 KiB`,
      });
    }
    const bodyProblem = bodyLimitProblem(config.inbound.maxBodyBytes);
    if (bodyProblem) ctx.addIssue({ code: 'custom', path: ['inbound', 'maxBodyBytes'], message: bodyProblem });
    // Lambda throttles an event source mapping that may run more instances than the function's
    // reserved concurrency allows; the messages return to the queue and count towards the DLQ.
    const reservedFor = config.operations.reservedConcurrency;
    for (const [fn, maximum, path] of [
      ['processor', config.inbound.maximumConcurrency, ['inbound', 'maximumConcurrency']],
      ['dispatcher', config.outbound.maximumConcurrency, ['outbound', 'maximumConcurrency']],
    ] as const) {
      const limit = reservedFor[fn];
      if (limit !== undefined && maximum > limit) {
        ctx.addIssue({
          code: 'custom',
          path: [...path],
          message: `${maximum} exceeds operations.reservedConcurrency.${fn} (${limit}): the event source mapping would be throttled; set it to at most ${limit}`,
        });
      }
    }
  });

export type GatewayConfig = z.infer<typeof configSchema>;
export type InboundSettings = GatewayConfig['inbound'];

function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}
