/**
 * The operator console: inbound events per source, outbound deliveries per endpoint with their
 * attempts, Retry and Replay, kept current by the live status stream (`GET /api/v1/stream`).
 * Bundled into the page at build time (console/build.ts); the page's CSP allows only this script.
 */
import { STATUS_CHANGE_TYPES, type StreamedStatusChange } from '../../shared/status/change-types';
import { api, query } from './api';
import { button, byId, el, emptyRow, replaceRows, statusCell, timeText } from './dom';
import type { AttemptView, DeliveryView, EndpointView, InboundEventView, SourceView } from './types';

type ReloadKind = 'events' | 'deliveries' | 'attempts' | 'endpoints';

const state = {
  source: '',
  eventStatus: '',
  endpoint: '',
  deliveryStatus: '',
  eventsCursor: null as string | null,
  deliveriesCursor: null as string | null,
  attemptsFor: null as { messageId: string; endpointId: string } | null,
  live: false,
};
const sequence = { events: 0, deliveries: 0, attempts: 0 };
const timers: Partial<Record<ReloadKind, ReturnType<typeof setTimeout>>> = {};

function announce(text: string): void {
  byId('notice').textContent = text;
}

function showError(text: string): void {
  const region = byId('error');
  region.textContent = text;
  region.hidden = !text;
}

// ---- inbound events ----
async function loadSources(): Promise<void> {
  const body = await api<{ sources?: SourceView[] }>('/api/v1/sources');
  const select = byId<HTMLSelectElement>('source');
  const sources = body.sources ?? [];
  select.replaceChildren();
  for (const source of sources) select.append(el('option', { value: source.name, text: `${source.name} (${source.provider})` }));
  if (sources.length === 0) select.append(el('option', { value: '', text: 'No sources configured' }));
  if (state.source && sources.some((s) => s.name === state.source)) select.value = state.source;
  state.source = select.value;
}

async function loadEvents(append: boolean): Promise<void> {
  const tbody = byId<HTMLTableSectionElement>('events-body');
  if (!state.source) return replaceRows(tbody, [emptyRow(6, 'Choose a source.')]);
  const mine = ++sequence.events;
  const path = `/api/v1/sources/${encodeURIComponent(state.source)}/events${query({ status: state.eventStatus, limit: '50', cursor: append ? state.eventsCursor : '' })}`;
  const body = await api<{ events?: InboundEventView[]; nextCursor?: string }>(path);
  if (mine !== sequence.events) return;
  state.eventsCursor = body.nextCursor ?? null;
  byId('events-more').hidden = !state.eventsCursor;
  let rows = (body.events ?? []).map(eventRow);
  if (!append && rows.length === 0) rows = [emptyRow(6, 'No events.')];
  replaceRows(tbody, rows, append);
  byId('events-updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

function eventRow(event: InboundEventView): HTMLTableRowElement {
  const key = `replay:${event.source}:${event.id}`;
  return el('tr', { dataset: { eventId: event.id, source: event.source } }, [
    el('td', {}, [el('code', { text: event.id })]),
    el('td', { text: event.type ?? '' }),
    statusCell(event.status),
    el('td', {}, [timeText(event.receivedAt)]),
    el('td', { text: event.attempts === undefined ? '' : String(event.attempts) }),
    el('td', { className: 'actions' }, [button('Replay', `event ${event.id}`, key, (e) => void replay(event, e.currentTarget))]),
  ]);
}

async function replay(event: InboundEventView, control: HTMLButtonElement): Promise<void> {
  control.disabled = true;
  showError('');
  try {
    await api(`/api/v1/sources/${encodeURIComponent(event.source)}/events/${encodeURIComponent(event.id)}/replay`, { method: 'POST' });
    announce(`Replay queued for event ${event.id}.`);
    followUp('events');
  } catch (error) {
    showError(`Replay of event ${event.id} failed: ${(error as Error).message}`);
  } finally {
    control.disabled = false;
  }
}

// ---- outbound deliveries ----
async function loadEndpoints(): Promise<void> {
  const body = await api<{ endpoints?: EndpointView[] }>('/api/v1/endpoints');
  const select = byId<HTMLSelectElement>('endpoint');
  const endpoints = body.endpoints ?? [];
  select.replaceChildren();
  for (const endpoint of endpoints) {
    const label = `${endpoint.description || endpoint.url} (${endpoint.id})${endpoint.enabled === false ? ', disabled' : ''}`;
    select.append(el('option', { value: endpoint.id, text: label }));
  }
  if (endpoints.length === 0) select.append(el('option', { value: '', text: 'No endpoints' }));
  if (state.endpoint && endpoints.some((e) => e.id === state.endpoint)) select.value = state.endpoint;
  state.endpoint = select.value;
}

async function loadDeliveries(append: boolean): Promise<void> {
  const tbody = byId<HTMLTableSectionElement>('deliveries-body');
  if (!state.endpoint) return replaceRows(tbody, [emptyRow(7, 'Choose an endpoint.')]);
  const mine = ++sequence.deliveries;
  const path = `/api/v1/messages${query({ endpointId: state.endpoint, status: state.deliveryStatus, limit: '50', cursor: append ? state.deliveriesCursor : '' })}`;
  const body = await api<{ deliveries?: DeliveryView[]; nextCursor?: string }>(path);
  if (mine !== sequence.deliveries) return;
  state.deliveriesCursor = body.nextCursor ?? null;
  byId('deliveries-more').hidden = !state.deliveriesCursor;
  let rows = (body.deliveries ?? []).map(deliveryRow);
  if (!append && rows.length === 0) rows = [emptyRow(7, 'No deliveries.')];
  replaceRows(tbody, rows, append);
  byId('deliveries-updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

function deliveryRow(delivery: DeliveryView): HTMLTableRowElement {
  const actions = [button('Attempts', `of message ${delivery.messageId}`, `attempts:${delivery.messageId}`, () => openAttempts(delivery))];
  if (delivery.status === 'failed' || delivery.status === 'exhausted') {
    actions.push(button('Retry', `delivery of message ${delivery.messageId}`, `retry:${delivery.messageId}`, (e) => void retry(delivery, e.currentTarget)));
  }
  const last = delivery.lastStatusCode ? String(delivery.lastStatusCode) : (delivery.lastError ?? '');
  return el('tr', { dataset: { messageId: delivery.messageId, endpointId: delivery.endpointId } }, [
    el('td', {}, [el('code', { text: delivery.messageId })]),
    el('td', { text: delivery.eventType ?? '' }),
    statusCell(delivery.status),
    el('td', { text: String(delivery.attempts) }),
    el('td', { text: last }),
    el('td', {}, [timeText(delivery.updatedAt)]),
    el('td', { className: 'actions' }, actions),
  ]);
}

async function retry(delivery: DeliveryView, control: HTMLButtonElement): Promise<void> {
  control.disabled = true;
  showError('');
  try {
    await api(`/api/v1/messages/${encodeURIComponent(delivery.messageId)}/retry`, { method: 'POST', body: { endpointId: delivery.endpointId } });
    announce(`Retry queued for message ${delivery.messageId}.`);
    followUp('deliveries');
  } catch (error) {
    showError(`Retry of message ${delivery.messageId} failed: ${(error as Error).message}`);
    control.disabled = false;
  }
}

// ---- attempts ----
function openAttempts(delivery: DeliveryView): void {
  state.attemptsFor = { messageId: delivery.messageId, endpointId: delivery.endpointId };
  byId('attempts').hidden = false;
  byId('attempts-heading').textContent = `Attempts of message ${delivery.messageId}`;
  void run(loadAttempts, 'attempts').then(() => byId('attempts-heading').focus());
}

function closeAttempts(): void {
  const target = state.attemptsFor;
  state.attemptsFor = null;
  byId('attempts').hidden = true;
  byId('attempts-list').replaceChildren();
  const back = target ? document.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(`attempts:${target.messageId}`)}"]`) : null;
  (back ?? byId('endpoint')).focus();
}

async function loadAttempts(): Promise<void> {
  const target = state.attemptsFor;
  if (!target) return;
  const mine = ++sequence.attempts;
  const body = await api<{ attempts?: AttemptView[] }>(`/api/v1/messages/${encodeURIComponent(target.messageId)}/attempts${query({ endpointId: target.endpointId })}`);
  if (mine !== sequence.attempts || state.attemptsFor !== target) return;
  const list = byId('attempts-list');
  const attempts = body.attempts ?? [];
  list.replaceChildren();
  if (attempts.length === 0) list.append(el('li', { text: 'No attempts yet.' }));
  for (const attempt of attempts) list.append(attemptItem(attempt));
}

function attemptItem(attempt: AttemptView): HTMLLIElement {
  const requestHeaders = attempt.requestHeaders ?? {};
  const headers = Object.keys(requestHeaders)
    .map((name) => `${name}: ${requestHeaders[name]}`)
    .join('\n');
  const rows: Array<[string, Node | string]> = [
    ['Attempt', `${attempt.attempt} (${attempt.trigger})`],
    ['At', timeText(attempt.at)],
    ['Outcome', attempt.outcome],
    ['Status code', attempt.statusCode ? String(attempt.statusCode) : 'no response'],
    ['Duration', `${attempt.durationMs} ms`],
    ['URL', el('code', { text: attempt.url ?? '' })],
  ];
  if (attempt.error) rows.push(['Error', attempt.error]);
  if (attempt.nextAttemptAt) rows.push(['Next attempt', timeText(attempt.nextAttemptAt)]);
  rows.push(['Request headers', el('pre', { text: headers || '(none)' })]);
  rows.push(['Response', el('pre', { text: attempt.responseBody || '(empty)' })]);
  const list = el('dl', { className: 'attempt' });
  for (const [term, value] of rows) list.append(el('dt', { text: term }), el('dd', {}, [value]));
  return el('li', {}, [list]);
}

// ---- refresh, live updates ----
async function run(task: () => Promise<void>, what: string): Promise<void> {
  try {
    await task();
  } catch (error) {
    showError(`Could not load ${what}: ${(error as Error).message}`);
  }
}

const RELOADS: Record<ReloadKind, () => Promise<void>> = {
  events: () => run(() => loadEvents(false), 'events'),
  deliveries: () => run(() => loadDeliveries(false), 'deliveries'),
  attempts: () => run(loadAttempts, 'attempts'),
  endpoints: () => run(loadEndpoints, 'endpoints'),
};

function scheduleReload(kind: ReloadKind): void {
  clearTimeout(timers[kind]);
  timers[kind] = setTimeout(() => void RELOADS[kind](), 250);
}

/** Without the live stream, look again a few times after an action. */
function followUp(kind: ReloadKind): void {
  scheduleReload(kind);
  if (state.attemptsFor) scheduleReload('attempts');
  if (state.live) return;
  for (const ms of [1500, 4000, 8000]) {
    setTimeout(() => {
      scheduleReload(kind);
      if (state.attemptsFor) scheduleReload('attempts');
    }, ms);
  }
}

async function refreshAll(): Promise<void> {
  showError('');
  await Promise.all([
    run(async () => {
      await loadSources();
      await loadEvents(false);
    }, 'events'),
    run(async () => {
      await loadEndpoints();
      await loadDeliveries(false);
    }, 'deliveries'),
    run(loadAttempts, 'attempts'),
  ]);
  announce('Refreshed.');
}

function setLive(live: boolean, text: string): void {
  state.live = live;
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

function onChange(message: MessageEvent<string>): void {
  const change = parseChange(message);
  if (!change) return;
  switch (change.type) {
    case 'event.received':
    case 'event.processed':
    case 'event.failed':
      if (change.source === state.source) scheduleReload('events');
      return;
    case 'endpoint.disabled':
      scheduleReload('endpoints');
      if (change.endpointId === state.endpoint) scheduleReload('deliveries');
      return;
    default:
      if (change.endpointId === state.endpoint) scheduleReload('deliveries');
      if (state.attemptsFor && change.messageId === state.attemptsFor.messageId) scheduleReload('attempts');
  }
}

function connectStream(): void {
  if (!('EventSource' in window)) return setLive(false, 'not supported by this browser; use Refresh');
  const stream = new EventSource('/api/v1/stream');
  stream.addEventListener('open', () => setLive(true, 'connected'));
  stream.addEventListener('error', () => setLive(false, stream.readyState === EventSource.CONNECTING ? 'reconnecting' : 'unavailable; use Refresh'));
  for (const type of STATUS_CHANGE_TYPES) stream.addEventListener(type, onChange);
}

function onSelect(id: string, apply: (value: string) => void): void {
  byId<HTMLSelectElement>(id).addEventListener('change', (event) => apply((event.target as HTMLSelectElement).value));
}

onSelect('source', (value) => {
  state.source = value;
  void run(() => loadEvents(false), 'events');
});
onSelect('event-status', (value) => {
  state.eventStatus = value;
  void run(() => loadEvents(false), 'events');
});
onSelect('endpoint', (value) => {
  state.endpoint = value;
  if (state.attemptsFor) {
    state.attemptsFor = null;
    byId('attempts').hidden = true;
  }
  void run(() => loadDeliveries(false), 'deliveries');
});
onSelect('delivery-status', (value) => {
  state.deliveryStatus = value;
  void run(() => loadDeliveries(false), 'deliveries');
});
byId('events-more').addEventListener('click', () => void run(() => loadEvents(true), 'events'));
byId('deliveries-more').addEventListener('click', () => void run(() => loadDeliveries(true), 'deliveries'));
byId('refresh').addEventListener('click', () => void refreshAll());
byId('attempts-close').addEventListener('click', closeAttempts);
byId('attempts').addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeAttempts();
});

connectStream();
void refreshAll().then(() => {
  document.body.dataset.ready = 'true';
});
