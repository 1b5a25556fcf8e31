/**
 * Management API routes of the sending side: endpoints (with their signing secrets), messages,
 * attempts, manual retry and replay.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { OutboundSettings } from '../config/schema';
import { NotFoundError, ValidationError } from '../errors';
import { jsonResponse } from '../http/responses';
import type { ApiRequest, Router } from '../http/router';
import type { EndpointStore } from '../outbound/endpoint-store';
import type { MessageStore } from '../outbound/message-store';
import type { Delivery, Endpoint, Message } from '../outbound/model';
import { EVENT_TYPE, publishRequestSchema, type OutboundQueue } from '../outbound/outbound-queue';
import { publishMessage, type PublishDeps } from '../outbound/publish';
import { liveSecrets } from '../outbound/deliver';
import { checkExpression } from '../outbound/routing';
import { generateEndpointSecret } from '../outbound/signing';
import { resolvePublicAddresses, validateTargetUrl } from '../outbound/ssrf';
import { decodeCursor, encodeCursor } from '../store/cursor';
import type { PayloadStore } from '../store/payload-store';

export interface OutboundRoutesDeps {
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
  readonly payloads: PayloadStore;
  readonly queue: OutboundQueue;
  readonly settings: OutboundSettings;
  /** Private and loopback targets allowed (the local runtime), else refused. */
  readonly allowPrivateTargets: boolean;
  /** Resolves a host for the SSRF check at creation (injected in tests). */
  readonly resolve?: typeof resolvePublicAddresses;
  readonly now?: () => Date;
}

/** How long the previous secret keeps signing after a rotation. */
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

const eventTypePattern = z
  .string()
  .refine((value) => value === '*' || EVENT_TYPE.test(value.endsWith('.*') ? value.slice(0, -2) : value), 'an event type, a "prefix.*" wildcard, or "*"');
const expression = z.string().min(1).max(4096);
const scheme = z.enum(['standard', 'x-webhook', 'x-wss']);

const createEndpointBody = z.strictObject({
  url: z.string().min(1).max(2048),
  eventTypes: z.array(eventTypePattern).max(100).optional(),
  tenantId: z.string().min(1).max(200).optional(),
  description: z.string().max(500).optional(),
  filter: expression.optional(),
  transform: expression.optional(),
  signatureScheme: scheme.optional(),
});

const updateEndpointBody = z
  .strictObject({
    url: z.string().min(1).max(2048).optional(),
    eventTypes: z.array(eventTypePattern).max(100).optional(),
    description: z.string().max(500).nullable().optional(),
    filter: expression.nullable().optional(),
    transform: expression.nullable().optional(),
    signatureScheme: scheme.optional(),
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

export function registerOutboundRoutes(router: Router, deps: OutboundRoutesDeps): Router {
  const now = () => deps.now?.() ?? new Date();
  const publishDeps: PublishDeps = { messages: deps.messages, payloads: deps.payloads, queue: deps.queue, settings: deps.settings, ...(deps.now ? { now: deps.now } : {}) };

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

  return router
    .add('POST', '/api/v1/endpoints', async (request) => {
      const body = request.json(createEndpointBody);
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
        ...(body.tenantId ? { tenantId: body.tenantId } : {}),
        ...(body.description ? { description: body.description } : {}),
        ...(body.filter ? { filter: body.filter } : {}),
        ...(body.transform ? { transform: body.transform } : {}),
      };
      await deps.endpoints.create(endpoint);
      return jsonResponse(201, { ...endpointView(endpoint), secret });
    })
    .add('GET', '/api/v1/endpoints', async (request) => {
      const tenantId = request.query.tenantId;
      const endpoints = (await deps.endpoints.listAll()).filter((endpoint) => !tenantId || endpoint.tenantId === tenantId);
      return jsonResponse(200, { endpoints: endpoints.map(endpointView) });
    })
    .add('GET', '/api/v1/endpoints/:id', async ({ params }) => jsonResponse(200, endpointView(await deps.endpoints.require(params.id!))))
    .add('GET', '/api/v1/endpoints/:id/secret', async ({ params }) => {
      const endpoint = await deps.endpoints.require(params.id!);
      // The previous secret only while it still signs (24 h after a rotation).
      const live = new Set(liveSecrets(endpoint, now()));
      return jsonResponse(200, { secret: endpoint.secrets[0]?.secret, previous: endpoint.secrets.slice(1).filter((entry) => live.has(entry.secret)) });
    })
    .add('PATCH', '/api/v1/endpoints/:id', async (request) => {
      const body = request.json(updateEndpointBody);
      checkExpressions(body);
      const url = body.url === undefined ? undefined : await checkTarget(body.url);
      const endpoint = await deps.endpoints.update(request.params.id!, { ...body, ...(url ? { url } : {}) }, now());
      return jsonResponse(200, endpointView(endpoint));
    })
    .add('DELETE', '/api/v1/endpoints/:id', async ({ params }) => {
      if (!(await deps.endpoints.delete(params.id!))) throw new NotFoundError('no endpoint with this id', 'endpoint_not_found');
      return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
    })
    .add('POST', '/api/v1/endpoints/:id/rotate-secret', async ({ params }) => {
      const at = now();
      const secret = generateEndpointSecret();
      const endpoint = await deps.endpoints.rotateSecret(params.id!, secret, at, new Date(at.getTime() + ROTATION_OVERLAP_MS));
      return jsonResponse(200, { secret, previousExpiresAt: endpoint.secrets[1]?.expiresAt });
    })
    .add('POST', '/api/v1/endpoints/:id/replay', async (request) => {
      const { since } = request.json(replayBody);
      const endpoint = await deps.endpoints.require(request.params.id!);
      const work: Array<{ kind: 'retry'; messageId: string; endpointId: string }> = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await deps.messages.listEndpointDeliveries(endpoint.id, { since: new Date(since).toISOString(), ...(cursor ? { cursor } : {}) });
        for (const delivery of page.deliveries) {
          if (delivery.status === 'failed' || delivery.status === 'exhausted') work.push({ kind: 'retry', messageId: delivery.messageId, endpointId: endpoint.id });
        }
        cursor = page.next;
      } while (cursor);
      await deps.queue.sendAll(work);
      return jsonResponse(202, { queued: work.length });
    })
    .add('POST', '/api/v1/messages', async (request) => {
      const body = request.json(publishRequestSchema);
      const { message, created } = await publishMessage(publishDeps, body);
      return jsonResponse(202, { ...messageView(message), duplicate: !created });
    })
    .add('GET', '/api/v1/messages', async ({ query }) => {
      const parsed = listMessagesQuery.safeParse(query);
      if (!parsed.success) throw new ValidationError(`${parsed.error.issues[0]?.path.join('.') || 'query'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const { endpointId, status, since, limit, cursor } = parsed.data;
      if (endpointId) {
        const page = await deps.messages.listEndpointDeliveries(endpointId, {
          limit,
          ...(status ? { status } : {}),
          ...(since ? { since: new Date(since).toISOString() } : {}),
          ...(cursor ? { cursor: decodeCursor(cursor) } : {}),
        });
        return jsonResponse(200, { deliveries: page.deliveries, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });
      }
      if (status) throw new ValidationError('status: filtering by delivery status needs an endpointId', 'invalid_request');
      const page = await deps.messages.listMessages({ limit, ...(since ? { since: new Date(since).toISOString() } : {}), ...(cursor ? { cursor: decodeCursor(cursor) } : {}) });
      return jsonResponse(200, { messages: page.messages.map((m) => messageView(m)), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });
    })
    .add('GET', '/api/v1/messages/:id', async ({ params }) => {
      const message = await requireMessage(deps.messages, params.id!);
      return jsonResponse(200, messageView(message, await deps.messages.listDeliveries(message.id)));
    })
    .add('GET', '/api/v1/messages/:id/attempts', async ({ params, query }) => {
      const message = await requireMessage(deps.messages, params.id!);
      const attempts = await deps.messages.listAttempts(message.id, query.endpointId);
      return jsonResponse(200, { attempts });
    })
    .add('POST', '/api/v1/messages/:id/retry', async (request: ApiRequest) => {
      const body = request.json(retryBody);
      const message = await requireMessage(deps.messages, request.params.id!);
      const deliveries = await deps.messages.listDeliveries(message.id);
      const chosen = body?.endpointId ? deliveries.filter((d) => d.endpointId === body.endpointId) : deliveries.filter((d) => d.status !== 'succeeded');
      if (body?.endpointId && chosen.length === 0) throw new NotFoundError('this message has no delivery to that endpoint', 'delivery_not_found');
      await deps.queue.sendAll(chosen.map((d) => ({ kind: 'retry' as const, messageId: message.id, endpointId: d.endpointId })));
      return jsonResponse(202, { queued: chosen.length });
    });
}

async function requireMessage(messages: MessageStore, id: string): Promise<Message> {
  const message = await messages.getMessage(id);
  if (!message) throw new NotFoundError('no message with this id', 'message_not_found');
  return message;
}

function isIpLiteral(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.startsWith('[');
}

