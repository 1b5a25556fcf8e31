/**
 * A message in detail: its fields, its payload pretty-printed, each delivery (with Retry when it
 * did not succeed) and every attempt of each (request headers without signatures, response
 * status, body excerpt, duration). Shared by the console and the tenant portal.
 */
import { seg, type Api } from './api';
import { attemptItem } from './attempts';
import { button, el, statusCell, timeText } from './dom';
import type { AttemptView, DeliveryView, MessageView } from './types';
import { announce, showError } from './ui';

export interface MessageViewOptions {
  /** Where an endpoint id links to (`#/endpoints/<id>`). */
  readonly endpointHref: (endpointId: string) => string;
  /** Called after a retry was queued (to look again shortly). */
  readonly afterRetry: () => void;
}

function facts(rows: ReadonlyArray<[string, Node | string | undefined]>): HTMLDListElement {
  const list = el('dl', { className: 'facts' });
  for (const [term, value] of rows) if (value !== undefined && value !== '') list.append(el('dt', { text: term }), el('dd', {}, [value]));
  return list;
}

export async function renderMessage(container: HTMLElement, api: Api, id: string, options: MessageViewOptions): Promise<void> {
  const [message, payload, attempts] = await Promise.all([
    api.get<MessageView>(`/messages/${seg(id)}`),
    api.get<{ payload: unknown }>(`/messages/${seg(id)}/payload`),
    api.get<{ attempts: AttemptView[] }>(`/messages/${seg(id)}/attempts`),
  ]);
  const deliveries = message.deliveries ?? [];
  container.replaceChildren(
    facts([
      ['Message id', el('code', { text: message.id })],
      ['Event type', message.eventType],
      ['Tenant', message.tenantId],
      ['Created', timeText(message.createdAt)],
      ['Idempotency key', message.idempotencyKey],
      [
        'Addressed to',
        message.endpointId ? el('a', { href: options.endpointHref(message.endpointId), text: `${message.endpointId} only (a test send)` }) : undefined,
      ],
    ]),
    el('h3', { text: 'Payload' }),
    el('pre', { id: 'message-payload', className: 'payload', tabindex: 0, 'aria-label': 'Payload', text: JSON.stringify(payload.payload, null, 2) }),
    el('h3', { text: 'Deliveries' }),
    deliveries.length
      ? deliveriesTable(api, message, deliveries, options)
      : el('p', { text: 'No delivery yet (no enabled endpoint subscribed, or not dispatched yet).' }),
    ...deliveries.flatMap((delivery) => {
      const mine = attempts.attempts.filter((attempt) => attempt.endpointId === delivery.endpointId);
      return [
        el('h3', { text: `Attempts to ${delivery.endpointId}` }),
        el(
          'ol',
          { className: 'attempts', dataset: { endpointId: delivery.endpointId } },
          mine.length ? mine.map(attemptItem) : [el('li', { text: 'No attempts yet.' })],
        ),
      ];
    }),
  );
}

function deliveriesTable(api: Api, message: MessageView, deliveries: readonly DeliveryView[], options: MessageViewOptions): HTMLTableElement {
  return el('table', { className: 'deliveries' }, [
    el('caption', { text: `Deliveries of message ${message.id}, one per endpoint.` }),
    el('thead', {}, [
      el(
        'tr',
        {},
        ['Endpoint', 'Status', 'Attempts', 'Last response', 'Updated', 'Actions'].map((text) => el('th', { scope: 'col', text })),
      ),
    ]),
    el(
      'tbody',
      {},
      deliveries.map((delivery) =>
        el('tr', { dataset: { endpointId: delivery.endpointId, messageId: delivery.messageId } }, [
          el('td', {}, [el('a', { href: options.endpointHref(delivery.endpointId), text: delivery.endpointId })]),
          statusCell(delivery.status),
          el('td', { text: String(delivery.attempts) }),
          el('td', { text: delivery.lastStatusCode ? String(delivery.lastStatusCode) : (delivery.lastError ?? '') }),
          el('td', {}, [timeText(delivery.updatedAt)]),
          el(
            'td',
            { className: 'actions' },
            delivery.status === 'succeeded'
              ? []
              : [
                  button('Retry', `delivery to ${delivery.endpointId}`, `retry-delivery:${delivery.endpointId}`, async (event) => {
                    const control = event.currentTarget;
                    control.disabled = true;
                    showError('');
                    try {
                      await api.post(`/messages/${seg(message.id)}/retry`, { endpointId: delivery.endpointId });
                      announce(`Retry queued for the delivery to ${delivery.endpointId}.`);
                      options.afterRetry();
                    } catch (error) {
                      showError(`Retry failed: ${(error as Error).message}`);
                    } finally {
                      control.disabled = false;
                    }
                  }),
                ],
          ),
        ]),
      ),
    ),
  ]);
}
