// Prometheus text exposition (0.0.4) → samples, and what the dashboard derives from two scrapes: rates of counters
// and latency (mean, p95) of histograms over the interval between them.

// [{name, labels: {k: v}, value}] for every sample line.
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[3])) !== null) labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

export function sum(samples, name, filter = () => true) {
  let total = 0;
  let found = false;
  for (const s of samples) {
    if (s.name === name && filter(s.labels)) {
      total += s.value;
      found = true;
    }
  }
  return found ? total : null;
}

// Mean and p95 (seconds → ms) of the observations a histogram gained between two scrapes; null when none.
export function histogramDelta(before, after, name) {
  const count = (sum(after, `${name}_count`) ?? 0) - (sum(before, `${name}_count`) ?? 0);
  if (!(count > 0)) return null;
  const total = (sum(after, `${name}_sum`) ?? 0) - (sum(before, `${name}_sum`) ?? 0);
  const buckets = new Map();
  for (const s of after) {
    if (s.name === `${name}_bucket`) buckets.set(s.labels.le, (buckets.get(s.labels.le) ?? 0) + s.value);
  }
  for (const s of before) {
    if (s.name === `${name}_bucket`) buckets.set(s.labels.le, (buckets.get(s.labels.le) ?? 0) - s.value);
  }
  const bounds = [...buckets.entries()].map(([le, n]) => [le === '+Inf' ? Infinity : Number(le), n])
    .sort((a, b) => a[0] - b[0]);
  let p95 = null;
  for (const [le, n] of bounds) {
    if (n >= 0.95 * count) {
      p95 = le;
      break;
    }
  }
  if (p95 === Infinity) p95 = bounds.length > 1 ? bounds[bounds.length - 2][0] : null;
  return { mean: (total / count) * 1000, p95: p95 === null ? null : p95 * 1000, count };
}
