// The live dashboard: polls /stats (the numbers now) and /stats/history (the service's own record
// of them over time) every couple of seconds and redraws big numbers, charts and alerts.
import { api } from './api.js';
import { lineChart } from './charts.js';
import { $, clear, h, ms, number, percent, plural } from './dom.js';

const POLL_MS = 2000;
const STALE_MS = 3 * POLL_MS;
// p99 dashed: with few scans it often equals p90, which then shows through its gaps.
const LATENCY_SERIES = [
  ['p50', '#0b8a66'],
  ['p90', '#1f5fbf'],
  ['p99', '#c2410c', '7 5'],
];

// When /stats/history cannot be had, the page keeps its own points from /stats polls.
const localHistory = [];
let lastOk = 0;

function queueDepth(stats) {
  let depth = stats.cpu_queue || 0;
  for (const m of stats.models || []) depth += m.queue_depth || 0;
  return depth;
}

function pointOf(stats, t) {
  const firing = Object.entries(stats.alerts || {}).filter(([, a]) => a.firing).map(([name]) => name);
  return {
    t,
    latency_ms: stats.latency_ms || { overall: {}, by_source: {} },
    hit_rate: stats.hit_rate || 0,
    cards_per_hour: stats.cards_per_hour || 0,
    queue_depth: queueDepth(stats),
    in_flight: stats.in_flight || 0,
    alerts_firing: firing,
  };
}

function setTile(id, value, sub, level) {
  const tile = $(`#${id}`);
  tile.querySelector('[data-value]').textContent = value;
  tile.querySelector('[data-sub]').textContent = sub;
  if (level) tile.dataset.level = level;
  else delete tile.dataset.level;
}

const ALERT_TEXT = {
  slow_requests: (a) =>
    `${percent(a.share)} of the last ${plural(a.observed, 'scan')} took over ${ms(a.slow_ms)} (limit ${percent(a.max_share)})`,
};

function describeAlert(name, alert) {
  const text = ALERT_TEXT[name];
  return text ? text(alert) : JSON.stringify(alert);
}

function alertTitle(name) {
  return name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function renderNow(stats) {
  const overall = (stats.latency_ms && stats.latency_ms.overall) || {};
  const count = overall.count || 0;
  setTile('tile-p50', count ? ms(overall.p50) : '—', count ? `p90 ${ms(overall.p90)}` : 'no scans yet');
  setTile('tile-p99', count ? ms(overall.p99) : '—', `over the last ${plural(count, 'scan')}`);
  setTile('tile-cards', number(stats.cards_per_hour || 0), 'cards identified, at the recent pace');
  setTile('tile-hit', percent(stats.hit_rate || 0), 'answered from the cache');
  // /stats counts the request that asks for it among those in flight; the page leaves it out.
  const inFlight = Math.max(0, (stats.in_flight || 0) - 1);
  setTile('tile-queue', number(queueDepth(stats)), `${plural(inFlight, 'request')} in flight`);

  const alerts = Object.entries(stats.alerts || {});
  const firing = alerts.filter(([, a]) => a.firing);
  setTile('tile-alerts', firing.length ? `${firing.length} firing` : 'All clear', `${alerts.length} watched`, firing.length ? 'bad' : 'ok');

  const banner = $('#alert-banner');
  banner.hidden = firing.length === 0;
  clear(banner).append(
    ...firing.map(([name, a]) => h('div', {}, `⚠ ${alertTitle(name)} — firing`, h('small', {}, describeAlert(name, a)))),
  );
  const degraded = $('#degraded-banner');
  degraded.hidden = !stats.degraded;
  clear(degraded).append('Degraded', h('small', {}, (stats.degraded_reasons || []).join('; ')));

  clear($('#alert-list')).append(
    ...alerts.map(([name, a]) =>
      h('li', { dataset: { alert: name } },
        h('span', { class: 'state-pill', 'data-firing': String(!!a.firing) }, a.firing ? 'firing' : 'ok'),
        h('strong', {}, alertTitle(name)),
        h('span', { class: 'muted' }, describeAlert(name, a)))),
  );
  if (!alerts.length) $('#alert-list').append(h('li', { class: 'muted' }, 'No alerts configured'));
}

// One latency chart for all sources together and one per source that answered.
function renderLatency(points, xDomain) {
  const sources = [...new Set(points.flatMap((p) => Object.keys(p.latency_ms.by_source || {})))].sort();
  const anchor = $('#latency-charts-anchor');
  const wanted = ['(all)', ...sources];
  for (const source of wanted) {
    let panel = document.querySelector(`[data-latency-source="${CSS.escape(source)}"]`);
    if (!panel) {
      const title = source === '(all)' ? 'Latency · all sources' : `Latency · ${source}`;
      panel = h('div', { class: 'panel chart-panel', dataset: { latencySource: source } }, h('h2', {}, title), h('div', { class: 'chart-host' }));
      anchor.before(panel);
    }
    const of = (p) => (source === '(all)' ? p.latency_ms.overall : (p.latency_ms.by_source || {})[source]);
    lineChart(panel.querySelector('.chart-host'), {
      series: LATENCY_SERIES.map(([q, color, dash]) => ({
        name: q,
        color,
        dash,
        points: points.map((p) => {
          const s = of(p);
          return [p.t, s && s.count ? s[q] : null];
        }),
      })),
      yLabel: 'ms',
      yFormat: (v) => number(v),
      xDomain,
    });
  }
}

function renderHistory(points) {
  // Every chart on one time axis: the whole history's.
  const xDomain = points.length ? [points[0].t, Math.max(points[points.length - 1].t, points[0].t + 1000)] : undefined;
  renderLatency(points, xDomain);
  lineChart($('#chart-hit'), {
    series: [{ name: 'hit rate', points: points.map((p) => [p.t, p.hit_rate]) }],
    yLabel: 'share',
    yMax: 1,
    yFormat: (v) => percent(v),
    xDomain,
  });
  lineChart($('#chart-cards'), {
    series: [{ name: 'cards / hour', color: '#1f5fbf', points: points.map((p) => [p.t, p.cards_per_hour]) }],
    yLabel: 'cards / hour',
    yFormat: (v) => number(v),
    xDomain,
  });
  lineChart($('#chart-queue'), {
    series: [
      { name: 'queue depth', color: '#c2410c', points: points.map((p) => [p.t, p.queue_depth]) },
      { name: 'in flight', color: '#7c3aed', points: points.map((p) => [p.t, p.in_flight]) },
    ],
    yLabel: 'requests',
    integer: true,
    yFormat: (v) => number(v),
    xDomain,
  });
}

async function poll() {
  const [stats, history] = await Promise.allSettled([api.stats(), api.statsHistory()]);
  const now = Date.now();
  if (stats.status === 'fulfilled') {
    renderNow(stats.value);
    localHistory.push(pointOf(stats.value, now));
    if (localHistory.length > 900) localHistory.shift();
  }
  let points = localHistory;
  let source = 'this page';
  if (history.status === 'fulfilled' && Array.isArray(history.value.points) && history.value.points.length) {
    points = history.value.points;
    source = 'the service';
  }
  renderHistory(points);
  const updated = $('#updated');
  if (stats.status === 'fulfilled') {
    lastOk = now;
    delete updated.dataset.stale;
    updated.textContent = `live · updated ${new Date(now).toLocaleTimeString()} · history from ${source}`;
  } else if (now - lastOk > STALE_MS) {
    updated.dataset.stale = '';
    updated.textContent = `no answer from cardmintd since ${lastOk ? new Date(lastOk).toLocaleTimeString() : 'the page opened'}`;
  }
}

async function loop() {
  try {
    await poll();
  } finally {
    setTimeout(loop, POLL_MS);
  }
}

loop();
