// A browser test: one async body with a hard time bound, an artefact directory (screenshots, logs) under the build
// directory, and on failure a screenshot of every open page and the logs of the processes it started.
import fs from 'node:fs';
import path from 'node:path';

export function artifactDir(name) {
  const root = process.env.LINGUA_BROWSER_ARTIFACTS || path.join(process.cwd(), 'browser-artifacts');
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// Polls `probe` (async, returns a value or a falsy one) until truthy or `timeoutMs` passes; throws with `what`.
export async function waitFor(what, probe, timeoutMs, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// Runs body(ctx) within timeoutMs. ctx.dir is the artefact directory; ctx.pages (name → page) are screenshotted
// on failure; ctx.cleanup functions run last, in reverse order, whatever happened.
export async function browserTest(name, timeoutMs, body) {
  const ctx = { dir: artifactDir(name), pages: new Map(), cleanup: [], processes: [] };
  let failure = null;
  const timer = new Promise((_, reject) => {
    ctx.timeout = setTimeout(() => reject(new Error(`test did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([body(ctx), timer]);
  } catch (e) {
    failure = e;
  }
  clearTimeout(ctx.timeout);
  if (failure) {
    for (const [pageName, page] of ctx.pages) {
      try {
        await page.screenshot({ path: path.join(ctx.dir, `failure-${pageName}.png`) });
        fs.writeFileSync(path.join(ctx.dir, `failure-${pageName}.txt`),
          await page.evaluate(() => document.body.innerText));
      } catch { /* the page may be gone */ }
    }
  }
  for (const fn of ctx.cleanup.reverse()) {
    try { await fn(); } catch (e) { console.error(`cleanup: ${e.message}`); }
  }
  // Under the sanitize flavour a report in a process's log fails the test even when the page looked right.
  const report = ctx.processes.find((p) => /ERROR: (Address|Leak)Sanitizer|runtime error:/.test(p.text()));
  if (!failure && report) failure = new Error(`${report.name} logged a sanitizer report`);
  if (failure) {
    for (const p of ctx.processes) console.error(`---- ${p.name} log ----\n${p.text().slice(-20000)}---- end ----`);
    console.error(`FAILED ${name}: ${failure.stack || failure}`);
    console.error(`artefacts: ${ctx.dir}`);
    process.exit(1);
  }
  console.log(`PASSED ${name} (artefacts: ${ctx.dir})`);
  process.exit(0);
}
