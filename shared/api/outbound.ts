/**
 * Management API routes of the sending side: endpoints (with their signing secrets and headers),
 * messages and their payloads, attempts, manual retry, replay, a test send, and the evaluation of
 * a filter and transform against a sample payload. Each route is written against a tenant scope
 * (./scope.ts): mounted under `/api/v1` for operators, and the tenant routes under `/portal/api`
 * for one tenant's portal.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { OutboundSettings } from '../config/schema';
import { ForbiddenError, NotFoundError, PayloadTooLargeError, ValidationError } from '../errors';
import { jsonResponse, type HttpResponse } from '../http/responses';
import type { ApiRequest, Router } from '../http/router';
import { validated } from '../http/validation';
import type { EndpointStore } from '../outbound/endpoint-store';
import type { DeliveryStore } from '../outbound/delivery-store';
import type { MessageStore } from '../outbound/message-store';
import type { Delivery, Endpoint, Message } from '../outbound/model';
import { EVENT_TYPE, isEventTypePattern } from '../event-types';
import { publishRequestSchema, type OutboundQueue } from '../outbound/outbound-queue';
import { isOperationalEventType, OPERATIONAL_PREFIX, publishEndpointEnabled, publishOperationalEvent } from '../outbound/operational-events';
import { publishMessage, type PublishDeps } from '../outbound/publish';
import { loadPayload } from '../outbound/prepare';
import { checkExpression, ExpressionError, shapePayload } from '../outbound/routing';
import { HEADER_NAME, HEADER_VALUE, MAX_ENDPOINT_HEADERS, MAX_HEADER_VALUE_LENGTH, RESERVED_HEADER } from '../outbound/endpoint-headers';
import { generateEndpointSecret, liveSecrets } from '../outbound/signing';
import { resolvePublicAddresses, validateTargetUrl } from '../outbound/ssrf';
import { decodeCursor, encodeCursor } from '../store/cursor';
import type { PayloadStore } from '../store/payload-store';
import { EVERY_TENANT, inScope, mountRoutes, type ScopedRoute, type TenantScope } from './scope';
import { timeOf, type Clocked } from '../clock';

export interface OutboundRoutesDeps extends Clocked {
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
  readonly deliveries: DeliveryStore;
  readonly payloads: PayloadStore;
  readonly queue: OutboundQueue;
  readonly settings: OutboundSettings;
  /** Private and loopback targets allowed (the local runtime), else refused. */
  readonly allowPrivateTargets: boolean;
  /** Resolves a host for the SSRF check at creation (injected in tests). */
  readonly resolve?: typeof resolvePublicAddresses;
}

/** How long the previous secret keeps signing after a rotation. */
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

const eventTypePattern = z.string().refine(isEventTypePattern, 'an event type, a "prefix.*" wildcard, or "*"');
const expression = z.string().min(1).max(4096);
const scheme = z.enum(['standard', 'x-webhook', 'x-wss']);

const headerName = z
  .string()
  .regex(HEADER_NAME, "a header name (letters, digits and !#$%&'*+.^_`|~-, at most 100)")
  .transform((name) => name.toLowerCase())
  .refine((name) => !RESERVED_HEADER.test(name), 'this header is set by the gateway (signatures, content, transport) and cannot be configured');
const headerValue = z.string().max(MAX_HEADER_VALUE_LENGTH).regex(HEADER_VALUE, 'a header value may not contain line breaks or NUL');
const endpointHeaders = z
  .record(headerName, headerValue)
  .refine((headers) => Object.keys(headers).length <= MAX_ENDPOINT_HEADERS, `at most ${MAX_ENDPOINT_HEADERS} headers`);

/** Deliveries per second: a tenth to a thousand. */
const rateLimit = z.number().min(0.1).max(1000);
/** Requests open at once. */
const maxInFlight = z.number().int().min(1).max(100);

const createEndpointBody = z.strictObject({
  url: z.string().min(1).max(2048),
  eventTypes: z.array(eventTypePattern).max(100).optional(),
  tenantId: z.string().min(1).max(200).optional(),
  description: z.string().max(500).optional(),
  filter: expression.optional(),
  transform: expression.optional(),
  signatureScheme: scheme.optional(),
  headers: endpointHeaders.optional(),
  rateLimit: rateLimit.optional(),
  maxInFlight: maxInFlight.optional(),
});

const updateEndpointBody = z
  .strictObject({
    url: z.string().min(1).max(2048).optional(),
    eventTypes: z.array(eventTypePattern).max(100).optional(),
    description: z.string().max(500).nullable().optional(),
    filter: expression.nullable().optional(),
    transform: expression.nullable().optional(),
    signatureScheme: scheme.optional(),
    headers: endpointHeaders.nullable().optional(),
    rateLimit: rateLimit.nullable().optional(),
    maxInFlight: maxInFlight.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

const listMessagesQuery = z.strictObject({
  endpointId: z.string().min(1).optional(),
  status: z.enum(['pending', 'retrying', 'succeeded', 'failed', 'exhausted']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

const retryBody = z.strictObject({ endpointId: z.string().min(1).optional() }).optional();
const replayBody = z.strictObject({ since: z.iso.datetime({ offset: true }) });
const testBody = z
  .strictObject({
    eventType: z.string().regex(EVENT_TYPE, 'letters, digits and . _ : / - (max 200)').optional(),
    payload: z.unknown().optional(),
  })
  .optional();
const evaluateBody = z.strictObject({
  payload: z.unknown().refine((value) => value !== undefined, 'payload is required'),
  filter: expression.nullable().optional(),
  transform: expression.nullable().optional(),
});

/** The largest sample payload an evaluation takes (as JSON). */
const MAX_SAMPLE_BYTES = 256 * 1024;
/** The event type of a test send unless the caller names one. */
export const TEST_EVENT_TYPE = 'webhook.test';

export function endpointView(endpoint: Endpoint): Record<string, unknown> {
  const { secrets: _secrets, ...view } = endpoint;
  return view;
}

export function messageView(message: Message, deliveries?: readonly Delivery[]): Record<string, unknown> {
  const { payload: _payload, ...view } = message;
  return { ...view, ...(deliveries ? { deliveries } : {}) };
}

function newEndpointId(now: Date): string {
  return `ep_${now.getTime().toString(36)}${randomBytes(8).toString('hex')}`;
}

/** One expression's verdict in an evaluation. */
type ExpressionVerdict = { ok: true; passed?: boolean; result?: unknown } | { ok: false; error: { code: string; message: string } };

function expressionError(error: unknown): ExpressionVerdict {
  if (error instanceof ValidationError) return { ok: false, error: { code: error.code, message: error.message } };
  if (error instanceof ExpressionError) return { ok: false, error: { code: 'evaluation_failed', message: error.message } };
  throw error;
}

/**
 * Runs a filter and a transform over a sample payload with the code deliveries use
 * (`shapePayload`), and says what an endpoint with them would be sent: the body, or why nothing.
 */
export async function evaluateExpressions(input: { payload: unknown; filter?: string | null; transform?: string | null }): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  let payload: unknown = input.payload;
  if (input.filter) {
    try {
      checkExpression('filter', input.filter);
      const passed = (await shapePayload({ filter: input.filter }, payload)) !== undefined;
      result.filter = { ok: true, passed } satisfies ExpressionVerdict;
      if (!passed) return { ...result, outcome: 'filtered' };
    } catch (error) {
      return { ...result, filter: expressionError(error), outcome: 'failed' };
    }
  }
  if (input.transform) {
    try {
      checkExpression('transform', input.transform);
      const shaped = await shapePayload({ transform: input.transform }, payload);
      payload = shaped?.payload;
      result.transform = { ok: true, result: payload ?? null } satisfies ExpressionVerdict;
    } catch (error) {
      return { ...result, transform: expressionError(error), outcome: 'failed' };
    }
  }
  // Exactly what a delivery serializes (shared/outbound/signing.ts).
  return { ...result, outcome: 'sent', body: JSON.stringify(payload ?? null) };
}

/**
 * The sending side's routes, each against a tenant scope. `portal` marks those a tenant's portal
 * offers; publishing a message is for operators and internal producers only.
 */
export function outboundRoutes(deps: OutboundRoutesDeps): ScopedRoute[] {
  const now = () => timeOf(deps);
  const publishDeps: PublishDeps = {
    messages: deps.messages,
    payloads: deps.payloads,
    queue: deps.queue,
    settings: deps.settings,
    ...(deps.now ? { now: deps.now } : {}),
  };

  async function checkTarget(url: string): Promise<string> {
    const parsed = validateTargetUrl(url, { allowPrivate: deps.allowPrivateTargets, requireHttps: deps.settings.requireHttps && !deps.allowPrivateTargets });
    if (!deps.allowPrivateTargets && !isIpLiteral(parsed.hostname)) {
      try {
        await (deps.resolve ?? resolvePublicAddresses)(parsed.hostname);
      } catch (error) {
        // A host that does not resolve yet is accepted (checked again at every attempt); one
        // that resolves to a private address is not.
        if ((error as { code?: string }).code !== 'ENOTFOUND' && (error as { code?: string }).code !== 'EAI_AGAIN') throw error;
      }
    }
    return parsed.toString();
  }

  function checkExpressions(body: { filter?: string | null; transform?: string | null }): void {
    if (body.filter) checkExpression('filter', body.filter);
    if (body.transform) checkExpression('transform', body.transform);
  }

  /** The endpoint, when it exists and is in scope; a 404 otherwise (the same answer for both). */
  async function requireEndpoint(id: string, scope: TenantScope): Promise<Endpoint> {
    const endpoint = await deps.endpoints.get(id);
    if (!endpoint || !inScope(scope, endpoint.tenantId)) throw new NotFoundError('no endpoint with this id', 'endpoint_not_found');
    return endpoint;
  }

  async function requireScopedMessage(id: string, scope: TenantScope): Promise<Message> {
    const message = await requireMessage(deps.messages, id);
    if (!inScope(scope, message.tenantId)) throw new NotFoundError('no message with this id', 'message_not_found');
    return message;
  }

  const route = (method: string, path: string, portal: boolean, handler: (request: ApiRequest, scope: TenantScope) => Promise<HttpResponse>): ScopedRoute => ({
    method,
    path,
    portal,
    handler,
  });

  return [
    route('POST', '/endpoints', true, async (request, scope) => {
      const body = request.json(createEndpointBody);
      if (scope.tenantId !== undefined && body.tenantId !== undefined && body.tenantId !== scope.tenantId) {
        throw new ForbiddenError('an endpoint can only be created for the tenant of the portal');
      }
      const tenantId = scope.tenantId ?? body.tenantId;
      checkExpressions(body);
      const at = now();
      const secret = generateEndpointSecret();
      const endpoint: Endpoint = {
        id: newEndpointId(at),
        url: await checkTarget(body.url),
        eventTypes: body.eventTypes ?? [],
        signatureScheme: body.signatureScheme ?? 'standard',
        enabled: true,
        secrets: [{ secret, createdAt: at.toISOString() }],
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
        ...(tenantId ? { tenantId } : {}),
        ...(body.description ? { description: body.description } : {}),
        ...(body.filter ? { filter: body.filter } : {}),
        ...(body.transform ? { transform: body.transform } : {}),
        ...(body.headers && Object.keys(body.headers).length ? { headers: body.headers } : {}),
        ...(body.rateLimit !== undefined ? { rateLimit: body.rateLimit } : {}),
        ...(body.maxInFlight !== undefined ? { maxInFlight: body.maxInFlight } : {}),
      };
      await deps.endpoints.create(endpoint);
      return jsonResponse(201, { ...endpointView(endpoint), secret });
    }),
    route('GET', '/endpoints', true, async (request, scope) => {
      const tenantId = scope.tenantId ?? request.query.tenantId;
      const endpoints = (await deps.endpoints.listAll()).filter((endpoint) => !tenantId || endpoint.tenantId === tenantId);
      return jsonResponse(200, { endpoints: endpoints.map(endpointView) });
    }),
    route('GET', '/endpoints/:id', true, async ({ params }, scope) => jsonResponse(200, endpointView(await requireEndpoint(params.id!, scope)))),
    route('GET', '/endpoints/:id/secret', true, async ({ params }, scope) => {
      const endpoint = await requireEndpoint(params.id!, scope);
      // The previous secret only while it still signs (24 h after a rotation).
      const live = new Set(liveSecrets(endpoint, now()));
      return jsonResponse(200, { secret: endpoint.secrets[0]?.secret, previous: endpoint.secrets.slice(1).filter((entry) => live.has(entry.secret)) });
    }),
    route('PATCH', '/endpoints/:id', true, async (request, scope) => {
      const body = request.json(updateEndpointBody);
      checkExpressions(body);
      if (scope.tenantId !== undefined) await requireEndpoint(request.params.id!, scope);
      const url = body.url === undefined ? undefined : await checkTarget(body.url);
      const headers = body.headers === undefined ? undefined : body.headers && Object.keys(body.headers).length ? body.headers : null;
      const before = body.enabled === undefined ? undefined : await deps.endpoints.get(request.params.id!);
      const endpoint = await deps.endpoints.update(
        request.params.id!,
        { ...body, ...(url ? { url } : {}), ...(headers !== undefined ? { headers } : {}) },
        now(),
      );
      // Operational events: an operator enabling or disabling an endpoint.
      if (before && !before.enabled && endpoint.enabled) await publishEndpointEnabled(publishDeps, endpoint, now());
      if (before?.enabled && !endpoint.enabled) {
        await publishOperationalEvent(
          { ...publishDeps, endpoints: deps.endpoints },
          { type: 'endpoint.disabled', endpointId: endpoint.id, reason: 'disabled by an operator' },
        );
      }
      return jsonResponse(200, endpointView(endpoint));
    }),
    route('DELETE', '/endpoints/:id', true, async ({ params }, scope) => {
      if (scope.tenantId !== undefined) await requireEndpoint(params.id!, scope);
      if (!(await deps.endpoints.delete(params.id!))) throw new NotFoundError('no endpoint with this id', 'endpoint_not_found');
      return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
    }),
    route('POST', '/endpoints/:id/rotate-secret', true, async ({ params }, scope) => {
      if (scope.tenantId !== undefined) await requireEndpoint(params.id!, scope);
      const at = now();
      const secret = generateEndpointSecret();
      const endpoint = await deps.endpoints.rotateSecret(params.id!, secret, at, new Date(at.getTime() + ROTATION_OVERLAP_MS));
      return jsonResponse(200, { secret, previousExpiresAt: endpoint.secrets[1]?.expiresAt });
    }),
    route('POST', '/endpoints/:id/replay', true, async (request, scope) => {
      const { since } = request.json(replayBody);
      const endpoint = await requireEndpoint(request.params.id!, scope);
      const work: Array<{ kind: 'retry'; messageId: string; endpointId: string }> = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await deps.deliveries.listEndpointDeliveries(endpoint.id, { since: new Date(since).toISOString(), ...(cursor ? { cursor } : {}) });
        for (const delivery of page.deliveries) {
          if (delivery.status === 'failed' || delivery.status === 'exhausted')
            work.push({ kind: 'retry', messageId: delivery.messageId, endpointId: endpoint.id });
        }
        cursor = page.next;
      } while (cursor);
      await deps.queue.sendAll(work);
      return jsonResponse(202, { queued: work.length });
    }),
    route('POST', '/endpoints/:id/test', true, async (request, scope) => {
      const body = request.json(testBody);
      const endpoint = await requireEndpoint(request.params.id!, scope);
      const at = now();
      const eventType = body?.eventType ?? TEST_EVENT_TYPE;
      const payload = body?.payload ?? {
        type: eventType,
        test: true,
        message: 'A test message from the webhook gateway',
        endpointId: endpoint.id,
        sentAt: at.toISOString(),
      };
      const { message } = await publishMessage(publishDeps, {
        eventType,
        payload,
        endpointId: endpoint.id,
        ...(endpoint.tenantId ? { tenantId: endpoint.tenantId } : {}),
      });
      return jsonResponse(202, messageView(message));
    }),
    route('POST', '/expressions/evaluate', true, async (request) => {
      const body = request.json(evaluateBody);
      if (Buffer.byteLength(JSON.stringify(body.payload)) > MAX_SAMPLE_BYTES)
        throw new PayloadTooLargeError(`the sample payload exceeds ${MAX_SAMPLE_BYTES / 1024} KiB`);
      return jsonResponse(200, await evaluateExpressions(body));
    }),
    route('POST', '/messages', false, async (request) => {
      const body = request.json(publishRequestSchema);
      if (isOperationalEventType(body.eventType)) {
        throw new ValidationError(`eventType: "${OPERATIONAL_PREFIX}*" is the gateway's own (operational events)`, 'reserved_event_type');
      }
      const { message, created } = await publishMessage(publishDeps, body);
      return jsonResponse(202, { ...messageView(message), duplicate: !created });
    }),
    route('GET', '/messages', true, async ({ query }, scope) => {
      const { endpointId, status, since, limit, cursor } = validated(listMessagesQuery, query, 'query');
      if (endpointId) {
        if (scope.tenantId !== undefined) await requireEndpoint(endpointId, scope);
        const page = await deps.deliveries.listEndpointDeliveries(endpointId, {
          limit,
          ...(status ? { status } : {}),
          ...(since ? { since: new Date(since).toISOString() } : {}),
          ...(cursor ? { cursor: decodeCursor(cursor) } : {}),
        });
        return jsonResponse(200, { deliveries: page.deliveries, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });
      }
      if (scope.tenantId !== undefined) throw new ValidationError('endpointId: the portal lists the deliveries of one endpoint at a time', 'invalid_request');
      if (status) throw new ValidationError('status: filtering by delivery status needs an endpointId', 'invalid_request');
      const page = await deps.messages.listMessages({
        limit,
        ...(since ? { since: new Date(since).toISOString() } : {}),
        ...(cursor ? { cursor: decodeCursor(cursor) } : {}),
      });
      return jsonResponse(200, { messages: page.messages.map((m) => messageView(m)), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });
    }),
    route('GET', '/messages/:id', true, async ({ params }, scope) => {
      const message = await requireScopedMessage(params.id!, scope);
      const deliveries = (await deps.deliveries.listDeliveries(message.id)).filter((delivery) => inScope(scope, delivery.tenantId));
      return jsonResponse(200, messageView(message, deliveries));
    }),
    route('GET', '/messages/:id/payload', true, async ({ params }, scope) => {
      const message = await requireScopedMessage(params.id!, scope);
      return jsonResponse(200, { id: message.id, eventType: message.eventType, payload: await loadPayload(message, deps.payloads) });
    }),
    route('GET', '/messages/:id/attempts', true, async ({ params, query }, scope) => {
      const message = await requireScopedMessage(params.id!, scope);
      const attempts = await deps.deliveries.listAttempts(message.id, query.endpointId);
      return jsonResponse(200, { attempts });
    }),
    route('POST', '/messages/:id/retry', true, async (request, scope) => {
      const body = request.json(retryBody);
      const message = await requireScopedMessage(request.params.id!, scope);
      const deliveries = (await deps.deliveries.listDeliveries(message.id)).filter((delivery) => inScope(scope, delivery.tenantId));
      const chosen = body?.endpointId ? deliveries.filter((d) => d.endpointId === body.endpointId) : deliveries.filter((d) => d.status !== 'succeeded');
      if (body?.endpointId && chosen.length === 0) throw new NotFoundError('this message has no delivery to that endpoint', 'delivery_not_found');
      await deps.queue.sendAll(chosen.map((d) => ({ kind: 'retry' as const, messageId: message.id, endpointId: d.endpointId })));
      return jsonResponse(202, { queued: chosen.length });
    }),
  ];
}

/** The operator's routes under `/api/v1`. */
export function registerOutboundRoutes(router: Router, deps: OutboundRoutesDeps): Router {
  return mountRoutes(router, '/api/v1', outboundRoutes(deps), () => EVERY_TENANT);
}

async function requireMessage(messages: MessageStore, id: string): Promise<Message> {
  const message = await messages.getMessage(id);
  if (!message) throw new NotFoundError('no message with this id', 'message_not_found');
  return message;
}

function isIpLiteral(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.startsWith('[');
}
