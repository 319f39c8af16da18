// The operator dashboard: polls the API of the instance that served it (GET /api/v1/cluster, /api/v1/stats,
// /metrics) and renders the cluster overview, instances, nodes (filterable), pools and uncovered pairs, jobs per
// second and latency charts, errors by code and rooms. Nothing is fetched from anywhere else (docs/api.md).
//
// URL parameters: ?token=<api token> (sent as a Bearer header; kept for the tab in sessionStorage and taken out of
// the address bar),
// ?interval=<ms> between polls (default 2000), ?window=<minutes> of chart history (default 10).
import { drawChart } from './charts.js';
import { histogramDelta, parseMetrics, sum } from './metrics.js';

const params = new URLSearchParams(window.location.search);
if (params.get('token')) {
  sessionStorage.setItem('lingua-api-token', params.get('token'));
  params.delete('token');  // out of the address bar, the history and screenshots
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
}
const token = sessionStorage.getItem('lingua-api-token');
const interval = Math.max(200, Number(params.get('interval')) || 2000);
const windowMs = Math.max(1, Number(params.get('window')) || 10) * 60000;

const $ = (id) => document.getElementById(id);
const history = [];  // {t, samples} per scrape of /metrics, within the window
let lastCluster = null;

async function getJson(path) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const res = await fetch(path, { headers, cache: 'no-store' });
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(cells, attrs = {}) {
  const tr = document.createElement('tr');
  for (const [k, v] of Object.entries(attrs)) tr.dataset[k] = v;
  for (const c of cells) tr.append(c instanceof Node ? c : cell(String(c)));
  return tr;
}

function fill(tableId, rows, empty) {
  const body = $(tableId).querySelector('tbody');
  if (rows.length === 0) {
    const td = cell(empty, 'note');
    td.colSpan = $(tableId).querySelectorAll('th').length;
    body.replaceChildren(row([td]));
  } else {
    body.replaceChildren(...rows);
  }
}

const ago = (ms) => (ms < 0 ? '—' : ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);
const duration = (s) => (s == null ? '—' : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`);

function card(key, label, value, bad = false) {
  const div = document.createElement('div');
  div.className = bad ? 'card bad' : 'card';
  div.dataset.metric = key;
  const v = document.createElement('div');
  v.className = 'value';
  v.textContent = String(value);
  const l = document.createElement('div');
  l.className = 'label';
  l.textContent = label;
  div.append(v, l);
  return div;
}

function renderOverview(c, stats, jobs) {
  const capacity = c.pools.reduce((n, p) => n + p.slots.capacity, 0);
  const cards = [
    card('instances', 'instances online', `${c.online_instances} / ${c.total_instances}`, c.online_instances < c.total_instances),
    card('redis', 'Redis', c.redis.up ? 'up' : 'down', !c.redis.up),
    card('nodes-ready', 'nodes ready', `${c.ready_nodes} / ${c.total_nodes}`),
    card('nodes-total', 'nodes', c.total_nodes),
    card('sessions', 'sessions (cluster)', c.total_sessions),
    card('web-clients', 'web clients here', stats ? stats.web_clients.active_users : '—'),
    card('slots', 'slots used / capacity', `${c.slots_held} / ${capacity}`),
    card('backlog', 'jobs waiting', c.backlog_length, c.backlog_length > 0),
    card('jobs-completed', 'jobs completed here', jobs.completed ?? '—'),
    card('jobs-failed', 'jobs failed here', jobs.failed ?? '—', (jobs.failed ?? 0) > 0),
    card('dead-letters', 'dead letters', c.total_dlq, c.total_dlq > 0),
    card('rooms', 'rooms', c.rooms.total),
  ];
  $('overview').replaceChildren(...cards);
}

function renderInstances(c) {
  fill('instances', c.instances.map((i) => row([
    cell(i.instance_id + (i.is_self ? ' (this)' : '')),
    cell(i.is_online ? 'yes' : 'no', i.is_online ? 'status-ready' : 'stale'),
    ago(i.presence_expires_in_ms), i.inbox_length, i.inbox_pending, i.nodes_owned, i.sessions_owned,
    cell(i.draining ? 'draining' : '', i.draining ? 'status-draining' : ''), duration(i.uptime_seconds),
  ], { instanceId: i.instance_id })), 'no instance has presence');
}

function loadBar(used, max) {
  const bar = document.createElement('span');
  bar.className = 'bar';
  const inner = document.createElement('span');
  inner.style.width = `${Math.min(100, (100 * used) / Math.max(1, max))}%`;
  bar.append(inner);
  const td = document.createElement('td');
  td.append(bar, document.createTextNode(` ${used} / ${max}`));
  return td;
}

function renderNodes(c) {
  const text = $('node-filter').value.trim().toLowerCase();
  const status = $('status-filter').value;
  const shown = c.nodes.filter((n) => (!status || n.status === status) && (!text || [n.node_id, n.pool,
    n.owner_instance, ...n.languages, ...n.asr_langs, ...n.tts_langs].join(' ').toLowerCase().includes(text)));
  fill('nodes', shown.map((n) => row([
    n.node_id, cell(n.status, `status-${n.status}`), n.languages.join(' '), loadBar(n.current_jobs, n.max_concurrent_jobs),
    n.current_jobs, `${Math.round(n.cpu_usage)} / ${Math.round(n.gpu_usage)} / ${Math.round(n.memory_usage)}`,
    cell(ago(n.heartbeat_age_ms), n.online ? '' : 'stale'), n.owner_instance,
    n.drain ? `by ${n.drain.by}` : '',
  ], { nodeId: n.node_id, status: n.status })), c.nodes.length ? 'no node matches the filter' : 'no node is registered');
  const more = c.page.complete ? '' : ' (first page of a larger fleet)';
  $('nodes-count').textContent = `${shown.length} shown of ${c.total_nodes}${more}`;
}

function renderPools(c) {
  fill('pools', c.pools.map((p) => row([p.pool, p.members, p.free_members, `${p.slots.used} / ${p.slots.capacity}`],
    { pool: p.pool })), 'no pool: no node is registered');
  const items = c.uncovered_pairs.map((u) => {
    const li = document.createElement('li');
    li.dataset.pair = `${u.source}-${u.target}`;
    li.textContent = `${u.source} ↔ ${u.target}: ${u.reason === 'no_node' ? 'no node serves it' : 'no free node now'}`;
    return li;
  });
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'note';
    li.textContent = 'every pair in use has a free node';
    items.push(li);
  }
  $('uncovered').replaceChildren(...items);
}

function renderRooms(c) {
  $('rooms-total').textContent = `${c.rooms.total} room(s)`;
  fill('rooms', c.rooms.recent.map((r) => row([r.code, r.members, new Date(r.last_activity_ms).toLocaleTimeString()],
    { room: r.code })), 'no room');
}

// Errors: jobs that ended failed or timed out, by code, from this instance's counters.
function renderErrors(samples, minuteAgo) {
  const key = (l) => `${l.outcome}|${l.code || ''}`;
  const totals = new Map();
  for (const s of samples) {
    if (s.name === 'scheduler_jobs_total' && s.labels.outcome !== 'completed' && s.labels.outcome !== 'empty') {
      totals.set(key(s.labels), (totals.get(key(s.labels)) ?? 0) + s.value);
    }
  }
  const before = new Map();
  for (const s of minuteAgo ?? []) {
    if (s.name === 'scheduler_jobs_total') before.set(key(s.labels), (before.get(key(s.labels)) ?? 0) + s.value);
  }
  const rows = [...totals.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([k, n]) => {
    const [outcome, code] = k.split('|');
    return row([outcome, code || '—', n, minuteAgo ? n - (before.get(k) ?? 0) : '—'], { code: code || outcome });
  });
  fill('errors', rows, 'no failed job');
}

function renderCharts(now) {
  const jobs = [];
  const failed = [];
  const dispatchMean = [];
  const dispatchP95 = [];
  const uttMean = [];
  const uttP95 = [];
  for (let i = 1; i < history.length; i += 1) {
    const a = history[i - 1];
    const b = history[i];
    const dt = (b.t - a.t) / 1000;
    const ended = (s) => sum(s, 'scheduler_jobs_total') ?? 0;
    const bad = (s) => sum(s, 'scheduler_jobs_total', (l) => l.outcome === 'failed' || l.outcome === 'timed_out') ?? 0;
    jobs.push([b.t, Math.max(0, ended(b.samples) - ended(a.samples)) / dt]);
    failed.push([b.t, Math.max(0, bad(b.samples) - bad(a.samples)) / dt]);
    const d = histogramDelta(a.samples, b.samples, 'scheduler_dispatch_latency_seconds');
    if (d) {
      dispatchMean.push([b.t, d.mean]);
      if (d.p95 !== null) dispatchP95.push([b.t, d.p95]);
    }
    const u = histogramDelta(a.samples, b.samples, 'scheduler_utterance_latency_seconds');
    if (u) {
      uttMean.push([b.t, u.mean]);
      if (u.p95 !== null) uttP95.push([b.t, u.p95]);
    }
  }
  const opts = { now, windowMs };
  drawChart($('chart-jobs'), [{ name: 'ended', points: jobs }, { name: 'failed', points: failed }], opts);
  drawChart($('chart-dispatch'), [{ name: 'mean', points: dispatchMean }, { name: 'p95', points: dispatchP95 }], opts);
  drawChart($('chart-utterance'), [{ name: 'mean', points: uttMean }, { name: 'p95', points: uttP95 }], opts);
}

async function pollMetrics(now) {
  try {
    const res = await fetch('/metrics', { cache: 'no-store' });
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    const samples = parseMetrics(await res.text());
    history.push({ t: now, samples });
    while (history.length > 2 && history[0].t < now - windowMs - interval) history.shift();
    const has = samples.some((s) => s.name === 'scheduler_jobs_total');
    $('metrics-note').textContent = has ? '' : 'this scheduler exports no job counters: charts stay empty';
    return samples;
  } catch (e) {
    $('metrics-note').textContent = `metrics unavailable: ${e.message}`;
    return null;
  }
}

function setConnection(state, text) {
  const span = $('connection');
  span.dataset.state = state;
  span.textContent = text;
}

async function poll() {
  const now = Date.now();
  try {
    const [cluster, stats] = await Promise.all([getJson('/api/v1/cluster'), getJson('/api/v1/stats')]);
    const samples = await pollMetrics(now);
    if (cluster.status === 401) {
      setConnection('error', 'the API needs a token: open /dashboard?token=<api token>');
      return;
    }
    if (cluster.status === 503) {
      setConnection('redis-down', 'Redis does not answer: the scheduler dispatches nothing');
      if (lastCluster) renderOverview({ ...lastCluster, redis: { up: false } }, null, {});
      return;
    }
    if (cluster.status !== 200 || !cluster.body) throw new Error(`/api/v1/cluster answered ${cluster.status}`);
    const c = cluster.body;
    lastCluster = c;
    const jobs = {
      completed: samples ? sum(samples, 'scheduler_jobs_total', (l) => l.outcome === 'completed') : null,
      failed: samples ? sum(samples, 'scheduler_jobs_total', (l) => l.outcome === 'failed' || l.outcome === 'timed_out') : null,
    };
    renderOverview(c, stats.status === 200 ? stats.body : null, jobs);
    renderInstances(c);
    renderNodes(c);
    renderPools(c);
    renderRooms(c);
    const minuteAgo = history.find((h) => h.t >= now - 60000 - interval / 2);
    if (samples) renderErrors(samples, minuteAgo && minuteAgo.t < now ? minuteAgo.samples : null);
    renderCharts(now);
    setConnection('ok', `instance ${c.instance_id}`);
    $('updated').textContent = `updated ${new Date(now).toLocaleTimeString()}`;
  } catch (e) {
    setConnection('error', `cannot reach the scheduler: ${e.message}`);
  }
}

$('node-filter').addEventListener('input', () => lastCluster && renderNodes(lastCluster));
$('status-filter').addEventListener('change', () => lastCluster && renderNodes(lastCluster));

async function loop() {
  await poll();
  setTimeout(loop, interval);
}
loop();
