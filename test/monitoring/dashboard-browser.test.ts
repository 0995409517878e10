import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createLogger } from '../../src/infra/logger.js';
import { monitoringFeature } from '../../src/monitoring/feature.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { chromiumForTests } from '../helpers/chromium.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';

const password = 'browser-test-password';
// Without the background-networking flags Chromium dials out at start, which this closed network refuses.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let service: RunningService;
let browser: Browser;
let baseUrl: string;

const chromiumFound = chromiumForTests();
// The default reporter shows no skip reasons: say it where a person running `npm test` looks.
if (chromiumFound.skipReason) console.warn(`dashboard browser test skipped: ${chromiumFound.skipReason}`);

describe.skipIf(chromiumFound.skipReason !== undefined)(
  `dashboard › in a real browser${chromiumFound.skipReason ? ` (skipped: ${chromiumFound.skipReason})` : ''}`,
  () => {
    beforeAll(async () => {
      service = await startService(
        testConfig({ ROLE: 'api', ADMIN_PASSWORD: password }),
        createLogger('silent'),
        { features: [monitoringFeature] },
      );
      await service.services.queues.deliver.add('deliver', {
        adapter: 'webhook',
        idempotencyKey: 'k',
        call: {} as never,
      });
      baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
      browser = await chromium.launch({ executablePath: chromiumFound.executable, args: chromiumArgs });
    });

    afterAll(async () => {
      await browser?.close();
      await service?.close();
      await cleanupPrefix(service.config.queuePrefix);
    });

    it('refuses the page without credentials and with wrong ones', async () => {
      const page = await browser.newPage();
      // Headless Chromium cannot prompt for the Basic challenge, so the navigation itself fails.
      await expect(page.goto(`${baseUrl}/admin/queues`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      await page.close();
      const context = await browser.newContext({ httpCredentials: { username: 'admin', password: 'nope' } });
      const response = await context.request.get(`${baseUrl}/admin/queues/api/queues`);
      expect(response.status()).toBe(401);
      await context.close();
    });

    it('logs in with basic auth and shows the three queues', async () => {
      const context = await browser.newContext({ httpCredentials: { username: 'admin', password } });
      const page = await context.newPage();
      const failed: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      const response = await page.goto(`${baseUrl}/admin/queues`);
      expect(response?.status()).toBe(200);
      for (const name of ['enrich', 'deliver', 'maintenance']) {
        await page.getByText(name, { exact: true }).first().waitFor({ timeout: 10_000 });
      }
      expect(await page.title()).toBe('rc-enrich');
      expect(failed).toEqual([]);
      await context.close();
    });
  },
);
