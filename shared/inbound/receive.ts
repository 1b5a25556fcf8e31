/**
 * Receiving one webhook: refuse what is not allowed, verify the signature over the raw bytes,
 * record the event once (conditional put on the provider's event id), and queue it. The
 * provider gets a 2xx only when the event is durable and queued; when the queue refuses it the
 * provider gets a 503 and its retry, meeting the existing record, queues it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import type { GatewayConfig, SourceConfig } from '../config/schema';
import {
  DependencyError,
  EventInFlightError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  SignatureError,
  ValidationError,
} from '../errors';
import { providerFor } from '../signatures';
import type { HandshakeResponse, HandshakeSecretStore, Provider, SignedRequest } from '../signatures/types';
import type { PayloadStore } from '../store/payload-store';
import { isPermanentRefusal } from '../store/dynamodb-limits';
import { epochSeconds, expiresAfter } from '../store/ttl';
import type { EventQueue } from './event-queue';
import type { EventIntake, InboundEventSummary, StoredBody } from './event-store';
import { keptHeaders } from './kept-headers';
import { checkRecordLimits } from './record-limits';
import { bodyDigest, type ReplayDigestStore } from './replay-window';
import { ENQUEUE_LEASE_MS, isStuck } from './stuck';
import type { SecretSource } from './secrets';
import { timeOf, type Clocked } from '../clock';

export interface ReceiveDeps extends Clocked {
  readonly config: GatewayConfig;
  readonly secrets: SecretSource;
  readonly store: EventIntake;
  readonly queue: EventQueue;
  readonly payloads: PayloadStore;
  /** Identifies this request as the holder of an enqueue lease. */
  readonly newRequestId?: () => string;
  /**
   * Told of each newly queued event (the live status stream), concurrently with the record's
   * last write so the acknowledgement waits for neither twice. Must not throw.
   */
  readonly onQueued?: (event: { source: string; eventId: string; eventType: string }) => Promise<void>;
  /** Where body digests are held for the sources with a `replayWindowSeconds`; without it no window applies. */
  readonly replayDigests?: ReplayDigestStore;
  /** Where secrets handed over in a handshake (Asana's) are kept; without it such handshakes are refused. */
  readonly handshakeSecrets?: HandshakeSecretStore;
}

export interface InboundRequest extends SignedRequest {
  /** The `{source}` path segment. */
  readonly sourceName: string;
  /** The caller's address as the edge saw it. */
  readonly sourceIp?: string;
}

export type ReceiveOutcome =
  | {
      readonly kind: 'accepted';
      readonly source: SourceConfig;
      readonly eventId: string;
      readonly eventType: string;
      /** True when this request found the event already recorded and queued. */
      readonly duplicate: boolean;
      /**
       * True when this request queued an event a previous attempt had stored but not queued, or
       * queued again one that was accepted but stuck (shared/inbound/stuck.ts: its message lost).
       */
      readonly recovered: boolean;
      /** True when the event was accepted before but stuck (its message lost) and this request queued it again: counted, alarmed on. */
      readonly reconciled: boolean;
      /** The event is queued but its record still says `received` (harmless; logged). */
      readonly statusUpdateFailed: boolean;
      /** The answer the provider requires instead of the JSON acknowledgement (Discord, Adyen). */
      readonly acknowledgement?: HandshakeResponse;
    }
  | { readonly kind: 'handshake'; readonly source: SourceConfig; readonly response: HandshakeResponse };

/** Inline bodies larger than this are gzipped when that makes them smaller (fewer write units). */
const COMPRESS_ABOVE_BYTES = 1024;

/** Finds a source by its URL segment. */
export function findSource(config: GatewayConfig, name: string): SourceConfig {
  const source = config.sources.find((candidate) => candidate.name === name);
  if (!source) throw new NotFoundError('no source is configured under this name', 'source_not_found');
  return source;
}

/**
 * Receives one webhook.
 *
 * @example
 * const outcome = await receiveWebhook(deps, { sourceName: 'stripe', body, headers, url, sourceIp });
 */
export async function receiveWebhook(deps: ReceiveDeps, request: InboundRequest): Promise<ReceiveOutcome> {
  const now = timeOf(deps);
  const source = findSource(deps.config, request.sourceName);

  if (request.body.length > deps.config.inbound.maxBodyBytes) {
    throw new PayloadTooLargeError(`body exceeds ${deps.config.inbound.maxBodyBytes} bytes`);
  }
  if (source.allowedCidrs && !addressAllowed(request.sourceIp, source.allowedCidrs)) {
    throw new ForbiddenError('caller address is not allowed for this source');
  }

  const provider = providerFor(source);
  const method = request.method ?? 'POST';
  if (method !== 'POST' && !(method === 'GET' && provider.answersGet)) {
    throw new MethodNotAllowedError(`${method} is not answered for this source; providers post their webhooks`);
  }
  // Unsigned handshakes (a GET challenge, a validation token, a secret handed over) are
  // answered before any signature check, and never stored or queued.
  const handshake = await answerHandshake(deps, provider, source, request, now);
  if (handshake) return { kind: 'handshake', source, response: handshake };
  if (method !== 'POST') throw new ValidationError(`a ${method} request to this source carries a challenge, and this one has none`, 'missing_challenge');

  const context = await verifySignature(deps, provider, source, request, now);

  const identified = provider.identify(request, context);
  if (identified.kind === 'handshake') return { kind: 'handshake', source, response: identified.response };
  const { eventId, eventType } = identified;
  const acknowledgement = identified.acknowledgement ? { acknowledgement: identified.acknowledgement } : {};

  const owner = deps.newRequestId?.() ?? randomUUID();
  const nowMs = now.getTime();
  const headers = keptHeaders(source, request.headers);
  // Before anything is written: what the store would refuse is refused here, as a 400.
  checkRecordLimits({
    source: source.name,
    eventId,
    eventType,
    receivedAt: now.toISOString(),
    headers,
    inlineBodyBytes: request.body.length > deps.config.inbound.claimCheckBytes ? 0 : request.body.length,
    ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
  });
  const accepted = { kind: 'accepted', source, eventId, eventType, ...acknowledgement } as const;
  // A source's replay window: the same body under another id within it is a replay of the first.
  if (source.replayWindowSeconds !== undefined && deps.replayDigests) {
    const digests = deps.replayDigests;
    const holder = await dependency('the replay digest store', () =>
      digests.claim(source.name, bodyDigest(request.body), eventId, { nowMs, untilMs: nowMs + source.replayWindowSeconds! * 1000 }),
    );
    if (holder !== eventId) return { ...accepted, eventId: holder, duplicate: true, recovered: false, reconciled: false, statusUpdateFailed: false };
  }
  const body = await storeBody(deps, source.name, eventId, request);
  const put = await dependency('the event store', () =>
    deps.store.putNew(
      {
        source: source.name,
        eventId,
        eventType,
        receivedAt: now.toISOString(),
        headers,
        bodyBytes: request.body.length,
        body,
        ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
      },
      { owner, nowMs, enqueueLeaseMs: ENQUEUE_LEASE_MS, expiresAt: expiresAfter(now, { days: deps.config.inbound.retentionDays }) },
    ),
  );

  if (!put.created) {
    const state = await dependency('the event store', () => reclaimUnqueued(deps, put.existing, owner, now));
    if (state === 'done') return { ...accepted, duplicate: true, recovered: false, reconciled: false, statusUpdateFailed: false };
    // Another request holds the record but has not queued it yet: it may still fail, and a 2xx
    // here would stop the provider's retries. Ask for a retry; by then it is queued or reclaimable.
    if (state === 'in_flight') throw new EventInFlightError('this event is being accepted by another request; retry the delivery');
    if (state === 'stuck') {
      await dependency('the event queue', () => deps.queue.send({ source: source.name, eventId }));
      return { ...accepted, duplicate: false, recovered: true, reconciled: true, statusUpdateFailed: false };
    }
  }

  try {
    await deps.queue.send({ source: source.name, eventId });
  } catch (error) {
    // Give the lease back so the provider's retry can queue the event at once; the record
    // stays, and a retry that meets it queues it.
    await deps.store.releaseEnqueue(source.name, eventId, owner).catch(() => undefined);
    throw new DependencyError('the event was stored but could not be queued; retry the delivery', { cause: error });
  }

  let statusUpdateFailed = false;
  await Promise.all([
    deps.store.markQueued(source.name, eventId, now).catch(() => {
      // The event is durable and queued; a record left in `received` only means a later
      // duplicate may queue it once more, which the processor's lease makes harmless.
      statusUpdateFailed = true;
    }),
    deps.onQueued?.({ source: source.name, eventId, eventType }),
  ]);
  return { ...accepted, duplicate: false, recovered: !put.created, reconciled: false, statusUpdateFailed };
}

/**
 * Runs a call to a dependency, turning its failure into a retryable `DependencyError`; a request
 * the store refuses as invalid (which no retry can change) is a `ValidationError` instead.
 */
async function dependency<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isPermanentRefusal(error)) throw new ValidationError(`${what} refused the event's record as invalid`, 'record_refused');
    throw new DependencyError(`${what} is unavailable; retry the delivery`, { cause: error });
  }
}

/**
 * What a repeated delivery meets: `done` (the event is queued or further on), `claimed` (it was
 * stuck in `received` — its enqueue failed or its writer died — and this request took it over),
 * `in_flight` (another request holds its enqueue lease right now), or `stuck` (queued or being
 * processed, but unchanged for longer than its message could still be on its way: lost).
 */
async function reclaimUnqueued(
  deps: ReceiveDeps,
  existing: InboundEventSummary,
  owner: string,
  now: Date,
): Promise<'done' | 'claimed' | 'in_flight' | 'stuck'> {
  const nowMs = now.getTime();
  // Accepted long ago and never moved since: its message is lost. Answering "duplicate" would end
  // the provider's retries of an event nothing will process; queue it again instead.
  if (isStuck(existing, now, deps.config)) return 'stuck';
  if (existing.status !== 'received') return 'done';
  const claimed = await deps.store.claimEnqueue(existing.source, existing.eventId, { owner, nowMs, enqueueLeaseMs: ENQUEUE_LEASE_MS });
  if (claimed) return 'claimed';
  // The claim can also fail because the holder just queued it: look again.
  const current = await deps.store.get(existing.source, existing.eventId);
  return current && current.status !== 'received' ? 'done' : 'in_flight';
}

async function answerHandshake(
  deps: ReceiveDeps,
  provider: Provider,
  source: SourceConfig,
  request: SignedRequest,
  now: Date,
): Promise<HandshakeResponse | undefined> {
  if (!provider.handshake) return undefined;
  const secrets = await dependency('the secret store', () => deps.secrets.secretsFor(source.name));
  return provider.handshake(request, {
    secrets,
    sourceName: source.name,
    nowSeconds: epochSeconds(now),
    toleranceSeconds: source.toleranceSeconds,
    now,
    ...(deps.handshakeSecrets ? { handshakeSecrets: wrapStore(deps.handshakeSecrets) } : {}),
  });
}

/** The store with its failures turned into retryable `DependencyError`s. */
function wrapStore(store: HandshakeSecretStore): HandshakeSecretStore {
  return {
    secretsFor: (name) => dependency('the handshake secret store', () => store.secretsFor(name)),
    establish: (name, secret, at) => dependency('the handshake secret store', () => store.establish(name, secret, at)),
  };
}

/** Verifies the request and returns the context it verified under (identify needs it too). */
async function verifySignature(deps: ReceiveDeps, provider: Provider, source: SourceConfig, request: SignedRequest, now: Date) {
  const secretSource = deps.secrets;
  const context = { nowSeconds: epochSeconds(now), toleranceSeconds: source.toleranceSeconds };
  const handshakeSecrets = async () =>
    provider.verifiesWithHandshakeSecrets && deps.handshakeSecrets ? await wrapStore(deps.handshakeSecrets).secretsFor(source.name) : [];
  const secrets = [...(await secretSource.secretsFor(source.name)), ...(await handshakeSecrets())];
  if (secrets.length === 0) throw new SignatureError('no_secret');
  try {
    provider.verify(request, { ...context, secrets });
    return { ...context, secrets };
  } catch (error) {
    // A mismatch right after a rotation may come from a cached secret: read it once more.
    if (!(error instanceof SignatureError) || error.reason !== 'mismatch' || !secretSource.refresh) throw error;
    secretSource.refresh(source.name);
    const fresh = [...(await secretSource.secretsFor(source.name)), ...(await handshakeSecrets())];
    if (fresh.length === 0 || sameSecrets(fresh, secrets)) throw error;
    provider.verify(request, { ...context, secrets: fresh });
    return { ...context, secrets: fresh };
  }
}

function sameSecrets(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((secret, index) => secret === b[index]);
}

function addressAllowed(address: string | undefined, cidrs: readonly string[]): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return cidrs.some((cidr) => {
    const range = ipaddr.parseCIDR(cidr);
    return range[0].kind() === parsed.kind() && parsed.match(range);
  });
}

async function storeBody(deps: ReceiveDeps, source: string, eventId: string, request: InboundRequest): Promise<StoredBody> {
  const body = request.body;
  if (body.length > deps.config.inbound.claimCheckBytes) {
    const key = `inbound/${source}/${createHash('sha256').update(eventId).digest('hex')}`;
    await dependency('the payload store', () => deps.payloads.put(key, body, request.headers['content-type']));
    return { kind: 'object', key };
  }
  if (body.length > COMPRESS_ABOVE_BYTES) {
    const compressed = gzipSync(body);
    if (compressed.length < body.length) return { kind: 'inline', encoding: 'gzip', data: compressed };
  }
  return { kind: 'inline', encoding: 'identity', data: body };
}
