/**
 * The console's activity lists: inbound events of the chosen source and outbound deliveries to
 * the chosen endpoint, with Replay, Retry and a delivery's attempts, reloaded when the status
 * stream reports a change that concerns them. (Issue 16's Resume/Skip of ordered deliveries
 * belongs next to Retry in `deliveryRow`'s actions.)
 */
import type { StreamedStatusChange } from '../../shared/status/change-types';
import { query, type Api } from './api';
import { attemptItem } from './attempts';
import { button, byId, el, emptyRow, replaceRows, statusCell, timeText } from './dom';
import type { AttemptView, DeliveryView, EndpointView, InboundEventView, SourceView } from './types';
import { announce, run, showError } from './ui';

let client: Api;

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

// ---- inbound events ----
async function loadSources(): Promise<void> {
  const body = await client.get<{ sources?: SourceView[] }>('/sources');
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
  const path = `/sources/${encodeURIComponent(state.source)}/events${query({ status: state.eventStatus, limit: '50', cursor: append ? state.eventsCursor : '' })}`;
  const body = await client.get<{ events?: InboundEventView[]; nextCursor?: string }>(path);
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
    el('td', {}, [el('a', { href: `#/events/${encodeURIComponent(event.source)}/${encodeURIComponent(event.id)}` }, [el('code', { text: event.id })])]),
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
    await client.post(`/sources/${encodeURIComponent(event.source)}/events/${encodeURIComponent(event.id)}/replay`);
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
  const body = await client.get<{ endpoints?: EndpointView[] }>('/endpoints');
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
  const path = `/messages${query({ endpointId: state.endpoint, status: state.deliveryStatus, limit: '50', cursor: append ? state.deliveriesCursor : '' })}`;
  const body = await client.get<{ deliveries?: DeliveryView[]; nextCursor?: string }>(path);
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
    el('td', {}, [el('a', { href: `#/messages/${encodeURIComponent(delivery.messageId)}` }, [el('code', { text: delivery.messageId })])]),
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
    await client.post(`/messages/${encodeURIComponent(delivery.messageId)}/retry`, { endpointId: delivery.endpointId });
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
  const body = await client.get<{ attempts?: AttemptView[] }>(
    `/messages/${encodeURIComponent(target.messageId)}/attempts${query({ endpointId: target.endpointId })}`,
  );
  if (mine !== sequence.attempts || state.attemptsFor !== target) return;
  const list = byId('attempts-list');
  const attempts = body.attempts ?? [];
  list.replaceChildren();
  if (attempts.length === 0) list.append(el('li', { text: 'No attempts yet.' }));
  for (const attempt of attempts) list.append(attemptItem(attempt));
}

// ---- refresh, live updates ----
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

/** Reloads every list (the Refresh button, and the first load). */
export async function refreshActivity(): Promise<void> {
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
}

/** Reacts to one change of the status stream. */
export function activityChanged(change: StreamedStatusChange): void {
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

export function setActivityLive(live: boolean): void {
  state.live = live;
}

function onSelect(id: string, apply: (value: string) => void): void {
  byId<HTMLSelectElement>(id).addEventListener('change', (event) => apply((event.target as HTMLSelectElement).value));
}

/** Wires the activity lists' controls; `api` is the console's `/api/v1` client. */
export function setUpActivity(api: Api): void {
  client = api;
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
  byId('attempts-close').addEventListener('click', closeAttempts);
  byId('attempts').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeAttempts();
  });
}
