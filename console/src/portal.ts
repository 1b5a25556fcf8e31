/**
 * A tenant's portal over `/portal/api`: its endpoints (create, edit, try the filter and
 * transform, send a test, rotate the secret, delete), each endpoint's deliveries, and a
 * message with its payload and every attempt. The link's token arrives in the fragment
 * (`#token=…`, never sent to a server); it is kept for this tab only (sessionStorage), removed
 * from the address bar, and sent as a bearer credential with every call. Nothing else of the
 * gateway is reachable with it.
 */
import { Api, ApiError, query, seg } from './api';
import { byId, el, emptyRow, replaceRows, statusCell, timeText } from './dom';
import { renderEndpointEditor, renderEndpointList, type EndpointUiOptions } from './endpoints';
import { renderMessage } from './message-view';
import type { DeliveryView } from './types';
import { announce, route, showError, showView } from './ui';

const TOKEN_KEY = 'webhook-portal-token';

function takeToken(): string | undefined {
  const match = /^#token=([\w.-]+)$/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]!);
    history.replaceState(null, '', `${location.pathname}#/`);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

const token = takeToken();
const api = new Api('/portal/api', () => token);

const href = {
  list: '#/',
  edit: (id: string) => `#/endpoints/${seg(id)}`,
  deliveries: (id: string) => `#/endpoints/${seg(id)}/deliveries`,
  message: (id: string) => `#/messages/${seg(id)}`,
};
const endpointUi: EndpointUiOptions = { api, showTenant: false, href };

let current: () => Promise<void> = async () => undefined;
let firstRender = true;
let closed = false;

function close(reason: string): void {
  closed = true;
  showView('closed', 'Webhook portal', false);
  byId('closed-reason').textContent = reason;
  byId('portal-nav').hidden = true;
  byId('refresh').hidden = true;
  byId('session').textContent = 'Link not valid';
}

/** A 401 from any call means the link expired (or never was one): say so instead of an error. */
async function guarded(task: () => Promise<void>, what: string): Promise<void> {
  try {
    await task();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      return close(error.code === 'portal_token_expired' ? 'The link has expired.' : 'The link is not valid.');
    showError(`Could not load ${what}: ${(error as Error).message}`);
  }
}

// ---- deliveries of one endpoint ----
const deliveries = { endpointId: '', status: '', cursor: null as string | null, sequence: 0 };

function deliveryRow(delivery: DeliveryView): HTMLTableRowElement {
  return el('tr', { dataset: { messageId: delivery.messageId, endpointId: delivery.endpointId } }, [
    el('td', {}, [el('a', { href: href.message(delivery.messageId) }, [el('code', { text: delivery.messageId })])]),
    el('td', { text: delivery.eventType ?? '' }),
    statusCell(delivery.status),
    el('td', { text: String(delivery.attempts) }),
    el('td', { text: delivery.lastStatusCode ? String(delivery.lastStatusCode) : (delivery.lastError ?? '') }),
    el('td', {}, [timeText(delivery.updatedAt)]),
  ]);
}

async function loadDeliveries(append: boolean): Promise<void> {
  const mine = ++deliveries.sequence;
  const page = await api.get<{ deliveries: DeliveryView[]; nextCursor?: string }>(
    `/messages${query({ endpointId: deliveries.endpointId, status: deliveries.status, limit: '50', cursor: append ? deliveries.cursor : '' })}`,
  );
  if (mine !== deliveries.sequence) return;
  deliveries.cursor = page.nextCursor ?? null;
  byId('deliveries-more').hidden = !deliveries.cursor;
  const rows = page.deliveries.map(deliveryRow);
  replaceRows(byId<HTMLTableSectionElement>('deliveries-body'), rows.length || append ? rows : [emptyRow(6, 'No deliveries.')], append);
  byId('deliveries-updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

async function render(): Promise<void> {
  if (closed) return;
  const quiet = firstRender;
  firstRender = false;
  showError('');
  const [section, id, sub] = route();
  if (section === 'endpoints' && id && sub === 'deliveries') {
    showView('deliveries', 'Deliveries · Webhook portal', quiet);
    deliveries.endpointId = id;
    current = () =>
      guarded(async () => {
        const endpoint = await api.get<{ url: string }>(`/endpoints/${seg(id)}`);
        byId('deliveries-heading').textContent = `Deliveries to ${endpoint.url}`;
        await loadDeliveries(false);
      }, 'the deliveries');
    return current();
  }
  if (section === 'endpoints' && id) {
    showView('endpoint', 'Endpoint · Webhook portal', true);
    current = async () => undefined;
    await guarded(() => renderEndpointEditor(byId('endpoint-editor'), byId('endpoint-heading'), id === 'new' ? undefined : id, endpointUi), 'the endpoint');
    if (!quiet) byId('endpoint-heading').focus();
    return;
  }
  if (section === 'messages' && id) {
    showView('message', `Message ${id} · Webhook portal`, quiet);
    byId('message-heading').textContent = `Message ${id}`;
    current = () =>
      guarded(
        () => renderMessage(byId('message-detail'), api, id, { endpointHref: href.edit, afterRetry: () => setTimeout(() => void current(), 1500) }),
        'the message',
      );
    return current();
  }
  showView('endpoints', 'Your endpoints · Webhook portal', quiet);
  current = () => guarded(() => renderEndpointList(byId<HTMLTableSectionElement>('endpoints-body'), endpointUi), 'your endpoints');
  return current();
}

byId('refresh').addEventListener('click', () => void current().then(() => announce('Refreshed.')));
byId<HTMLSelectElement>('delivery-status').addEventListener('change', (event) => {
  deliveries.status = (event.target as HTMLSelectElement).value;
  void guarded(() => loadDeliveries(false), 'the deliveries');
});
byId('deliveries-more').addEventListener('click', () => void guarded(() => loadDeliveries(true), 'the deliveries'));
window.addEventListener('hashchange', () => void render());

void (async () => {
  if (!token) close('This page opens with a portal link, which carries its key.');
  else {
    await guarded(async () => {
      const session = await api.get<{ tenantId: string; expiresAt: string }>('/session');
      byId('session').textContent = `Tenant ${session.tenantId} · link valid until ${new Date(session.expiresAt).toLocaleString()}`;
      document.body.dataset.tenant = session.tenantId;
    }, 'the session');
    await render();
  }
  document.body.dataset.ready = 'true';
})();
