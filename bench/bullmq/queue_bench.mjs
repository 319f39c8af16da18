// The job-queue baseline: `--jobs N` no-op jobs through BullMQ on a given Redis, as the issue measured it
// (awaited add() from `--producers` concurrent producers, one Worker with concurrency `--concurrency`, completed
// jobs removed). Prints a short report on stderr and one JSON object on stdout: jobs/s, add → completed latency,
// Redis commands and CPU per job (INFO commandstats / cpu before and after), this process's CPU per job.
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const redisUrl = option('redis', 'redis://127.0.0.1:6379');
const jobs = Number(option('jobs', '20000'));
const producers = Number(option('producers', '50'));
const concurrency = Number(option('concurrency', '50'));
const queueName = option('queue', `lingua-baseline-${process.pid}`);

async function readRedis(client) {
  const text = (await client.info('commandstats')) + (await client.info('cpu'));
  const commands = {};
  let cpu = 0;
  for (const line of text.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) commands[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
    const c = /^used_cpu_(user|sys):([\d.]+)/.exec(line);
    if (c) cpu += Number(c[2]);
  }
  return { commands, cpu };
}

function costBetween(before, after) {
  let calls = 0;
  let scripts = 0;
  for (const [name, now] of Object.entries(after.commands)) {
    if (name === 'info' || name.startsWith('config')) continue;
    const delta = now.calls - (before.commands[name]?.calls ?? 0);
    calls += delta;
    if (name.startsWith('eval') || name === 'fcall') scripts += delta;
  }
  return { calls, scripts, cpuUs: (after.cpu - before.cpu) * 1e6 };
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.round(q * (sorted.length - 1))] : 0;
}

const connection = { maxRetriesPerRequest: null };
const meter = new IORedis(redisUrl, connection);
const queue = new Queue(queueName, {
  connection: new IORedis(redisUrl, connection),
  defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
});
const addedAt = new Map();
const latencies = [];
let completed = 0;
let finish;
const allDone = new Promise((resolve) => { finish = resolve; });
const worker = new Worker(queueName, async () => null, {
  connection: new IORedis(redisUrl, connection),
  concurrency,
});
worker.on('completed', (job) => {
  const t = addedAt.get(job.id);
  if (t !== undefined) latencies.push(performance.now() - t);
  addedAt.delete(job.id);
  if (++completed === jobs) finish();
});
worker.on('failed', (job, err) => console.error(`job ${job?.id} failed: ${err}`));
await worker.waitUntilReady();
await queue.waitUntilReady();

const before = await readRedis(meter);
const cpuBefore = process.cpuUsage();
const started = performance.now();
let next = 0;
async function producer() {
  while (next < jobs) {
    next++;
    const t = performance.now();
    const job = await queue.add('noop', { n: next });
    if (!addedAt.has(job.id)) addedAt.set(job.id, t);
  }
}
await Promise.all(Array.from({ length: producers }, producer));
const timeout = setTimeout(() => finish(), 120000);
await allDone;
clearTimeout(timeout);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const after = await readRedis(meter);
const cost = costBetween(before, after);
latencies.sort((a, b) => a - b);
const report = {
  system: 'bullmq',
  jobs,
  completed,
  seconds,
  jobs_per_second: completed / seconds,
  producers,
  concurrency,
  latency_ms: { p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), p99: quantile(latencies, 0.99),
                max: quantile(latencies, 1) },
  redis_commands_per_job: cost.calls / completed,
  redis_scripts_per_job: cost.scripts / completed,
  redis_cpu_us_per_job: cost.cpuUs / completed,
  client_cpu_us_per_job: (cpu.user + cpu.system) / completed,
};
console.error(`bullmq: ${completed} jobs in ${seconds.toFixed(2)} s = ${report.jobs_per_second.toFixed(0)} jobs/s; ` +
              `p50 ${report.latency_ms.p50.toFixed(2)} ms, p99 ${report.latency_ms.p99.toFixed(2)} ms; ` +
              `Redis ${report.redis_commands_per_job.toFixed(1)} commands and ${report.redis_cpu_us_per_job.toFixed(1)} ` +
              `µs CPU per job`);
console.log(JSON.stringify(report));
await worker.close();
await queue.obliterate({ force: true }).catch(() => {});
await queue.close();
meter.disconnect();
process.exit(completed === jobs ? 0 : 1);
