// A small SVG line chart of our own (no library): series of [time ms, value] points over a fixed time window.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706'];

function el(name, attrs) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// series: [{name, points: [[t, v], ...]}]; the chart spans [now - windowMs, now].
export function drawChart(container, series, { now, windowMs, unit = '' }) {
  const width = 320;
  const height = 140;
  const pad = { left: 40, right: 8, top: 8, bottom: 20 };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' });
  const values = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v));
  const top = niceMax(Math.max(0, ...values));
  const x = (t) => pad.left + ((t - (now - windowMs)) / windowMs) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  for (const frac of [0, 0.5, 1]) {
    const v = top * frac;
    svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    const label = el('text', { x: pad.left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' });
    label.textContent = `${Number(v.toPrecision(3))}${unit}`;
    svg.append(label);
  }
  const minutes = Math.round(windowMs / 60000);
  const left = el('text', { x: pad.left, y: height - 4, class: 'axis' });
  left.textContent = `−${minutes} min`;
  const right = el('text', { x: width - pad.right, y: height - 4, 'text-anchor': 'end', class: 'axis' });
  right.textContent = 'now';
  svg.append(left, right);
  let drawn = 0;
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]) && p[0] >= now - windowMs);
    if (pts.length === 0) return;
    drawn += pts.length;
    const d = pts.map((p, k) => `${k ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    svg.append(el('path', { d, fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 1.5 }));
    const last = pts[pts.length - 1];
    svg.append(el('circle', { cx: x(last[0]), cy: y(last[1]), r: 2, fill: COLORS[i % COLORS.length] }));
  });
  const legend = document.createElement('div');
  legend.className = 'legend';
  series.forEach((s, i) => {
    const item = document.createElement('span');
    item.textContent = s.name;
    item.style.color = COLORS[i % COLORS.length];
    legend.append(item);
  });
  container.replaceChildren(svg, legend);
  container.dataset.points = String(drawn);
}
