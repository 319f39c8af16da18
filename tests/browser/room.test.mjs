// Two people in a room through the real scheduler and a real lingua-node: Alice (English) creates a room, Bruno
// opens its link, picks Spanish as his language (the page re-joins with it), both see each other in the member
// list; Alice says "hello how are you today" and Bruno reads and hears it in Spanish, under Alice's name (the
// recognised words are counted, not matched: harness/phrase.mjs). Both
// then ask for each other's raw voice and get a WebRTC connection; Bruno leaves and Alice's page shows it.
import path from 'node:path';

import { openPage } from './harness/browser.mjs';
import { englishWordsHeard, phrase, readsAsSpanish } from './harness/phrase.mjs';
import { startStack } from './harness/stack.mjs';
import { browserTest, check, waitFor } from './harness/test.mjs';

const memberTexts = (page) => page.$$eval('#members li', (items) => items.map((li) => li.textContent));

async function setName(page, name) {
  await page.$eval('#display-name', (el, value) => {
    el.value = value;
    el.dispatchEvent(new Event('change'));
  }, name);
}

await browserTest('room', 170000, async (ctx) => {
  const { scheduler, browser } = await startStack(ctx, { speech: phrase });
  const problems = [];

  // Alice creates the room.
  const alice = await openPage(await browser.createBrowserContext(), `${scheduler.url}/`, problems);
  ctx.pages.set('alice', alice);
  await waitFor('Alice\'s session', () => alice.$('#status[data-state="ready"]'), 15000);
  await setName(alice, 'Alice');
  await alice.click('#room-create');
  const code = await waitFor('the room code', () => alice.$eval('body', (b) => b.dataset.room), 10000);
  const link = await alice.$eval('#room-link', (a) => a.href);
  check(link === `${scheduler.url}/?room=${code}`, `the share link names the room (${link})`);

  // Bruno opens the link, then says he speaks Spanish: the page joins again with his language.
  const bruno = await openPage(await browser.createBrowserContext(), link, problems);
  ctx.pages.set('bruno', bruno);
  await waitFor('Bruno to be in the room', () => bruno.$(`body[data-room="${code}"]`), 15000);
  await setName(bruno, 'Bruno');
  await bruno.select('#src-lang', 'es');
  await waitFor('both members, Bruno in Spanish, on Alice\'s page', async () => {
    const members = await memberTexts(alice);
    return members.length === 2 && members.some((m) => m.startsWith('Bruno') && /Spanish/.test(m));
  }, 15000);
  await waitFor('both members on Bruno\'s page', async () => (await memberTexts(bruno)).length === 2, 15000);
  await alice.screenshot({ path: path.join(ctx.dir, '1-alice-room.png') });
  await bruno.screenshot({ path: path.join(ctx.dir, '1-bruno-room.png') });

  // Alice speaks.
  await alice.click('#talk');
  await waitFor('Bruno to read Alice in Spanish', () => bruno.$('body[data-results]'), 60000, 50);
  const entry = await bruno.$eval('#transcript li', (li) => ({
    who: li.querySelector('.who').textContent,
    original: li.querySelector('.original').textContent,
    translated: li.querySelector('.translated').textContent,
  }));
  console.log(`Bruno's page shows: ${JSON.stringify(entry)}`);
  check(entry.who === 'Alice', `the line is Alice's (${entry.who})`);
  check(englishWordsHeard(entry.original) >= 3, `Bruno sees what Alice said (${entry.original})`);
  check(readsAsSpanish(entry.translated), `Bruno reads it in Spanish (${entry.translated})`);
  await waitFor('Alice\'s words on her own page', async () => {
    const own = await alice.$$eval('#transcript li.mine .original', (els) => els.map((e) => e.textContent));
    return own.some((t) => englishWordsHeard(t) >= 3);
  }, 20000);
  await waitFor('Bruno to hear the Spanish speech', () => bruno.$('body[data-tts-played]'), 20000);
  await alice.screenshot({ path: path.join(ctx.dir, '2-alice-spoke.png') });
  await bruno.screenshot({ path: path.join(ctx.dir, '2-bruno-heard.png') });

  // Both ask for each other's own voice: a WebRTC connection through the scheduler's relay.
  await alice.click('#raw-voice');
  await bruno.click('#raw-voice');
  await waitFor('the raw voice connection on both pages', async () =>
    (await alice.$('body[data-raw-voice-connected="1"]')) && bruno.$('body[data-raw-voice-connected="1"]'), 20000);

  // Bruno leaves.
  await bruno.click('#room-leave');
  await waitFor('Alice to see Bruno gone', async () => (await memberTexts(alice)).length === 1, 15000);
  await waitFor('the raw voice connection to end', () => alice.$('body[data-raw-voice-connected="0"]'), 10000);
  check(!(await bruno.$('body[data-room]')), 'Bruno\'s page is out of the room');
  check(problems.length === 0, `no console errors or failed requests: ${problems.join('; ')}`);
});
