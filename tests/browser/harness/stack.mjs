// What most browser tests start: the real scheduler, optionally a real lingua-node, and chromium with a fake
// microphone saying `speech` (flite). Everything is stopped by the test's cleanup, the scheduler by whatever
// stack.scheduler is then (a test may restart it).
import { launchBrowser } from './browser.mjs';
import { startNode, startScheduler } from './processes.mjs';
import { fliteSpeech } from './speech.mjs';

export async function startStack(ctx, { node = true, speech = null } = {}) {
  const microphone = speech ? fliteSpeech(ctx.dir, 'speech', speech) : undefined;
  const stack = { scheduler: await startScheduler(ctx.dir), node: null, browser: null };
  ctx.processes.push(stack.scheduler);
  ctx.cleanup.push(() => stack.scheduler.stop());
  if (node) {
    stack.node = await startNode(ctx.dir, stack.scheduler);
    ctx.processes.push(stack.node);
    ctx.cleanup.push(() => stack.node.stop());
  }
  stack.browser = await launchBrowser({ microphone });
  ctx.cleanup.push(() => stack.browser.close());
  return stack;
}
