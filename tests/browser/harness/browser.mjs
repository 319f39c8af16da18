// Debian's chromium, headless, driven by puppeteer-core (installed by npm-setup.sh into the build directory), with
// an optional fake microphone playing a WAV file once.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

function puppeteer() {
  const modules = process.env.LINGUA_BROWSER_MODULES;
  if (!modules) throw new Error('LINGUA_BROWSER_MODULES is not set (run the test through ctest)');
  return createRequire(path.join(modules, 'index.js'))('puppeteer-core');
}

export function chromiumPath() {
  const candidates = [process.env.LINGUA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no chromium found (tried ${candidates.join(', ')}): run tools/setup.sh`);
  return found;
}

// `microphone`: a WAV file the fake capture device plays once (then silence); absent: no fake audio file.
export async function launchBrowser({ microphone } = {}) {
  const args = [
    '--headless=new', '--no-first-run', '--no-default-browser-check', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-extensions', '--disable-background-networking', '--disable-component-update', '--mute-audio',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    // WebRTC between two pages of this browser: plain host candidates (mDNS names need a multicast responder).
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ];
  if (microphone) args.push(`--use-file-for-fake-audio-capture=${microphone}%noloop`);
  // Chromium's sandbox needs user namespaces, which CI containers running as root do not offer.
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  return puppeteer().launch({ executablePath: chromiumPath(), args, headless: true, protocolTimeout: 30000 });
}

// A new page that records console errors, uncaught exceptions and failed requests (a test asserts none).
export async function openPage(browser, url, problems) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 760 });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  if (url) await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  return page;
}
