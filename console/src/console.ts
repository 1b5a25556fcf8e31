/**
 * The operator console over `/api/v1`: the overview's charts and the activity lists (the
 * landing view), endpoints (list, editor, tenant portal links), an inbound event or a message in
 * detail, search, and the dead-letter queues. Views are chosen by the URL's fragment
 * (`#/endpoints/ep_1`), and the live status stream (`GET /api/v1/stream`) keeps what is shown
 * current. Bundled into the page at build time (console/build.ts); the page's CSP allows only
 * this script.
 */
import { STATUS_CHANGE_TYPES, type StreamedStatusChange } from '../../shared/status/change-types';
import { Api, seg } from './api';
import { activityChanged, refreshActivity, setActivityLive, setUpActivity } from './activity';
import { renderDeadLetters } from './dead-letters';
import { renderDestinations } from './destinations';
import { byId, el } from './dom';
import { renderEndpointEditor, renderEndpointList, type EndpointUiOptions } from './endpoints';
import { renderEvent } from './event-view';
import { renderMessage } from './message-view';
import { Overview } from './overview';
import { renderSearch } from './search';
import { announce, navigate, route, run, showError, showView } from './ui';

/** True in the page the local runtime builds (console/build.ts `local`); the deployed bundle drops what it guards. */
declare const __WEBHOOKS_LOCAL__: boolean;

const api = new Api('/api/v1');
const overview = new Overview(api);

const href = {
  event: (source: string, id: string) => `#/events/${seg(source)}/${seg(id)}`,
  message: (id: string) => `#/messages/${seg(id)}`,
  endpoint: (id: string) => `#/endpoints/${seg(id)}`,
};

const endpointUi: EndpointUiOptions = {
  api,
  showTenant: true,
  href: { list: '#/endpoints', edit: href.endpoint, message: href.message },
};

/** What the current view is, so a status change can refresh it. */
let current: { view: string; reload: () => Promise<void> } = { view: 'home', reload: async () => undefined };
let firstRender = true;

/**
 * Moves a dead-letter queue's messages back (`POST /dlq/{queue}/redrive`: SQS's own message
 * move task, started at once), and says how it went.
 */
async function redrive(queue: 'inbound' | 'outbound'): Promise<string> {
  const result = await api.post<{ status?: string; approximateNumberOfMessagesToMove?: number }>(`/dlq/${queue}/redrive`);
  const count = result.approximateNumberOfMessagesToMove;
  return `Redrive of the ${queue} dead letters started${count === undefined ? '' : ` (${count} to move)`}: ${result.status ?? 'running'}.`;
}

async function render(): Promise<void> {
  const quiet = firstRender;
  firstRender = false;
  showError('');
  const [section, a, b] = route();
  if (section === 'endpoints' && a) {
    showView('endpoint', 'Endpoint · Webhook gateway console', true);
    current = { view: 'endpoint', reload: async () => undefined };
    await run(() => renderEndpointEditor(byId('endpoint-editor'), byId('endpoint-heading'), a === 'new' ? undefined : a, endpointUi), 'the endpoint');
    if (!quiet) byId('endpoint-heading').focus();
    return;
  }
  if (section === 'endpoints') {
    showView('endpoints', 'Endpoints · Webhook gateway console', quiet);
    current = { view: 'endpoints', reload: () => run(() => renderEndpointList(byId<HTMLTableSectionElement>('endpoints-body'), endpointUi), 'endpoints') };
    return current.reload();
  }
  if (section === 'events' && a && b) {
    showView('event', `Event ${b} · Webhook gateway console`, quiet);
    byId('event-heading').textContent = `Inbound event ${b}`;
    current = { view: 'event', reload: () => run(() => renderEvent(byId('event-detail'), api, a, b, () => followUp()), 'the event') };
    return current.reload();
  }
  if (section === 'messages' && a) {
    showView('message', `Message ${a} · Webhook gateway console`, quiet);
    byId('message-heading').textContent = `Message ${a}`;
    current = {
      view: 'message',
      reload: () => run(() => renderMessage(byId('message-detail'), api, a, { endpointHref: href.endpoint, afterRetry: () => followUp() }), 'the message'),
    };
    return current.reload();
  }
  if (section === 'search' && a) {
    showView('search', `Search · Webhook gateway console`, quiet);
    byId('search-heading').textContent = `Search results for “${a}”`;
    byId<HTMLInputElement>('search-q').value = a;
    current = {
      view: 'search',
      reload: () =>
        run(
          async () => void (await renderSearch(byId('search-results'), api, a, { event: href.event, message: href.message, endpoint: href.endpoint })),
          'the results',
        ),
    };
    return current.reload();
  }
  if (section === 'dead-letters') {
    showView('dead-letters', 'Dead letters · Webhook gateway console', quiet);
    const reload = () =>
      run(
        () => renderDeadLetters(byId('dead-letters'), api, href, { redrive, available: ['inbound', 'outbound'] }, () => followUp()),
        'the dead-letter queues',
      );
    current = { view: 'dead-letters', reload };
    return reload();
  }
  if (section === 'destinations' && __WEBHOOKS_LOCAL__) {
    showView('destinations', 'Destinations · Webhook gateway console', quiet);
    // The local runtime's own routes (`GET /local/destinations`).
    const localApi = new Api('/local');
    current = { view: 'destinations', reload: () => run(() => renderDestinations(byId('destinations'), localApi), 'the destinations') };
    return current.reload();
  }
  showView('home', 'Webhook gateway console', quiet);
  current = { view: 'home', reload: async () => undefined };
  if (!quiet) await Promise.all([overview.reload(), refreshActivity()]);
}

/** After an action: look at the current view again shortly (the stream may not be there). */
function followUp(): void {
  for (const ms of live ? [500] : [800, 2500, 6000]) {
    setTimeout(() => void current.reload(), ms);
  }
}

let live = false;

function setLive(connected: boolean, text: string): void {
  live = connected;
  setActivityLive(connected);
  byId('live-state').textContent = text;
}

function parseChange(message: MessageEvent<string>): StreamedStatusChange | undefined {
  try {
    const data = JSON.parse(message.data) as unknown;
    return data && typeof (data as { type?: unknown }).type === 'string' ? (data as StreamedStatusChange) : undefined;
  } catch {
    return undefined;
  }
}

let viewTimer: ReturnType<typeof setTimeout> | undefined;

function onChange(message: MessageEvent<string>): void {
  const change = parseChange(message);
  if (!change) return;
  activityChanged(change);
  overview.changed();
  if (current.view === 'message' || current.view === 'event' || current.view === 'dead-letters' || current.view === 'destinations') {
    clearTimeout(viewTimer);
    viewTimer = setTimeout(() => void current.reload(), 500);
  }
}

function connectStream(): void {
  if (!('EventSource' in window)) {
    setLive(false, 'not supported by this browser; use Refresh');
    return;
  }
  const stream = new EventSource('/api/v1/stream');
  stream.addEventListener('open', () => setLive(true, 'connected'));
  stream.addEventListener('error', () => setLive(false, stream.readyState === EventSource.CONNECTING ? 'reconnecting' : 'unavailable; use Refresh'));
  for (const type of STATUS_CHANGE_TYPES) stream.addEventListener(type, onChange);
}

async function refreshAll(): Promise<void> {
  showError('');
  await Promise.all([overview.reload(), refreshActivity(), current.reload()]);
  announce('Refreshed.');
}

byId('refresh').addEventListener('click', () => void refreshAll());
byId('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = byId<HTMLInputElement>('search-q').value.trim();
  if (q) navigate(`#/search/${seg(q)}`);
});
byId('portal-link-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const tenant = byId<HTMLInputElement>('portal-tenant').value.trim();
  const seconds = Number(byId<HTMLSelectElement>('portal-expiry').value);
  const result = byId('portal-link-result');
  showError('');
  void (async () => {
    try {
      const link = await api.post<{ url: string; expiresAt: string; tenantId: string }>(`/tenants/${seg(tenant)}/portal-link`, { expiresInSeconds: seconds });
      result.replaceChildren(
        el('div', { className: 'result ok' }, [
          el('label', { for: 'portal-link-url', text: `Portal link for ${link.tenantId}, valid until ${new Date(link.expiresAt).toLocaleString()}` }),
          el('input', { id: 'portal-link-url', className: 'secret', readonly: true, value: link.url }),
          el('p', {}, [el('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer', text: 'Open the portal' })]),
        ]),
      );
      announce(`Portal link created for ${link.tenantId}.`);
    } catch (error) {
      showError(`The portal link could not be made: ${(error as Error).message}`);
    }
  })();
});
if (__WEBHOOKS_LOCAL__) for (const item of document.querySelectorAll<HTMLElement>('[data-local]')) item.hidden = false;
setUpActivity(api);
window.addEventListener('hashchange', () => void render());

connectStream();
void (async () => {
  await render();
  await Promise.all([overview.reload(), refreshActivity()]);
  announce('Refreshed.');
  document.body.dataset.ready = 'true';
})();
