/**
 * Which endpoints a message goes to, and what each receives: event-type subscriptions (exact
 * names and `prefix.*` wildcards), tenant isolation, and per-endpoint JSONata filter and
 * transform over the payload.
 */
import jsonata from 'jsonata';
import { ValidationError } from '../errors';
import { matchesEventType } from '../event-types';
import type { Endpoint } from './model';
import { isOperationalEventType, OPERATIONAL_PREFIX } from './operational-events';

/**
 * `eventTypes` empty means every type; `a.*` matches `a.b` and `a.b.c`; `*` matches all. The
 * gateway's own operational events (`webhooks.*`) go only to endpoints naming them (`webhooks.*`
 * or an exact type), never to "every type".
 */
export function subscribesTo(eventTypes: readonly string[], eventType: string): boolean {
  if (isOperationalEventType(eventType)) return eventTypes.some((pattern) => pattern.startsWith(OPERATIONAL_PREFIX) && matchesEventType(pattern, eventType));
  if (eventTypes.length === 0) return true;
  return eventTypes.some((pattern) => matchesEventType(pattern, eventType));
}

/** Enabled endpoints of the message's tenant (or of no tenant, for a message without one) subscribed to its type. */
export function matchingEndpoints(endpoints: readonly Endpoint[], message: { eventType: string; tenantId?: string }): Endpoint[] {
  return endpoints.filter(
    (endpoint) => endpoint.enabled && (endpoint.tenantId ?? null) === (message.tenantId ?? null) && subscribesTo(endpoint.eventTypes, message.eventType),
  );
}

/** Checks a JSONata expression's syntax; a 400 naming the field otherwise. */
export function checkExpression(field: 'filter' | 'transform', expression: string): void {
  try {
    jsonata(expression);
  } catch (error) {
    const detail = (error as { message?: string }).message ?? 'invalid expression';
    throw new ValidationError(`${field}: not a valid JSONata expression (${detail})`, 'invalid_expression');
  }
}

/** A filter or transform failed while evaluating: the delivery fails and is not retried. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

/**
 * Applies the endpoint's filter, then its transform: `undefined` when the filter excludes the
 * payload, else the payload to send. Throws `ExpressionError` when either fails at run time.
 * The filter decides whether a delivery exists, so the fan-out calls this once per endpoint;
 * later attempts of the delivery only transform (`transformPayload`).
 */
export async function shapePayload(endpoint: Pick<Endpoint, 'filter' | 'transform'>, payload: unknown): Promise<{ payload: unknown } | undefined> {
  if (endpoint.filter) {
    const passes = await evaluate('filter', endpoint.filter, payload);
    if (!passes) return undefined;
  }
  return { payload: await transformPayload(endpoint, payload) };
}

/** The endpoint's transform of the payload (the payload itself without one). Throws `ExpressionError`. */
export async function transformPayload(endpoint: Pick<Endpoint, 'transform'>, payload: unknown): Promise<unknown> {
  return endpoint.transform ? evaluate('transform', endpoint.transform, payload) : payload;
}

async function evaluate(field: string, expression: string, payload: unknown): Promise<unknown> {
  try {
    return await jsonata(expression).evaluate(payload);
  } catch (error) {
    throw new ExpressionError(`${field} failed: ${(error as { message?: string }).message ?? String(error)}`);
  }
}
