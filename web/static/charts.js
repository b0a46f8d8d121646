// Line charts in plain SVG: axes with "nice" ticks, grid lines, axis labels, one polyline per
// series and a legend. No library: the service must serve everything the page needs.
import { clear, h, svg } from './dom.js';

export const PALETTE = ['#0b8a66', '#1f5fbf', '#c2410c', '#7c3aed', '#b8860b', '#be185d', '#0e7490'];

const W = 560;
const H = 240;
const PAD = { left: 58, right: 14, top: 12, bottom: 38 };

// Ticks at 1, 2, 2.5 or 5 × 10^k covering [min, max], about `count` of them; whole numbers only
// when `integer` (counts of requests have no fractions).
export function niceTicks(min, max, count = 5, integer = false) {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  if (integer) step = Math.max(1, Math.ceil(step));
  const ticks = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

const SECOND = 1000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600].map((s) => s * SECOND);

// Time ticks on round seconds, minutes or hours within [t0, t1], about `count` of them.
export function timeTicks(t0, t1, count = 4) {
  const raw = (t1 - t0) / Math.max(1, count);
  const step = TIME_STEPS.find((s) => s >= raw) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const ticks = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return { ticks, step };
}

function timeLabel(t, step) {
  const d = new Date(t);
  const pad = (n) => String(n).padStart(2, '0');
  const minutes = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return step < 60 * SECOND ? `${minutes}:${pad(d.getSeconds())}` : minutes;
}

// Draws into `container` (replacing what was there):
//   series: [{name, color?, dash?, points: [[t_ms, value|null], ...]}]  (null: a gap; dash: an
//   SVG dash array, so a line that lies on another still shows)
//   yLabel: the y axis' title; yFormat(v): tick text; yMax: a fixed top (e.g. 1 for a share);
//   integer: whole-number ticks; xLabel: the x axis' title (default "time");
//   xDomain: [t0, t1], so charts side by side share one time axis (default: the points' span)
export function lineChart(container, { series, yLabel = '', yFormat = String, yMax, integer = false, xLabel = 'time', xDomain }) {
  const points = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p[1])));
  const root = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `${yLabel} over ${xLabel}`,
  });
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;

  const ts = points.map((p) => p[0]);
  const t0 = xDomain ? xDomain[0] : ts.length ? Math.min(...ts) : Date.now() - 60_000;
  let t1 = xDomain ? xDomain[1] : ts.length ? Math.max(...ts) : Date.now();
  if (t1 <= t0) t1 = t0 + 1000;
  const top = yMax ?? Math.max(0, ...points.map((p) => p[1]));
  const yTicks = niceTicks(0, top > 0 ? top : 1, 4, integer);
  const y1 = yTicks[yTicks.length - 1];
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v) => PAD.top + plotH - (v / y1) * plotH;

  for (const v of yTicks) {
    root.append(
      svg('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }),
      svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, yFormat(v)),
    );
  }
  const { ticks: xTicks, step } = timeTicks(t0, t1, 5);
  for (const t of xTicks) {
    const anchor = x(t) < PAD.left + 24 ? 'start' : x(t) > W - PAD.right - 24 ? 'end' : 'middle';
    root.append(
      svg('line', { class: 'axis', x1: x(t), x2: x(t), y1: PAD.top + plotH, y2: PAD.top + plotH + 4 }),
      svg('text', { x: x(t), y: PAD.top + plotH + 16, 'text-anchor': anchor }, timeLabel(t, step)),
    );
  }
  root.append(
    svg('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + plotH }),
    svg('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH }),
    svg('text', { x: PAD.left + plotW / 2, y: H - 4, 'text-anchor': 'middle' }, xLabel),
    svg('text', { x: 12, y: PAD.top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${PAD.top + plotH / 2})` }, yLabel),
  );

  series.forEach((s, i) => {
    const color = s.color || PALETTE[i % PALETTE.length];
    // A gap (null) starts a new polyline, so a line never bridges missing samples.
    let run = [];
    const runs = [run];
    for (const [t, v] of s.points) {
      if (Number.isFinite(v)) run.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
      else if (run.length) runs.push((run = []));
    }
    for (const r of runs.filter((r) => r.length)) {
      root.append(
        svg('polyline', {
          class: 'series',
          stroke: color,
          'stroke-dasharray': s.dash,
          points: r.join(' '),
          dataset: { series: s.name, count: r.length },
        }),
      );
      if (r.length === 1) {
        const [px, py] = r[0].split(',');
        root.append(svg('circle', { cx: px, cy: py, r: 3, fill: color }));
      }
    }
  });
  if (!points.length) {
    root.append(svg('text', { class: 'empty-note', x: PAD.left + plotW / 2, y: PAD.top + plotH / 2, 'text-anchor': 'middle' }, 'no data yet'));
  }

  const legend = h('div', { class: 'legend' },
    series.map((s, i) => {
      const color = s.color || PALETTE[i % PALETTE.length];
      const swatch = s.dash ? `background:repeating-linear-gradient(90deg,${color} 0 5px,transparent 5px 8px)` : `background:${color}`;
      return h('span', {}, h('i', { style: swatch }), s.name);
    }));
  clear(container).append(root, legend);
}
