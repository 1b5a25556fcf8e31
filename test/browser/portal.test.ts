/**
 * The tenant portal in Debian's Chromium against `npm start` (issue 19): a link from the
 * operator API opens tenant acme's portal, which shows and manages acme's endpoints, deliveries
 * and attempts only; every call it makes goes to `/portal/api` with the token; another tenant's
 * resources named in the address bar are not shown; an expired or altered link opens nothing.
 * axe-core and the keyboard check it under the strict CSP.
 */
import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';
import { eventually, Receiver } from '../support/receiver';
import { axeViolations, collectErrors, envEntries, jsonClient, launchChromium, screenshot } from './support';

let runtime: RuntimeProcess;
let receiver: Receiver;
let browser: Browser;
let page: Page;
let api: ReturnType<typeof jsonClient>;
let errors: string[];
const ids = { acme: '', globex: '', acmeMessage: '', globexMessage: '', globexUrl: '' };
const calls: Array<{ path: string; authorization: string | undefined }> = [];

async function link(tenant: string): Promise<string> {
  const response = await api(`/api/v1/tenants/${tenant}/portal-link`, { method: 'POST', body: { expiresInSeconds: 3600 } });
  expect(response.status).toBe(201);
  return response.body.url;
}

beforeAll(async () => {
  receiver = await new Receiver().start();
  runtime = await startRuntimeProcess();
  api = jsonClient(runtime.url);
  const acme = await api('/api/v1/endpoints', {
    method: 'POST',
    body: { url: receiver.url('/acme'), tenantId: 'acme', eventTypes: ['order.*'], description: 'Acme orders' },
  });
  const globex = await api('/api/v1/endpoints', {
    method: 'POST',
    body: { url: receiver.url('/globex-secret-hook'), tenantId: 'globex', eventTypes: ['order.*'], description: 'Globex orders' },
  });
  Object.assign(ids, { acme: acme.body.id, globex: globex.body.id, globexUrl: globex.body.url });
  ids.acmeMessage = (
    await api('/api/v1/messages', { method: 'POST', body: { eventType: 'order.created', tenantId: 'acme', payload: { order: 'A-100', total: 4200 } } })
  ).body.id;
  ids.globexMessage = (
    await api('/api/v1/messages', { method: 'POST', body: { eventType: 'order.created', tenantId: 'globex', payload: { order: 'G-7' } } })
  ).body.id;
  await eventually(async () => receiver.received('/acme').length === 1 && receiver.received('/globex-secret-hook').length === 1, 30_000, 'both deliveries');

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = collectErrors(page);
  page.on('request', (request) => {
    if (request.resourceType() === 'fetch' || request.resourceType() === 'xhr')
      calls.push({ path: new URL(request.url()).pathname, authorization: request.headers().authorization });
  });
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await receiver?.stop();
});

describe('tenant portal', () => {
  it('opens from a signed link with the strict CSP, keeps the token out of the address bar, and lists only the tenant’s endpoints', async () => {
    const url = await link('acme');
    expect(url).toMatch(new RegExp(`^${runtime.url}/portal#token=`));
    const response = await page.goto(url);
    const csp = response!.headers()['content-security-policy']!;
    expect(csp).toMatch(/script-src 'self' 'sha256-[^']+'; style-src 'self' 'sha256-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator('body').getAttribute('data-tenant')).toBe('acme');
    expect(new URL(page.url()).hash).toBe('#/');
    await page.locator(`#endpoints-body tr[data-endpoint-id="${ids.acme}"]`).waitFor();
    expect(await page.locator('#endpoints-body tr[data-endpoint-id]').count()).toBe(1);
    expect(await page.content()).not.toContain('globex');
    await screenshot(page, 'portal-endpoints');
  });

  it('shows the tenant’s deliveries, and a message with its payload and attempts', async () => {
    await page.getByRole('link', { name: `Deliveries to ${receiver.url('/acme')}` }).click();
    const row = page.locator(`#deliveries-body tr[data-message-id="${ids.acmeMessage}"]`);
    await row.waitFor();
    expect(await row.locator('td.status').textContent()).toBe('succeeded');
    await row.getByRole('link').click();
    await page.locator('#message-payload').waitFor();
    expect(JSON.parse((await page.locator('#message-payload').textContent())!)).toEqual({ order: 'A-100', total: 4200 });
    const attempt = page.locator(`ol.attempts[data-endpoint-id="${ids.acme}"] > li`);
    expect(await attempt.count()).toBe(1);
    expect(await attempt.getAttribute('data-status-code')).toBe('200');
    await screenshot(page, 'portal-message');
  });

  it('creates, edits (after trying a filter), tests and deletes an endpoint of its own tenant', async () => {
    await page.getByRole('link', { name: 'Endpoints', exact: true }).click();
    await page.getByRole('link', { name: 'Create endpoint' }).click();
    expect(await page.getByLabel('Tenant').count()).toBe(0);
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/acme-2'));
    await page.getByLabel('Event types').fill('order.*');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('#ep-secret-value').waitFor();
    const created = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    expect((await api(`/api/v1/endpoints/${created}`)).body).toMatchObject({ tenantId: 'acme', url: receiver.url('/acme-2') });

    await page.getByLabel('Filter', { exact: true }).fill('total > 1000');
    await page.getByLabel('Sample payload (JSON)').fill('{"order": "A-101", "total": 99}');
    await page.getByRole('button', { name: 'Try on the sample' }).click();
    await eventually(async () => (await page.locator('#ep-try-result').getAttribute('data-outcome')) === 'filtered', 10_000, 'the evaluation');
    await page.getByLabel('Filter', { exact: true }).fill('');
    await page.getByLabel('Description').fill('Second hook');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (await api(`/api/v1/endpoints/${created}`)).body.description === 'Second hook', 10_000, 'the save');
    await screenshot(page, 'portal-endpoint');

    await page.getByRole('button', { name: 'Send test message' }).click();
    const messageId = await (await page.locator('#ep-action-result [data-message-id]').elementHandle())!.getAttribute('data-message-id');
    await eventually(async () => receiver.received('/acme-2').some((request) => request.headers['webhook-id'] === messageId), 20_000, 'the test message');
    expect(receiver.received('/globex-secret-hook')).toHaveLength(1);

    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => (await api(`/api/v1/endpoints/${created}`)).status === 404, 10_000, 'the deletion');
  });

  it('never shows another tenant’s endpoint or message, even named in the address bar', async () => {
    for (const hash of [`#/endpoints/${ids.globex}`, `#/endpoints/${ids.globex}/deliveries`, `#/messages/${ids.globexMessage}`]) {
      await page.evaluate((target) => (location.hash = target), hash);
      await eventually(
        async () => (await page.locator('#error').isVisible()) && /not_found/.test((await page.locator('#error').textContent()) ?? ''),
        10_000,
        `the refusal of ${hash}`,
      );
      const text = await page.locator('main').textContent();
      expect(text).not.toContain(ids.globexUrl);
      expect(text).not.toContain('G-7');
      expect(text).not.toContain('Globex orders');
    }
    // Every call the page made went to the portal API with the token, none to the operator API.
    expect(calls.length).toBeGreaterThan(10);
    for (const call of calls) {
      expect(call.path.startsWith('/portal/api/'), call.path).toBe(true);
      expect(call.authorization).toMatch(/^Bearer v1\./);
    }
  });

  it('opens nothing with an expired or an altered link', async () => {
    const key = envEntries(runtime.envFile).WEBHOOKS_PORTAL_KEY!;
    const payload = Buffer.from(JSON.stringify({ t: 'acme', e: Math.floor(Date.now() / 1000) - 60 })).toString('base64url');
    const expired = `v1.${payload}.${createHmac('sha256', key).update(`v1.${payload}`).digest('base64url')}`;
    const fresh = await browser.newPage();
    const freshErrors: string[] = [];
    fresh.on('response', (response) => response.status() >= 400 && freshErrors.push(String(response.status())));
    await fresh.goto(`${runtime.url}/portal#token=${expired}`);
    await fresh.locator('body[data-ready="true"]').waitFor();
    expect(await fresh.locator('#closed-reason').textContent()).toBe('The link has expired.');
    expect(await fresh.getByRole('heading', { name: 'This link does not open the portal' }).isVisible()).toBe(true);
    await screenshot(fresh, 'portal-expired');

    const valid = new URL(await link('acme')).hash.slice('#token='.length);
    const altered = `${valid.slice(0, -4)}${valid.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await fresh.evaluate(() => sessionStorage.clear());
    await fresh.goto(`${runtime.url}/portal#token=${altered}`);
    await fresh.reload();
    await fresh.locator('body[data-ready="true"]').waitFor();
    expect(await fresh.locator('#closed-reason').textContent()).toBe('The link is not valid.');
    expect(freshErrors.every((status) => status === '401')).toBe(true);
    await fresh.close();
  });

  it('passes axe-core’s WCAG 2.1 AA rules on every view and works from the keyboard', async () => {
    for (const hash of ['#/', `#/endpoints/${ids.acme}`, `#/endpoints/${ids.acme}/deliveries`, `#/messages/${ids.acmeMessage}`, '#/endpoints/new']) {
      await page.evaluate((target) => (location.hash = target), hash);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      expect(await axeViolations(page), hash).toEqual([]);
    }
    await page.evaluate(() => (location.hash = '#/'));
    await page.locator('#endpoints-body tr[data-endpoint-id]').waitFor();
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.getByRole('link', { name: `Edit endpoint ${receiver.url('/acme')}` }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === 'endpoint-heading', 10_000, 'focus on the editor heading');
  });

  it('logged no console errors other than the refused calls of the last test', () => {
    expect(errors.filter((error) => !/HTTP 404 GET \/portal\/api\/(endpoints|messages)\/|status of 404/.test(error))).toEqual([]);
  });
});
