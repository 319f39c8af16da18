// The real lingua-scheduler (embedded Redis) and a real lingua-node as child processes on loopback, for browser
// tests. Logs go to files under the test's artefact directory and are printed when the test fails.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const nodeToken = 'browser-test-node-token-0123456789';

const binaryDir = () => {
  const dir = process.env.LINGUA_BINARY_DIR;
  if (!dir) throw new Error('LINGUA_BINARY_DIR is not set (run the test through ctest)');
  return dir;
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// A child process whose output is kept in a log file; stop() sends SIGTERM, then SIGKILL after a grace period.
class child {
  constructor(name, argv, logPath) {
    this.name = name;
    this.logPath = logPath;
    this.log = fs.openSync(logPath, 'a');
    this.proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', this.log, this.log] });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.running = true;
    this.exited.then(() => { this.running = false; });
  }

  text() { return fs.existsSync(this.logPath) ? fs.readFileSync(this.logPath, 'utf8') : ''; }

  async waitForLog(needle, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.text().includes(needle)) return true;
      if (!this.running) return false;
      await sleep(100);
    }
    return false;
  }

  async stop(graceMs = 5000) {
    if (this.running) {
      this.proc.kill('SIGTERM');
      const done = await Promise.race([this.exited, sleep(graceMs).then(() => null)]);
      if (!done && this.running) {
        this.proc.kill('SIGKILL');
        await this.exited;
      }
    }
    fs.closeSync(this.log);
  }
}

async function httpOk(port, target) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${target}`, { signal: AbortSignal.timeout(1000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

// Starts lingua-scheduler on a free loopback port with its embedded Redis and waits for GET /health.
// `extraArgs` are further flags (the last occurrence of a flag wins); `port` restarts one where another was.
export async function startScheduler(artifactDir, extraArgs = [], { port: wantedPort } = {}) {
  const port = wantedPort ?? await freePort();
  const argv = [path.join(binaryDir(), 'lingua-scheduler'), '--host=127.0.0.1', `--port=${port}`,
    `--instance-id=browser-${port}`, `--auth.node_token=${nodeToken}`, '--log-level=debug',
    ...extraArgs];
  const proc = new child('lingua-scheduler', argv, path.join(artifactDir, `scheduler-${port}.log`));
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`lingua-scheduler exited at start-up:\n${proc.text()}`);
    if (await httpOk(port, '/health')) {
      proc.port = port;
      proc.url = `http://127.0.0.1:${port}`;
      return proc;
    }
    await sleep(100);
  }
  await proc.stop();
  throw new Error(`lingua-scheduler did not become healthy:\n${proc.text()}`);
}

// Starts a real lingua-node against `scheduler` with the test's node token and waits until it registered.
export async function startNode(artifactDir, scheduler, extraArgs = []) {
  const argv = [path.join(binaryDir(), 'lingua-node'),
    `--scheduler=ws://127.0.0.1:${scheduler.port}/ws/node?token=${nodeToken}`, '--workers=2',
    '--heartbeat-interval-ms=500', '--log-level=debug',
    // The test machine is shared with other builds: report the node's own CPU, not the machine's.
    '--report-cpu=process', ...extraArgs];
  const proc = new child('lingua-node', argv, path.join(artifactDir, 'node.log'));
  if (!(await proc.waitForLog('registered with the scheduler as ', 60000))) {
    await proc.stop();
    throw new Error(`lingua-node did not register:\n${proc.text()}`);
  }
  // Ready for jobs (its first heartbeat arrived) as the operator API shows it, which the page reads too.
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${scheduler.url}/api/v1/cluster`, { signal: AbortSignal.timeout(2000) });
      const body = res.ok ? await res.json() : {};
      if ((body.nodes ?? []).some((n) => n.online && n.status === 'ready')) return proc;
    } catch { /* the scheduler is busy: ask again */ }
    await sleep(100);
  }
  await proc.stop();
  throw new Error(`lingua-node registered but never showed as ready in /api/v1/cluster:\n${proc.text()}`);
}
