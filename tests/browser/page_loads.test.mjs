// The page the scheduler serves at "/" loads in Chromium from the scheduler alone: every file it names comes from
// the scheduler with a type the browser accepts (module scripts are refused under nosniff with a wrong type), the
// Content-Security-Policy lets the page run, and a reload revalidates by ETag (304).
import path from 'node:path';

import { launchBrowser, openPage } from './harness/browser.mjs';
import { startScheduler } from './harness/processes.mjs';
import { browserTest, check, waitFor } from './harness/test.mjs';

await browserTest('page_loads', 60000, async (ctx) => {
  const scheduler = await startScheduler(ctx.dir);
  ctx.processes.push(scheduler);
  ctx.cleanup.push(() => scheduler.stop());
  const browser = await launchBrowser();
  ctx.cleanup.push(() => browser.close());

  const problems = [];
  const responses = [];
  const page = await openPage(browser, null, problems);
  ctx.pages.set('client', page);
  page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
  await page.goto(`${scheduler.url}/`, { waitUntil: 'load', timeout: 15000 });
  await waitFor('the page script to start', () => page.$('[data-state]'), 10000);

  for (const r of responses) check(r.url.startsWith(scheduler.url), `the page fetched ${r.url}, not from the scheduler`);
  check(responses.some((r) => r.url.endsWith('.js')), 'the page loaded a script');
  check(problems.length === 0, `no console errors or failed requests: ${problems.join('; ')}`);
  await page.screenshot({ path: path.join(ctx.dir, 'client.png') });

  responses.length = 0;
  await page.reload({ waitUntil: 'load', timeout: 15000 });
  const index = responses.find((r) => r.url === `${scheduler.url}/`);
  check(index && index.status === 304, `the reloaded page was revalidated by its ETag (got ${JSON.stringify(index)})`);
});
