// The status line tells a person what happens: speech with no node to translate it ends in an error naming its
// code (NO_AVAILABLE_NODE); when the scheduler restarts, the page says it lost the connection, reconnects on its
// own and is ready again with a new session.
import path from 'node:path';

import { openPage } from './harness/browser.mjs';
import { startScheduler } from './harness/processes.mjs';
import { startStack } from './harness/stack.mjs';
import { browserTest, check, waitFor } from './harness/test.mjs';

const statusOf = (page) => page.$eval('#status', (s) => ({ state: s.dataset.state, code: s.dataset.code,
  text: s.textContent }));

await browserTest('status', 100000, async (ctx) => {
  const stack = await startStack(ctx, { node: false, speech: 'hello how are you today' });
  const { scheduler, browser } = stack;
  const problems = [];
  const page = await openPage(browser, `${scheduler.url}/`, problems);
  ctx.pages.set('client', page);
  await waitFor('the session to be ready', () => page.$('#status[data-state="ready"]'), 15000);

  // No node is connected: the utterance cannot be translated, and the page says so with the code.
  await page.click('#talk');
  const failed = await waitFor('an error on the status line', async () => {
    const s = await statusOf(page);
    return s.state === 'error' ? s : null;
  }, 30000, 50);
  check(failed.code === 'NO_AVAILABLE_NODE' && failed.text.includes('NO_AVAILABLE_NODE'),
    `the status names the code (${JSON.stringify(failed)})`);
  await page.screenshot({ path: path.join(ctx.dir, '1-no-node.png') });
  await page.click('#talk');  // stop listening

  // The scheduler restarts (graceful: close 1012): the page reconnects by itself.
  const firstSession = await page.$eval('body', (b) => b.dataset.sessionId);
  const port = scheduler.port;
  await scheduler.stop();
  await waitFor('the page to notice the lost connection', () => page.$('#status[data-state="reconnecting"]'), 15000);
  await page.screenshot({ path: path.join(ctx.dir, '2-reconnecting.png') });
  stack.scheduler = await startScheduler(ctx.dir, [], { port });
  ctx.processes.push(stack.scheduler);
  await waitFor('the page to be ready again', () => page.$('#status[data-state="ready"]'), 30000);
  const secondSession = await page.$eval('body', (b) => b.dataset.sessionId);
  check(secondSession && secondSession !== firstSession, `a new session (${firstSession} → ${secondSession})`);
  // Chromium logs a failed WebSocket connection attempt as a console error; nothing else may appear.
  const unexpected = problems.filter((p) => !/WebSocket connection to .* failed/.test(p));
  check(unexpected.length === 0, `no other console errors or failed requests: ${unexpected.join('; ')}`);
});
