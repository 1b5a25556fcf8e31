/**
 * The operator console: one self-contained HTML page (inline CSS and JS, no framework) over the
 * management API. It lists inbound events per source and outbound deliveries per endpoint,
 * shows a delivery's attempts, retries and replays, and follows the live status stream
 * (`GET /api/v1/stream`). Served at `GET /console` by the api function, behind the same IAM
 * authorizer as the API in AWS.
 *
 * The Content-Security-Policy allows only this origin plus the one inline script and style by
 * their SHA-256 hashes. Everything the API returns is written with `textContent`, never as HTML.
 *
 * @example router.add('GET', '/console', async () => consoleResponse())
 */
import { createHash } from 'node:crypto';
import type { HttpResponse } from '../http/responses';
import type { Router } from '../http/router';

const STYLE = String.raw`
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --accent: #0a58ca; --bad: #a40e26; --good: #116329; --warn: #7d4e00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.4rem; margin: 1rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
section { margin-bottom: 2rem; }
.controls { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; align-items: end; margin: .5rem 0 1rem; }
.field { display: flex; flex-direction: column; gap: .2rem; }
label { font-weight: 600; font-size: .9rem; }
select, button { font: inherit; padding: .35rem .6rem; border-radius: 6px; border: 1px solid var(--line); background: #f6f8fa; color: var(--fg); }
button { cursor: pointer; border-color: #8c959f; }
button:hover { background: #eaeef2; }
button[disabled] { cursor: progress; opacity: .6; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
table:focus-visible, h2:focus-visible { outline-offset: 4px; }
table { width: 100%; border-collapse: collapse; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); }
td.actions { white-space: nowrap; }
td.actions button + button { margin-left: .4rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { white-space: pre-wrap; word-break: break-all; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; margin: .25rem 0; max-height: 16rem; overflow: auto; }
.status { font-weight: 600; }
.status-succeeded, .status-processed { color: var(--good); }
.status-failed, .status-exhausted { color: var(--bad); }
.status-retrying, .status-pending, .status-received, .status-queued, .status-processing { color: var(--warn); }
.live { color: var(--muted); margin: 0; }
.error { color: var(--bad); border: 1px solid var(--bad); border-radius: 6px; padding: .5rem .75rem; }
.notice { min-height: 1.5em; color: var(--muted); }
dl.attempt { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0 0; }
dl.attempt dt { font-weight: 600; }
dl.attempt dd { margin: 0; }
ol.attempts > li { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin-bottom: .75rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media (prefers-reduced-motion: no-preference) { button { transition: background-color .1s; } }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var STREAM_TYPES = ['event.received', 'event.processed', 'event.failed', 'delivery.attempted', 'delivery.succeeded', 'delivery.failed', 'delivery.exhausted', 'endpoint.disabled'];
  var state = { source: '', eventStatus: '', endpoint: '', deliveryStatus: '', eventsCursor: null, deliveriesCursor: null, attemptsFor: null, live: false };
  var sequence = { events: 0, deliveries: 0, attempts: 0 };
  var timers = {};
  function byId(id) { return document.getElementById(id); }

  function announce(text) { byId('notice').textContent = text; }
  function showError(text) {
    var region = byId('error');
    region.textContent = text || '';
    region.hidden = !text;
  }

  function api(path, options) {
    options = options || {};
    var headers = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, {
      method: options.method || 'GET',
      headers: headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (!response.ok) {
          var problem = body && body.error;
          throw new Error(problem ? problem.message + ' (' + problem.code + ', HTTP ' + response.status + ')' : 'HTTP ' + response.status);
        }
        return body;
      });
    });
  }

  function query(params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (key) { if (params[key]) search.set(key, params[key]); });
    var text = search.toString();
    return text ? '?' + text : '';
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'text') node.textContent = String(value);
      else if (key === 'className') node.className = value;
      else if (key === 'dataset') Object.keys(value).forEach(function (name) { node.dataset[name] = value[name]; });
      else if (key.indexOf('on') === 0) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    });
    (children || []).forEach(function (child) { if (child !== undefined && child !== null) node.append(child); });
    return node;
  }

  /** A button whose accessible name is the visible label plus a hidden context. */
  function button(label, context, focusKey, onClick) {
    return el('button', { type: 'button', dataset: { focusKey: focusKey }, onclick: onClick }, [label, el('span', { className: 'visually-hidden', text: ' ' + context })]);
  }

  function statusCell(status) {
    return el('td', { className: 'status status-' + status, dataset: { status: status } }, [status]);
  }

  function timeText(iso) {
    return iso ? el('time', { datetime: iso, text: iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') }) : '';
  }

  /** Replaces a table body; keeps keyboard focus on the same control when it still exists. */
  function replaceRows(tbody, rows, append) {
    var active = document.activeElement;
    var hadFocus = active && tbody.contains(active);
    var key = hadFocus && active.dataset ? active.dataset.focusKey : undefined;
    if (!append) tbody.replaceChildren();
    rows.forEach(function (row) { tbody.append(row); });
    if (!hadFocus) return;
    var again = key ? tbody.querySelector('[data-focus-key="' + CSS.escape(key) + '"]') : null;
    if (again) again.focus();
    else tbody.closest('table').focus();
  }

  function emptyRow(columns, text) {
    return el('tr', {}, [el('td', { colspan: columns, text: text })]);
  }

  // ---- inbound events ----
  function loadSources() {
    return api('/api/v1/sources').then(function (body) {
      var select = byId('source');
      select.replaceChildren();
      (body.sources || []).forEach(function (source) {
        select.append(el('option', { value: source.name, text: source.name + ' (' + source.provider + ')' }));
      });
      if (!body.sources || body.sources.length === 0) select.append(el('option', { value: '', text: 'No sources configured' }));
      if (state.source && body.sources.some(function (s) { return s.name === state.source; })) select.value = state.source;
      state.source = select.value;
    });
  }

  function loadEvents(append) {
    var tbody = byId('events-body');
    if (!state.source) { replaceRows(tbody, [emptyRow(6, 'Choose a source.')]); return Promise.resolve(); }
    var mine = ++sequence.events;
    var path = '/api/v1/sources/' + encodeURIComponent(state.source) + '/events' + query({ status: state.eventStatus, limit: '50', cursor: append ? state.eventsCursor : '' });
    return api(path).then(function (body) {
      if (mine !== sequence.events) return;
      state.eventsCursor = body.nextCursor || null;
      byId('events-more').hidden = !state.eventsCursor;
      var rows = (body.events || []).map(eventRow);
      if (!append && rows.length === 0) rows = [emptyRow(6, 'No events.')];
      replaceRows(tbody, rows, append);
      byId('events-updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
    });
  }

  function eventRow(event) {
    var key = 'replay:' + event.source + ':' + event.id;
    return el('tr', { dataset: { eventId: event.id, source: event.source } }, [
      el('td', {}, [el('code', { text: event.id })]),
      el('td', { text: event.type || '' }),
      statusCell(event.status),
      el('td', {}, [timeText(event.receivedAt)]),
      el('td', { text: String(event.attempts === undefined ? '' : event.attempts) }),
      el('td', { className: 'actions' }, [button('Replay', 'event ' + event.id, key, function (e) { replay(event, e.currentTarget); })])
    ]);
  }

  function replay(event, control) {
    control.disabled = true;
    showError('');
    api('/api/v1/sources/' + encodeURIComponent(event.source) + '/events/' + encodeURIComponent(event.id) + '/replay', { method: 'POST' })
      .then(function () { announce('Replay queued for event ' + event.id + '.'); followUp('events'); })
      .catch(function (error) { showError('Replay of event ' + event.id + ' failed: ' + error.message); })
      .finally(function () { control.disabled = false; });
  }

  // ---- outbound deliveries ----
  function loadEndpoints() {
    return api('/api/v1/endpoints').then(function (body) {
      var select = byId('endpoint');
      var endpoints = body.endpoints || [];
      select.replaceChildren();
      endpoints.forEach(function (endpoint) {
        var label = (endpoint.description || endpoint.url) + ' (' + endpoint.id + ')' + (endpoint.enabled === false ? ', disabled' : '');
        select.append(el('option', { value: endpoint.id, text: label }));
      });
      if (endpoints.length === 0) select.append(el('option', { value: '', text: 'No endpoints' }));
      if (state.endpoint && endpoints.some(function (e) { return e.id === state.endpoint; })) select.value = state.endpoint;
      state.endpoint = select.value;
    });
  }

  function loadDeliveries(append) {
    var tbody = byId('deliveries-body');
    if (!state.endpoint) { replaceRows(tbody, [emptyRow(7, 'Choose an endpoint.')]); return Promise.resolve(); }
    var mine = ++sequence.deliveries;
    var path = '/api/v1/messages' + query({ endpointId: state.endpoint, status: state.deliveryStatus, limit: '50', cursor: append ? state.deliveriesCursor : '' });
    return api(path).then(function (body) {
      if (mine !== sequence.deliveries) return;
      state.deliveriesCursor = body.nextCursor || null;
      byId('deliveries-more').hidden = !state.deliveriesCursor;
      var rows = (body.deliveries || []).map(deliveryRow);
      if (!append && rows.length === 0) rows = [emptyRow(7, 'No deliveries.')];
      replaceRows(tbody, rows, append);
      byId('deliveries-updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
    });
  }

  function deliveryRow(delivery) {
    var actions = [button('Attempts', 'of message ' + delivery.messageId, 'attempts:' + delivery.messageId, function () { openAttempts(delivery); })];
    if (delivery.status === 'failed' || delivery.status === 'exhausted') {
      actions.push(button('Retry', 'delivery of message ' + delivery.messageId, 'retry:' + delivery.messageId, function (e) { retry(delivery, e.currentTarget); }));
    }
    var last = delivery.lastStatusCode ? String(delivery.lastStatusCode) : (delivery.lastError || '');
    return el('tr', { dataset: { messageId: delivery.messageId, endpointId: delivery.endpointId } }, [
      el('td', {}, [el('code', { text: delivery.messageId })]),
      el('td', { text: delivery.eventType || '' }),
      statusCell(delivery.status),
      el('td', { text: String(delivery.attempts) }),
      el('td', { text: last }),
      el('td', {}, [timeText(delivery.updatedAt)]),
      el('td', { className: 'actions' }, actions)
    ]);
  }

  function retry(delivery, control) {
    control.disabled = true;
    showError('');
    api('/api/v1/messages/' + encodeURIComponent(delivery.messageId) + '/retry', { method: 'POST', body: { endpointId: delivery.endpointId } })
      .then(function () { announce('Retry queued for message ' + delivery.messageId + '.'); followUp('deliveries'); })
      .catch(function (error) { showError('Retry of message ' + delivery.messageId + ' failed: ' + error.message); control.disabled = false; });
  }

  // ---- attempts ----
  function openAttempts(delivery) {
    state.attemptsFor = { messageId: delivery.messageId, endpointId: delivery.endpointId };
    byId('attempts').hidden = false;
    byId('attempts-heading').textContent = 'Attempts of message ' + delivery.messageId;
    loadAttempts().then(function () { byId('attempts-heading').focus(); });
  }

  function closeAttempts() {
    var target = state.attemptsFor;
    state.attemptsFor = null;
    byId('attempts').hidden = true;
    byId('attempts-list').replaceChildren();
    var back = target ? document.querySelector('[data-focus-key="' + CSS.escape('attempts:' + target.messageId) + '"]') : null;
    (back || byId('endpoint')).focus();
  }

  function loadAttempts() {
    var target = state.attemptsFor;
    if (!target) return Promise.resolve();
    var mine = ++sequence.attempts;
    return api('/api/v1/messages/' + encodeURIComponent(target.messageId) + '/attempts' + query({ endpointId: target.endpointId })).then(function (body) {
      if (mine !== sequence.attempts || state.attemptsFor !== target) return;
      var list = byId('attempts-list');
      var attempts = body.attempts || [];
      list.replaceChildren();
      if (attempts.length === 0) list.append(el('li', { text: 'No attempts yet.' }));
      attempts.forEach(function (attempt) { list.append(attemptItem(attempt)); });
    });
  }

  function attemptItem(attempt) {
    var headers = Object.keys(attempt.requestHeaders || {}).map(function (name) { return name + ': ' + attempt.requestHeaders[name]; }).join('\n');
    var rows = [
      ['Attempt', attempt.attempt + ' (' + attempt.trigger + ')'],
      ['At', timeText(attempt.at)],
      ['Outcome', attempt.outcome],
      ['Status code', attempt.statusCode ? String(attempt.statusCode) : 'no response'],
      ['Duration', attempt.durationMs + ' ms'],
      ['URL', el('code', { text: attempt.url || '' })]
    ];
    if (attempt.error) rows.push(['Error', attempt.error]);
    if (attempt.nextAttemptAt) rows.push(['Next attempt', timeText(attempt.nextAttemptAt)]);
    rows.push(['Request headers', el('pre', { text: headers || '(none)' })]);
    rows.push(['Response', el('pre', { text: attempt.responseBody || '(empty)' })]);
    var list = el('dl', { className: 'attempt' });
    rows.forEach(function (pair) { list.append(el('dt', { text: pair[0] }), el('dd', {}, [pair[1]])); });
    return el('li', {}, [list]);
  }

  // ---- refresh, live updates ----
  function run(task, what) {
    return task().catch(function (error) { showError('Could not load ' + what + ': ' + error.message); });
  }

  function scheduleReload(kind) {
    clearTimeout(timers[kind]);
    timers[kind] = setTimeout(function () {
      if (kind === 'events') run(function () { return loadEvents(false); }, 'events');
      if (kind === 'deliveries') run(function () { return loadDeliveries(false); }, 'deliveries');
      if (kind === 'attempts') run(loadAttempts, 'attempts');
      if (kind === 'endpoints') run(loadEndpoints, 'endpoints');
    }, 250);
  }

  /** Without the live stream, look again a few times after an action. */
  function followUp(kind) {
    scheduleReload(kind);
    if (state.attemptsFor) scheduleReload('attempts');
    if (state.live) return;
    [1500, 4000, 8000].forEach(function (ms) {
      setTimeout(function () { scheduleReload(kind); if (state.attemptsFor) scheduleReload('attempts'); }, ms);
    });
  }

  function refreshAll() {
    showError('');
    return Promise.all([
      run(function () { return loadSources().then(function () { return loadEvents(false); }); }, 'events'),
      run(function () { return loadEndpoints().then(function () { return loadDeliveries(false); }); }, 'deliveries'),
      run(loadAttempts, 'attempts')
    ]).then(function () { announce('Refreshed.'); });
  }

  function setLive(live, text) {
    state.live = live;
    byId('live-state').textContent = text;
  }

  function onChange(message) {
    var data;
    try { data = JSON.parse(message.data); } catch (e) { return; }
    if (!data || typeof data.type !== 'string') return;
    if (data.type.indexOf('event.') === 0) {
      if (data.source === state.source) scheduleReload('events');
      return;
    }
    if (data.type === 'endpoint.disabled') scheduleReload('endpoints');
    if (data.endpointId === state.endpoint) scheduleReload('deliveries');
    if (state.attemptsFor && data.messageId === state.attemptsFor.messageId) scheduleReload('attempts');
  }

  function connectStream() {
    if (!('EventSource' in window)) { setLive(false, 'not supported by this browser; use Refresh'); return; }
    var stream = new EventSource('/api/v1/stream');
    stream.addEventListener('open', function () { setLive(true, 'connected'); });
    stream.addEventListener('error', function () {
      setLive(false, stream.readyState === EventSource.CONNECTING ? 'reconnecting' : 'unavailable; use Refresh');
    });
    STREAM_TYPES.forEach(function (type) { stream.addEventListener(type, onChange); });
  }

  byId('source').addEventListener('change', function (e) { state.source = e.target.value; run(function () { return loadEvents(false); }, 'events'); });
  byId('event-status').addEventListener('change', function (e) { state.eventStatus = e.target.value; run(function () { return loadEvents(false); }, 'events'); });
  byId('endpoint').addEventListener('change', function (e) {
    state.endpoint = e.target.value;
    if (state.attemptsFor) { state.attemptsFor = null; byId('attempts').hidden = true; }
    run(function () { return loadDeliveries(false); }, 'deliveries');
  });
  byId('delivery-status').addEventListener('change', function (e) { state.deliveryStatus = e.target.value; run(function () { return loadDeliveries(false); }, 'deliveries'); });
  byId('events-more').addEventListener('click', function () { run(function () { return loadEvents(true); }, 'events'); });
  byId('deliveries-more').addEventListener('click', function () { run(function () { return loadDeliveries(true); }, 'deliveries'); });
  byId('refresh').addEventListener('click', refreshAll);
  byId('attempts-close').addEventListener('click', closeAttempts);
  byId('attempts').addEventListener('keydown', function (e) { if (e.key === 'Escape') closeAttempts(); });

  connectStream();
  refreshAll().then(function () { document.body.dataset.ready = 'true'; });
})();
`;

function body(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Webhook gateway console</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<a class="visually-hidden" href="#main">Skip to content</a>
<header>
  <h1>Webhook gateway console</h1>
  <p class="live">Live updates: <span id="live-state">connecting</span></p>
  <button type="button" id="refresh" class="primary">Refresh</button>
</header>
<main id="main">
  <noscript><p class="error">The console needs JavaScript.</p></noscript>
  <p id="notice" class="notice" role="status" aria-live="polite" aria-atomic="true"></p>
  <p id="error" class="error" role="alert" hidden></p>

  <section aria-labelledby="deliveries-heading">
    <h2 id="deliveries-heading">Outbound deliveries</h2>
    <div class="controls">
      <div class="field"><label for="endpoint">Endpoint</label><select id="endpoint"></select></div>
      <div class="field"><label for="delivery-status">Delivery status</label>
        <select id="delivery-status">
          <option value="">Any</option><option value="pending">pending</option><option value="retrying">retrying</option>
          <option value="succeeded">succeeded</option><option value="failed">failed</option><option value="exhausted">exhausted</option>
        </select></div>
    </div>
    <table id="deliveries" tabindex="-1" aria-describedby="deliveries-updated">
      <caption>Deliveries to the chosen endpoint, newest first. <span id="deliveries-updated"></span></caption>
      <thead><tr><th scope="col">Message</th><th scope="col">Event type</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last response</th><th scope="col">Updated</th><th scope="col">Actions</th></tr></thead>
      <tbody id="deliveries-body"></tbody>
    </table>
    <button type="button" id="deliveries-more" hidden>Load more deliveries</button>
  </section>

  <section id="attempts" aria-labelledby="attempts-heading" hidden>
    <h2 id="attempts-heading" tabindex="-1">Attempts</h2>
    <button type="button" id="attempts-close">Close attempts</button>
    <ol id="attempts-list" class="attempts"></ol>
  </section>

  <section aria-labelledby="events-heading">
    <h2 id="events-heading">Inbound events</h2>
    <div class="controls">
      <div class="field"><label for="source">Source</label><select id="source"></select></div>
      <div class="field"><label for="event-status">Event status</label>
        <select id="event-status">
          <option value="">Any</option><option value="received">received</option><option value="queued">queued</option>
          <option value="processing">processing</option><option value="processed">processed</option><option value="failed">failed</option>
        </select></div>
    </div>
    <table id="events" tabindex="-1" aria-describedby="events-updated">
      <caption>Events received from the chosen source, newest first. <span id="events-updated"></span></caption>
      <thead><tr><th scope="col">Event id</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Received</th><th scope="col">Processing attempts</th><th scope="col">Actions</th></tr></thead>
      <tbody id="events-body"></tbody>
    </table>
    <button type="button" id="events-more" hidden>Load more events</button>
  </section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

let page: { html: string; contentSecurityPolicy: string } | undefined;

/** The page and its Content-Security-Policy (computed once, on first use). */
export function consolePage(): { html: string; contentSecurityPolicy: string } {
  page ??= {
    html: body(),
    contentSecurityPolicy: [
      "default-src 'self'",
      `script-src 'self' ${sha256(SCRIPT)}`,
      `style-src 'self' ${sha256(STYLE)}`,
      "connect-src 'self'",
      // `data:` only for the empty favicon, so browsers do not ask the API for /favicon.ico.
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ].join('; '),
  };
  return page;
}

export function consoleResponse(): HttpResponse {
  const { html, contentSecurityPolicy } = consolePage();
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
    body: html,
  };
}

/** Serves the console at `GET /console` on the api function's router. */
export function registerConsoleRoute(router: Router): Router {
  return router.add('GET', '/console', async () => consoleResponse());
}
