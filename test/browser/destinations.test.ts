/**
 * The console's Destinations view (local runtime only) in Debian's Chromium: an event sent with
 * `npm run send` to a source whose destination is an EventBridge bus reaches the local PutEvents
 * stand-in through the real SDK client, and the page lists it under that source and destination
 * (detail type, event id, time) as `GET /local/destinations` has it, under the strict CSP and
 * without axe-core violations. The deployed console (built without `local`) has no such view.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsolePages } from '../../console/build';
import { eventually } from '../support/receiver';
import { runCli, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';
import { axeViolations, collectErrors, envEntries, jsonClient, launchChromium, screenshot } from './support';

const BUS_ARN = 'arn:aws:events:us-east-1:000000000000:event-bus/orders';

let runtime: RuntimeProcess;
let browser: Browser;
let page: Page;
let errors: string[];
let config: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-console-destinations-'));
  config = path.join(dir, 'webhooks.config.json');
  writeFileSync(config, JSON.stringify({ sources: [{ name: 'stripe', provider: 'stripe', destinations: [{ type: 'eventBridge', eventBusArn: BUS_ARN }] }] }));
  runtime = await startRuntimeProcess({ env: { WEBHOOKS_CONFIG: config } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('the Destinations view', () => {
  it('lists the event the EventBridge stand-in received, per source and destination', async () => {
    const env = envEntries(runtime.envFile);
    const { code, output } = await runCli('local/send.ts', ['stripe'], {
      PORT: String(runtime.port),
      WEBHOOKS_ENV_FILE: runtime.envFile,
      WEBHOOKS_CONFIG: config,
      WEBHOOK_SECRET_STRIPE: env.WEBHOOK_SECRET_STRIPE!,
    });
    expect(code, output).toBe(0);
    const api = jsonClient(runtime.url);
    let received: Array<{ id: string; detailType: string; time: string; detail: { eventId: string; eventType: string } }> = [];
    await eventually(
      async () => {
        received = (await api('/local/destinations')).body.sources.stripe['eventBridge-orders'].received;
        return received.length === 1;
      },
      15_000,
      'the stand-in received the event',
    );
    const [busEvent] = received;
    expect(busEvent!.detail.eventId).toMatch(/^evt_/);

    await page.goto(`${runtime.url}/console`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('heading', { name: 'Destinations', level: 2 }).waitFor();
    const table = page.locator('[data-source="stripe"] table[data-destination="eventBridge-orders"]');
    await table.waitFor();
    expect(await page.locator('[data-source="stripe"] h3').textContent()).toBe('Source stripe');
    expect(await table.locator('caption').textContent()).toContain(BUS_ARN);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual([busEvent!.detailType, busEvent!.detail.eventId, busEvent!.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')]);
    expect(busEvent!.detailType).toBe(busEvent!.detail.eventType);
    expect(cells[3]).toBe(`entry ${busEvent!.id}`);
    expect(await rows.first().locator('time').getAttribute('datetime')).toBe(busEvent!.time);

    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'destinations');
  });

  it('is left out of the deployed console', () => {
    const script = (html: string) => /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const deployed = script(buildConsolePages().console!.html);
    expect(deployed).toContain('/api/v1');
    expect(deployed).not.toContain('/local');
    expect(script(buildConsolePages({ local: true }).console!.html)).toContain('/local');
  });
});
