// The network at a glance (everyone): national totals, a map of China's hub regions with their
// sites, capacity and load, each hub coloured by its grid's carbon intensity (or by CPU load)
// with the scale beside it, charts of capacity over time by accelerator model and by region
// (GET /api/v1/capacity/history), and every site with its live capacity. Refreshed every 5 s.
import * as api from '../api.js';
import { t, tn } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, append, loading, errorBox, empty, badge, meter, table, poll, pageHeader, choices, checkedValues } from '../ui.js';
import { makeChart, palette, baseText } from '../charts.js';

const REFRESH_MS = 5000;

// The hub colours: grid carbon intensity on a fixed scale (g CO2/kWh; China's provincial
// averages run from about 100 in the hydro provinces to about 850 in the coal ones), or CPU load.
const SCALES = {
  carbon: { min: 100, max: 800, ticks: [100, 200, 300, 400, 500, 600, 700, 800], colors: ['#1a9850', '#91cf60', '#fee08b', '#fc8d59', '#d73027'] },
  load: { min: 0, max: 100, ticks: [0, 50, 100], colors: ['#1f9e89', '#d4a017', '#c0392b'] },
};
const NO_FIGURE = '#9aa3b2';

export async function render(root, ctx) {
  const updated = h('span.muted.small', { 'aria-live': 'off' });
  const cards = h('div.cards', loading());
  const mapBox = h('div.chart.map', { role: 'img' });
  const regionList = h('div#map-sites.region-list', { 'aria-label': t('network.sites_by_region') });
  const legendBox = h('div.map-legend', { dataset: { testid: 'map-legend' } });
  const colourPick = choices({
    legend: t('network.colour_by'), name: 'colour', value: 'carbon',
    options: [{ value: 'carbon', label: t('network.colour_carbon') }, { value: 'load', label: t('network.colour_load') }],
    onchange: () => { if (last) drawMap(last.sites, last.capacity); },
  });
  const metricPick = choices({
    legend: t('network.metric'), name: 'metric', value: 'used',
    options: [{ value: 'used', label: t('network.metric_used') }, { value: 'free', label: t('network.metric_free') },
      { value: 'total', label: t('network.metric_total') }],
    onchange: () => drawHistory(),
  });
  const accelChart = h('div.chart');
  const regionChart = h('div.chart');
  const historyNote = h('p.muted.small');
  const sitesBox = h('div', loading());
  root.append(
    pageHeader(t('network.title'), updated),
    cards,
    h('section.panel.map-panel', { 'aria-labelledby': 'map-title' },
      h('div.panel-head', h('h2#map-title', t('network.map_title')), colourPick),
      h('div.map-grid', h('div.map-col', mapBox, legendBox), regionList)),
    h('section.panel', { 'aria-labelledby': 'hist-title' },
      h('div.panel-head', h('h2#hist-title', t('network.history_title')), metricPick),
      h('div.chart-grid',
        h('figure', h('figcaption', t('network.by_model')), accelChart),
        h('figure', h('figcaption', t('network.by_region')), regionChart)),
      historyNote),
    h('section.panel', { 'aria-labelledby': 'sites-title' }, h('h2#sites-title', t('network.sites_title')), sitesBox));

  const [mapChart, aChart, rChart] = await Promise.all([
    makeChart(mapBox, ctx), makeChart(accelChart, ctx), makeChart(regionChart, ctx)]);
  if (!ctx.active) return;

  let regions = [];
  let last = null;  // the latest sites and capacity, to redraw the map when the colouring changes
  let history = [];
  let historyAvailable = true;
  let maxSamples = 1200;

  function drawHistory() {
    const metric = checkedValues(metricPick)[0] || 'used';
    if (!historyAvailable) {
      historyNote.textContent = t('network.history_unavailable');
      return;
    }
    historyNote.textContent = history.length < 2 ? t('network.history_gathering') : tn('network.history_note', history.length);
    const value = (c) => (metric === 'free' ? c.free : metric === 'total' ? c.total : c.total - c.free);
    const models = [...new Set(history.flatMap((s) => Object.keys(s.national.accelerators)))].sort();
    const times = history.map((s) => new Date(s.at).getTime());
    const line = (name, data, stack) => ({
      name, type: 'line', showSymbol: false, smooth: false, data, stack,
      areaStyle: stack ? { opacity: 0.25 } : undefined, emphasis: { focus: 'series' },
    });
    const common = {
      textStyle: baseText, color: palette, animation: false,
      aria: { enabled: true },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt.num(v) },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'time', splitNumber: 4, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1 },
    };
    aChart.setOption({
      ...common,
      series: models.map((m) => line(m, history.map((s, i) => [times[i], s.national.accelerators[m] ? value(s.national.accelerators[m]) : 0]))),
    }, true);
    const regionIds = [...new Set(history.flatMap((s) => Object.keys(s.by_region)))].sort();
    const name = (id) => fmt.displayName(regions.find((r) => r.id === id)) || id;
    rChart.setOption({
      ...common,
      series: regionIds.map((id) => line(name(id), history.map((s, i) => [times[i], s.by_region[id] ? value(s.by_region[id].cpus) : 0]), 'cpus')),
    }, true);
  }

  function drawMap(sites, capacity) {
    last = { sites, capacity };
    const by = checkedValues(colourPick)[0] || 'carbon';
    const byRegion = new Map(regions.map((r) => [r.id, { region: r, sites: [] }]));
    for (const s of sites) {
      if (!byRegion.has(s.region)) byRegion.set(s.region, { region: { id: s.region, name: s.region, hub: '', lat: null, lon: null }, sites: [] });
      byRegion.get(s.region).sites.push(s);
    }
    const entries = [...byRegion.values()];
    const data = entries.filter((e) => e.region.lat !== null).map((e) => {
      const cap = capacity.by_region[e.region.id];
      const total = cap ? cap.cpus.total : 0;
      const load = cap && total ? Math.round((100 * (total - cap.cpus.free)) / total) : 0;
      const fill = by === 'load' ? rampColour(SCALES.load, load) : carbonColour(e.region.carbon_g_per_kwh);
      return { name: fmt.displayName(e.region), id: e.region.id, value: [e.region.lon, e.region.lat, load, total], entry: e, cap, itemStyle: { color: fill } };
    });
    const maxCpus = Math.max(1, ...data.map((d) => d.value[3]));
    const description = t('network.map_description', {
      regions: data.map((d) => `${d.name} (${d.entry.sites.map((s) => fmt.displayName(s)).join(', ') || t('network.no_sites')}; ${t('network.load')} ${d.value[2]}%; ${hasFigure(d.entry.region.carbon_g_per_kwh) ? fmt.intensity(d.entry.region.carbon_g_per_kwh) : t('network.no_carbon')})`).join('; '),
    });
    mapBox.setAttribute('aria-label', description);
    // The hubs' dots in pixels, for the labels to keep clear of (the projection changes when
    // the map is zoomed or panned, and the labels are placed again then).
    // (Mid-resize the projection may not be ready: the dots are then left out, not guessed.)
    const dots = () => data.flatMap((d) => {
      let xy = null;
      try { xy = mapChart.convertToPixel({ geoIndex: 0 }, [d.value[0], d.value[1]]); } catch { xy = null; }
      if (!xy || !Number.isFinite(xy[0])) return [];
      const r = (12 + 26 * Math.sqrt(d.value[3] / maxCpus)) / 2;
      return [{ x: xy[0] - r, y: xy[1] - r, width: 2 * r, height: 2 * r }];
    });
    let placed = [];
    let obstacles = [];
    let lastIndex = Infinity;
    const placeLabels = (p) => {
      if (p.dataIndex <= lastIndex) { placed = []; obstacles = dots(); }
      lastIndex = p.dataIndex;
      const box = placeLabel(p.rect, p.labelRect, placed, obstacles, { width: mapChart.getWidth(), height: mapChart.getHeight() });
      placed.push(box.rect);
      const out = { x: box.rect.x, y: box.rect.y, align: 'left', verticalAlign: 'top' };
      if (box.far) out.labelLinePoints = box.line;
      return out;
    };
    mapChart.setOption({
      textStyle: baseText, animation: false,
      aria: { enabled: true, label: { description } },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          if (!p.data || !p.data.entry) return p.name;
          const d = p.data;
          const cap = d.cap;
          const lines = [`<strong>${esc(d.name)}</strong> <span style="color:#6b7588">${esc(fmt.hubName(d.entry.region))}</span>`];
          for (const s of d.entry.sites) lines.push(`● ${esc(fmt.displayName(s))} — ${esc(t('site_status.' + s.status))}`);
          if (cap) {
            lines.push(`${esc(t('network.cpu_cores'))}: ${fmt.num(cap.cpus.free)} / ${fmt.num(cap.cpus.total)} ${esc(t('network.free'))}`);
            const acc = fmt.accelerators(cap.accelerators, true);
            if (acc !== '—') lines.push(`${esc(t('network.accelerators'))}: ${esc(acc)}`);
            lines.push(`${esc(t('network.load'))}: ${d.value[2]}%`);
          }
          lines.push(...energyFacts(d.entry.region).map(([k, v]) => `${esc(k)}: ${esc(v)}`));
          return lines.join('<br>');
        },
      },
      geo: {
        map: 'china', roam: true, zoom: 1.35, center: [106, 34.5],
        itemStyle: { areaColor: '#eef2f8', borderColor: '#b9c3d3' },
        emphasis: { itemStyle: { areaColor: '#dfe7f3' }, label: { show: false } },
        regions: [{ name: '南海诸岛', itemStyle: { areaColor: '#eef2f8', borderColor: '#b9c3d3' } }],
        select: { disabled: true },
      },
      series: [{
        type: 'scatter', coordinateSystem: 'geo', data,
        symbolSize: (v) => 12 + 26 * Math.sqrt(v[3] / maxCpus),
        // Every hub keeps its label: each is moved to the first free spot around its dot, or
        // further out with a leader line, rather than hidden behind a neighbour's.
        labelLayout: placeLabels,
        labelLine: { show: true, lineStyle: { color: '#8a94a6', width: 1 } },
        label: { show: true, position: 'right', formatter: (p) => (p.data.entry.sites.length ? `${p.name} ·${p.data.entry.sites.length}` : p.name), fontSize: 11, color: '#3a4458' },
        itemStyle: { borderColor: '#fff', borderWidth: 1.5, opacity: 0.9 },
        emphasis: { scale: 1.2 },
      }],
    }, true);

    drawLegend(by);
    clear(regionList).append(h('h3.sr-only', t('network.sites_by_region')),
      h('ul', entries.map((e) => {
        const cap = capacity.by_region[e.region.id];
        const carbon = e.region.carbon_g_per_kwh;
        const facts = energyFacts(e.region);
        return h('li.region-item', { dataset: { region: e.region.id, carbon: hasFigure(carbon) ? String(carbon) : '', fill: carbonColour(carbon) } },
          h('div.region-name',
            h('span.swatch', { style: `background:${carbonColour(carbon)}`, title: hasFigure(carbon) ? fmt.intensity(carbon) : t('network.no_carbon'), 'aria-hidden': 'true' }),
            h('strong', fmt.displayName(e.region)), ' ', h('span.muted.small', fmt.hubName(e.region))),
          facts.length ? h('div.region-energy.small.muted', facts.map(([k, , short], i) => [i ? ' · ' : null, h('span', { title: k }, short)])) : null,
          cap ? h('div.region-load', meter(cap.cpus.total - cap.cpus.free, cap.cpus.total, t('network.load')),
            h('span.small', `${fmt.num(cap.cpus.free)} / ${fmt.num(cap.cpus.total)} ${t('network.cores_free')}`)) : null,
          h('ul.site-names', e.sites.length ? e.sites.map((s) => h('li',
            h('span.dot', { class: `dot dot-${s.status}`, title: t('site_status.' + s.status) }),
            h('a', { href: `#/sites/${encodeURIComponent(s.id)}` }, fmt.displayName(s)))) : h('li.muted', t('network.no_sites'))));
      })));
  }

  // The scale the hubs are coloured on: a gradient with its ticks, and grey for regions
  // without a figure (carbon only).
  function drawLegend(by) {
    const sc = SCALES[by];
    const pos = (v) => `${(100 * (v - sc.min)) / (sc.max - sc.min)}%`;
    legendBox.dataset.scale = by;
    clear(legendBox).append(
      h('div.legend-title', by === 'load' ? t('network.legend_load') : t('network.legend_carbon')),
      h('div.legend-scale',
        h('div.legend-ramp', { role: 'img', 'aria-label': t('network.legend_range', { min: sc.min, max: sc.max }),
          style: `background: linear-gradient(to right, ${sc.colors.join(', ')})` }),
        h('div.legend-ticks', { 'aria-hidden': 'true' }, sc.ticks.map((v) => h('span', { style: `left:${pos(v)}` }, by === 'load' ? `${v}%` : fmt.num(v))))),
      by === 'carbon' ? h('div.legend-none.small', h('span.swatch', { style: `background:${NO_FIGURE}` }), t('network.no_carbon')) : null);
  }

  function drawCards(sites, capacity) {
    const online = sites.filter((s) => s.status === 'online').length;
    const n = capacity.national;
    const accel = Object.entries(capacity.by_accelerator).sort();
    clear(cards).append(
      card(t('network.card_sites'), `${online} / ${sites.length}`, t('network.card_sites_sub')),
      card(t('network.card_cpus'), fmt.num(n.cpus.free), t('network.of_total', { total: fmt.num(n.cpus.total) }),
        meter(n.cpus.total - n.cpus.free, n.cpus.total, t('network.load'))),
      card(t('network.card_memory'), fmt.gb(n.memory_gb.free), t('network.of_total', { total: fmt.gb(n.memory_gb.total) })),
      card(t('network.card_accels'), accel.length ? h('span.accel-list', accel.map(([m, a]) => h('span.accel', h('strong', m), ` ${fmt.num(a.free)}/${fmt.num(a.total)}`))) : '—',
        t('network.card_accels_sub')),
      card(t('network.card_jobs'), `${fmt.num(n.running_jobs)} / ${fmt.num(n.queued_jobs)}`, t('network.card_jobs_sub')));
  }

  function drawSites(sites) {
    clear(sitesBox);
    if (!sites.length) { sitesBox.append(empty(t('network.no_sites'))); return; }
    const regionName = (id) => fmt.displayName(regions.find((r) => r.id === id)) || id;
    sitesBox.append(table([
      { label: t('col.site'), cell: (s) => h('a', { href: `#/sites/${encodeURIComponent(s.id)}` }, fmt.displayName(s)) },
      { label: t('col.region'), cell: (s) => regionName(s.region) },
      { label: t('col.kind'), class: 'nowrap', cell: (s) => t('site_kind.' + s.kind) },
      { label: t('col.grid_carbon'), class: 'num', cell: (s) => {
        const c = regions.find((r) => r.id === s.region)?.carbon_g_per_kwh;
        return hasFigure(c) ? h('span', h('span.swatch', { style: `background:${carbonColour(c)}`, 'aria-hidden': 'true' }), fmt.intensity(c)) : '—';
      } },
      { label: t('col.status'), class: 'nowrap', cell: (s) => badge(s.status, 'site_status') },
      { label: t('col.cpus_free'), class: 'num', cell: (s) => (s.capacity ? `${fmt.num(s.capacity.cpus.free)} / ${fmt.num(s.capacity.cpus.total)}` : '—') },
      { label: t('col.load'), cell: (s) => (s.capacity ? meter(s.capacity.cpus.total - s.capacity.cpus.free, s.capacity.cpus.total, t('network.load')) : '—') },
      { label: t('col.accelerators_free'), cell: (s) => (s.capacity ? fmt.accelerators(s.capacity.accelerators, true) : '—') },
      { label: t('col.queued'), class: 'num', cell: (s) => (s.capacity ? fmt.num(s.capacity.queued_jobs) : '—') },
      { label: t('col.report_age'), class: 'num', cell: (s) => (s.capacity ? fmt.duration(s.capacity.age_s) : t('network.no_report')) },
    ], sites, { caption: t('network.sites_caption'), rowAttrs: (s) => ({ dataset: { site: s.id } }) }));
  }

  let first = true;
  poll(ctx, REFRESH_MS, async () => {
    if (first) regions = (await api.all('/api/v1/regions')).items;
    const last = history.length ? history[history.length - 1].at : undefined;
    const [sites, capacity, hist] = await Promise.all([
      api.all('/api/v1/sites'), api.get('/api/v1/capacity'),
      historyAvailable ? api.optional('/api/v1/capacity/history', { since: last }) : null,
    ]);
    if (!ctx.active) return false;
    if (hist === null) historyAvailable = false;
    else if (hist) {
      maxSamples = hist.max_samples;
      history = history.concat(hist.samples).slice(-maxSamples);
    }
    first = false;
    drawCards(sites.items, capacity);
    drawMap(sites.items, capacity);
    drawSites(sites.items);
    drawHistory();
    updated.textContent = t('network.updated', { time: fmt.clock(capacity.observed_at) });
    root.dataset.ready = 'true';
  }, (e) => {
    if (first) clear(cards).append(errorBox(e));
    else updated.textContent = t('network.refresh_failed');
  });
}

// Where a hub's label goes: the first spot around its dot (right, left, above, below, the
// corners) that overlaps no label placed before it and no other dot, else further out to the
// right or left in steps of a line, with a leader line back to the dot. `dot` and `label` are
// ECharts rects (x, y, width, height) in pixels. Answers {rect, far, line}.
export function placeLabel(dot, label, placed, obstacles, bounds) {
  const w = label.width, hgt = label.height, gap = 4;
  const cx = dot.x + dot.width / 2, cy = dot.y + dot.height / 2, r = dot.width / 2;
  const near = [
    [cx + r + gap, cy - hgt / 2], [cx - r - gap - w, cy - hgt / 2],
    [cx - w / 2, cy - r - gap - hgt], [cx - w / 2, cy + r + gap],
    [cx + r, cy - r - hgt], [cx + r, cy + r], [cx - r - w, cy - r - hgt], [cx - r - w, cy + r],
  ];
  const far = [];
  for (let k = 1; k <= 8; k++) {
    for (const dy of [-k, k]) {
      far.push([cx + r + 3 * gap, cy - hgt / 2 + dy * (hgt + 3)]);
      far.push([cx - r - 3 * gap - w, cy - hgt / 2 + dy * (hgt + 3)]);
    }
  }
  const hits = (a, b, m = 2) => a.x < b.x + b.width + m && b.x < a.x + a.width + m && a.y < b.y + b.height + m && b.y < a.y + a.height + m;
  const inside = (a) => a.x >= 0 && a.y >= 0 && a.x + a.width <= bounds.width && a.y + a.height <= bounds.height;
  const own = (o) => Math.abs(o.x + o.width / 2 - cx) < 0.5 && Math.abs(o.y + o.height / 2 - cy) < 0.5;
  const free = (a, strict) => !placed.some((p) => hits(a, p)) && (!strict || !obstacles.some((o) => !own(o) && hits(a, o, 0)));
  const tries = [...near.map((xy) => [xy, false]), ...far.map((xy) => [xy, true])];
  for (const strict of [true, false]) {
    for (const [[x, y], isFar] of tries) {
      const rect = { x, y, width: w, height: hgt };
      if (!inside(rect) || !free(rect, strict)) continue;
      const edgeX = x > cx ? x : x + w;
      return { rect, far: isFar, line: [[cx, cy], [edgeX, y + hgt / 2], [edgeX, y + hgt / 2]] };
    }
  }
  return { rect: { x: near[0][0], y: near[0][1], width: w, height: hgt }, far: false, line: null };
}

function card(label, value, sub, extra) {
  return h('div.card.stat', h('div.stat-label', label), h('div.stat-value', value), extra || null,
    sub ? h('div.stat-sub', sub) : null);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function hasFigure(v) {
  return v !== null && v !== undefined && !Number.isNaN(Number(v));
}

// A region's energy figures, the ones it has, as [label, value, short text without the label].
function energyFacts(r) {
  const out = [];
  if (hasFigure(r.carbon_g_per_kwh)) {
    const v = fmt.intensity(r.carbon_g_per_kwh);
    out.push([t('network.carbon'), v, v]);
  }
  if (hasFigure(r.green_share)) {
    const pct = fmt.num(100 * r.green_share, 1);
    out.push([t('network.green_share'), `${pct}%`, t('network.green_short', { pct })]);
  }
  if (hasFigure(r.pue_target)) {
    const pue = fmt.num(r.pue_target, 2);
    out.push([t('network.pue_target'), `≤ ${pue}`, t('network.pue_short', { pue })]);
  }
  return out;
}

function carbonColour(g) {
  return hasFigure(g) ? rampColour(SCALES.carbon, Number(g)) : NO_FIGURE;
}

// The colour of `v` on a scale: linear between its evenly spaced colours, clamped at the ends.
function rampColour(scale, v) {
  const { min, max, colors } = scale;
  const x = Math.min(1, Math.max(0, (v - min) / (max - min))) * (colors.length - 1);
  const i = Math.min(colors.length - 2, Math.floor(x));
  const f = x - i;
  const a = rgb(colors[i]), b = rgb(colors[i + 1]);
  return '#' + a.map((c, k) => Math.round(c + (b[k] - c) * f).toString(16).padStart(2, '0')).join('');
}

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}
