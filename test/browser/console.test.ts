/**
 * The operator console in a real (headless) Chromium against `npm start`: an exhausted delivery
 * is retried from the page and its row turns "succeeded" through the live status stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';
import { eventually, Receiver } from '../support/receiver';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let runtime: RuntimeProcess | undefined;
let receiver: Receiver | undefined;
let browser: Browser | undefined;
let page: Page;
let endpointId: string;
let messageId: string;
const consoleErrors: string[] = [];

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${runtime!.url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  receiver = await new Receiver().start();
  receiver.script('/hook', { status: 500, body: '<b id="injected">boom</b>' });
  runtime = await startRuntimeProcess({ env: { DELIVERY_RETRY_SCHEDULE: '1' } });

  const endpoint = await api('/api/v1/endpoints', { method: 'POST', body: { url: receiver.url('/hook') } });
  expect(endpoint.status).toBe(201);
  endpointId = endpoint.body.id;
  const message = await api('/api/v1/messages', { method: 'POST', body: { eventType: 'invoice.paid', payload: { id: 'in_console' } } });
  expect(message.status).toBe(202);
  messageId = message.body.id;
  await eventually(
    async () => (await api(`/api/v1/messages/${messageId}`)).body.deliveries?.[0]?.status === 'exhausted',
    30_000,
    'the delivery to be exhausted',
  );

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage();
  page.on('console', (entry) => {
    if (entry.type() === 'error') consoleErrors.push(entry.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await receiver?.stop();
});

describe('operator console', () => {
  it('is served as HTML with a strict Content-Security-Policy and no caching', async () => {
    const response = await page.goto(`${runtime!.url}/console`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['cache-control']).toBe('no-store');
    const csp = headers['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    await page.locator('body[data-ready="true"]').waitFor();
  });

  it('offers its controls by role and name, and its filters by label', async () => {
    await page.getByRole('button', { name: 'Refresh' }).waitFor();
    await page.getByLabel('Endpoint', { exact: true }).waitFor();
    await page.getByLabel('Delivery status').waitFor();
    await page.getByLabel('Source', { exact: true }).waitFor();
    await page.getByLabel('Event status').waitFor();
    expect(await page.getByRole('status').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Outbound deliveries' }).count()).toBe(1);
    // The sources come from the API.
    const sources = await page.getByLabel('Source', { exact: true }).locator('option').allTextContents();
    expect(sources.some((text) => text.startsWith('stripe'))).toBe(true);
  });

  it('shows the attempts of a failed delivery as text, never as HTML', async () => {
    await page.getByLabel('Endpoint', { exact: true }).selectOption(endpointId);
    const row = page.locator(`tr[data-message-id="${messageId}"]`);
    await row.waitFor();
    expect(await row.locator('td.status').textContent()).toBe('exhausted');

    await row.getByRole('button', { name: /^Attempts/ }).click();
    const attempts = page.locator('#attempts-list > li');
    await eventually(async () => (await attempts.count()) === 2, 10_000, 'two attempts listed');
    const first = (await attempts.first().textContent()) ?? '';
    expect(first).toContain('500');
    expect(first).toContain('<b id="injected">boom</b>');
    expect(first).toMatch(/content-type: application\/json/i);
    expect(await page.locator('#injected').count()).toBe(0);
    // Focus moved to the panel's heading; Escape closes it and returns focus to the row.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('attempts-heading');
    await page.keyboard.press('Escape');
    expect(await page.locator('#attempts').isHidden()).toBe(true);
    expect(await page.evaluate('document.activeElement && document.activeElement.dataset.focusKey')).toBe(`attempts:${messageId}`);
  });

  it('retries an exhausted delivery from its Retry button and the row turns succeeded', async () => {
    await eventually(async () => (await page.locator('#live-state').textContent()) === 'connected', 15_000, 'the live stream');
    const row = page.locator(`tr[data-message-id="${messageId}"]`);
    const retry = row.getByRole('button', { name: `Retry delivery of message ${messageId}` });
    expect(await retry.count()).toBe(1);

    receiver!.script('/hook', 200);
    await retry.click();
    await eventually(async () => (await page.getByRole('status').textContent())?.includes('Retry queued'), 10_000, 'the announcement');
    await eventually(async () => (await row.locator('td.status').textContent()) === 'succeeded', 30_000, 'the row to turn succeeded');
    expect(await row.getByRole('button', { name: /^Retry/ }).count()).toBe(0);
    expect((await api(`/api/v1/messages/${messageId}`)).body.deliveries[0].status).toBe('succeeded');
    expect(receiver!.received('/hook').length).toBe(3);
  });

  it('adds a delivery published elsewhere to the list from the live stream, without a reload', async () => {
    const published = await api('/api/v1/messages', { method: 'POST', body: { eventType: 'invoice.created', payload: { id: 'in_live' } } });
    expect(published.status).toBe(202);
    const row = page.locator(`tr[data-message-id="${published.body.id}"]`);
    await eventually(async () => (await row.locator('td.status').textContent()) === 'succeeded', 30_000, 'the new row, succeeded');
  });

  it('lists inbound events of the chosen source live and replays one', async () => {
    await page.getByLabel('Source', { exact: true }).selectOption('stripe');
    const { code, output } = await runCli('local/send.ts', ['stripe'], { PORT: String(runtime!.port), WEBHOOKS_ENV_FILE: runtime!.envFile });
    expect(code, output).toBe(0);
    const row = page.locator('#events-body tr[data-event-id]').first();
    await eventually(async () => (await row.locator('td.status').textContent()) === 'processed', 30_000, 'the event row, processed');
    const eventId = await row.getAttribute('data-event-id');
    await row.getByRole('button', { name: `Replay event ${eventId}` }).click();
    await eventually(async () => (await page.getByRole('status').textContent()) === `Replay queued for event ${eventId}.`, 10_000, 'the replay announcement');
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
