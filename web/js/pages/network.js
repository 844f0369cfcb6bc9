// The network at a glance (everyone): national totals, a map of China's hub regions with their
// sites, capacity and load, charts of capacity over time by accelerator model and by region
// (GET /api/v1/capacity/history), and every site with its live capacity. Refreshed every 5 s.
import * as api from '../api.js';
import { t } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, append, loading, errorBox, empty, badge, meter, table, poll, pageHeader, choices, checkedValues } from '../ui.js';
import { makeChart, palette, baseText } from '../charts.js';

const REFRESH_MS = 5000;

export async function render(root, ctx) {
  const updated = h('span.muted.small', { 'aria-live': 'off' });
  const cards = h('div.cards', loading());
  const mapBox = h('div.chart.map', { role: 'img' });
  const regionList = h('div#map-sites.region-list', { 'aria-label': t('network.sites_by_region') });
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
      h('h2#map-title', t('network.map_title')),
      h('div.map-grid', mapBox, regionList)),
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
  let history = [];
  let historyAvailable = true;
  let maxSamples = 1200;

  function drawHistory() {
    const metric = checkedValues(metricPick)[0] || 'used';
    if (!historyAvailable) {
      historyNote.textContent = t('network.history_unavailable');
      return;
    }
    historyNote.textContent = history.length < 2 ? t('network.history_gathering') : t('network.history_note', { n: history.length });
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
    const name = (id) => regions.find((r) => r.id === id)?.name || id;
    rChart.setOption({
      ...common,
      series: regionIds.map((id) => line(name(id), history.map((s, i) => [times[i], s.by_region[id] ? value(s.by_region[id].cpus) : 0]), 'cpus')),
    }, true);
  }

  function drawMap(sites, capacity) {
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
      return { name: e.region.name, id: e.region.id, value: [e.region.lon, e.region.lat, load, total], entry: e, cap };
    });
    const maxCpus = Math.max(1, ...data.map((d) => d.value[3]));
    const description = t('network.map_description', {
      regions: data.map((d) => `${d.name} (${d.entry.sites.map((s) => s.name).join(', ') || t('network.no_sites')}; ${t('network.load')} ${d.value[2]}%)`).join('; '),
    });
    mapBox.setAttribute('aria-label', description);
    mapChart.setOption({
      textStyle: baseText, animation: false,
      aria: { enabled: true, label: { description } },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          if (!p.data || !p.data.entry) return p.name;
          const d = p.data;
          const cap = d.cap;
          const lines = [`<strong>${esc(d.name)}</strong> <span style="color:#6b7588">${esc(d.entry.region.hub || '')}</span>`];
          for (const s of d.entry.sites) lines.push(`● ${esc(s.name)} — ${esc(t('site_status.' + s.status))}`);
          if (cap) {
            lines.push(`${esc(t('network.cpu_cores'))}: ${fmt.num(cap.cpus.free)} / ${fmt.num(cap.cpus.total)} ${esc(t('network.free'))}`);
            const acc = fmt.accelerators(cap.accelerators, true);
            if (acc !== '—') lines.push(`${esc(t('network.accelerators'))}: ${esc(acc)}`);
            lines.push(`${esc(t('network.load'))}: ${d.value[2]}%`);
          }
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
      visualMap: {
        type: 'continuous', min: 0, max: 100, dimension: 2, seriesIndex: 0, left: 8, bottom: 8,
        text: [t('network.load') + ' 100%', '0%'], calculable: false, itemHeight: 80,
        inRange: { color: ['#1f9e89', '#d4a017', '#c0392b'] },
      },
      series: [{
        type: 'scatter', coordinateSystem: 'geo', data,
        symbolSize: (v) => 12 + 26 * Math.sqrt(v[3] / maxCpus),
        labelLayout: { hideOverlap: true },
        label: { show: true, position: 'right', formatter: (p) => `${p.name} ·${p.data.entry.sites.length}`, fontSize: 11, color: '#3a4458' },
        itemStyle: { borderColor: '#fff', borderWidth: 1.5, opacity: 0.9 },
        emphasis: { scale: 1.2 },
      }],
    }, true);

    clear(regionList).append(h('h3.sr-only', t('network.sites_by_region')),
      h('ul', entries.map((e) => {
        const cap = capacity.by_region[e.region.id];
        return h('li.region-item', { dataset: { region: e.region.id } },
          h('div.region-name', h('strong', e.region.name), ' ', h('span.muted.small', e.region.hub || '')),
          cap ? h('div.region-load', meter(cap.cpus.total - cap.cpus.free, cap.cpus.total, t('network.load')),
            h('span.small', `${fmt.num(cap.cpus.free)} / ${fmt.num(cap.cpus.total)} ${t('network.cores_free')}`)) : null,
          h('ul.site-names', e.sites.length ? e.sites.map((s) => h('li',
            h('span.dot', { class: `dot dot-${s.status}`, title: t('site_status.' + s.status) }),
            h('a', { href: `#/sites/${encodeURIComponent(s.id)}` }, s.name))) : h('li.muted', t('network.no_sites'))));
      })));
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
    const regionName = (id) => regions.find((r) => r.id === id)?.name || id;
    sitesBox.append(table([
      { label: t('col.site'), cell: (s) => h('a', { href: `#/sites/${encodeURIComponent(s.id)}` }, s.name) },
      { label: t('col.region'), cell: (s) => regionName(s.region) },
      { label: t('col.kind'), class: 'nowrap', cell: (s) => t('site_kind.' + s.kind) },
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

function card(label, value, sub, extra) {
  return h('div.card.stat', h('div.stat-label', label), h('div.stat-value', value), extra || null,
    sub ? h('div.stat-sub', sub) : null);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
