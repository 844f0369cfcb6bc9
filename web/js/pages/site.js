// One site: what it is and costs, the figures its energy and emissions are estimated with (its
// operator's PUE and power, else the defaults; its region's grid), its capacity and utilisation per pool (refreshed), the jobs
// placed on it, edit (site_edit.js), drain/undrain and delete — a refused delete shows the
// gateway's reason and the jobs still active there — (its operator and admins) and its earnings — from
// GET /api/v1/sites/{id}/settlement when the gateway has it, else summed from the final costs
// of the finished jobs on the site, with the estimated energy and emissions of those jobs.
import * as api from '../api.js';
import { t, tn } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, loading, errorBox, empty, badge, meter, table, dl, poll, pageHeader, section, toast, errorText, isTerminal } from '../ui.js';
import { drainButton } from './sites.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  let site;
  try {
    site = await api.get(`/api/v1/sites/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status === 404) {
      root.append(h('div.state.empty', { role: 'alert' }, h('h1', t('site.not_found_title')), h('p', t('site.not_found', { id })),
        h('a.button', { href: '#/network' }, t('nav.network'))));
      return;
    }
    throw e;
  }
  const regions = (await api.all('/api/v1/regions')).items;
  if (!ctx.active) return;
  const region = regions.find((r) => r.id === site.region);
  const owner = ctx.session.role === 'admin' || site.org_id === ctx.session.org_id;

  const head = h('div');
  const refusal = h('div', { 'aria-live': 'polite' });
  const capBox = h('div', loading());
  const jobsBox = h('div', loading());
  const earnBox = h('div', loading());
  root.append(head, refusal,
    h('div.job-grid',
      h('section.panel', { 'aria-labelledby': 'about-title' }, h('h2#about-title', t('site.about')), about()),
      h('section.panel', { 'aria-labelledby': 'price-title' }, h('h2#price-title', t('site.pricing')), prices())),
    h('section.panel', { 'aria-labelledby': 'cap-title' }, h('h2#cap-title', t('site.capacity')), capBox),
    owner ? h('section.panel', { 'aria-labelledby': 'earn-title' }, h('h2#earn-title', t('site.earnings')), earnBox) : null,
    h('section.panel', { 'aria-labelledby': 'sjobs-title' }, h('h2#sjobs-title', owner ? t('site.jobs') : t('site.your_jobs')), jobsBox));

  function drawHead() {
    clear(head).append(pageHeader(fmt.displayName(site), badge(site.status, 'site_status'),
      owner ? h('a.button.secondary.small#edit-site', { href: `#/sites/${encodeURIComponent(id)}/edit` }, t('site_edit.edit')) : null,
      owner ? drainButton(site, async () => { site = await api.get(`/api/v1/sites/${encodeURIComponent(id)}`); drawHead(); }) : null,
      owner ? h('button.danger.small#delete-site', { type: 'button', onclick: removeSite }, t('site.delete')) : null));
  }

  // The gateway refuses (409) while the site has active jobs and says how many: its reason is
  // shown as it says it, with the jobs themselves, so the operator knows what to wait for.
  async function removeSite(ev) {
    const name = fmt.displayName(site);
    if (!confirm(t('site.delete_confirm', { name }))) return;
    const btn = ev.currentTarget;
    btn.disabled = true;
    clear(refusal);
    try {
      await api.del(`/api/v1/sites/${encodeURIComponent(id)}`);
      toast(t('site.deleted', { name }));
      ctx.navigate('sites');
    } catch (e) {
      btn.disabled = false;
      if (e.status !== 409) { toast(errorText(e)); return; }
      const active = (await api.get('/api/v1/jobs', { site: id, page_size: 100 }).catch(() => ({ items: [] }))).items
        .filter((j) => !isTerminal(j.state));
      refusal.append(h('div.delete-refused', { role: 'alert', dataset: { testid: 'delete-refused' } },
        h('p', h('strong', t('site.delete_refused')), ' ', errorText(e)),
        active.length ? [h('p.small', tn('site.delete_active_jobs', active.length)),
          h('ul', active.map((j) => h('li', { dataset: { job: j.id } }, h('a', { href: `#/jobs/${encodeURIComponent(j.id)}` }, j.name), ' ',
            badge(j.state), ' ', h('span.mono.small.muted', j.id))))] : null,
        h('p.small.muted', t('site.delete_hint'))));
    }
  }

  function about() {
    return dl([
      [t('job.id'), h('span.mono', site.id)],
      [t('col.region'), region ? [fmt.displayName(region), fmt.hubName(region)].filter(Boolean).join(' — ') : site.region],
      [t('col.kind'), t('site_kind.' + site.kind)],
      [t('col.adapter'), [t('adapter.' + site.adapter.type, {}, site.adapter.type), site.adapter.endpoint ? h('span.mono.small', ` · ${site.adapter.endpoint}`) : null]],
      [t('col.org'), h('span.mono.small', site.org_id)],
      [t('site.max_walltime'), fmt.duration(site.policy.max_walltime_s)],
      [t('site.max_in_flight'), fmt.num(site.policy.max_in_flight)],
      [t('site.rtt'), `${fmt.num(site.health.rtt_ms, 1)} ms`],
      site.health.release ? [t('site.release'), site.health.release] : null,
      site.health.api_version ? [t('site.api_version'), h('span.mono', site.health.api_version)] : null,
      [t('site.containers'), site.health.container_runtime ? site.health.container_runtime : t('site.no_containers')],
      ...energyRows(),
      site.health.last_error ? [t('site.last_error'), site.health.last_error] : null,
      [t('col.created'), fmt.time(site.created_at)],
    ]);
  }

  // The grid's intensity, and the PUE and power the estimates use: the operator's figures, else
  // the region's PUE target and the gateway's defaults (said so).
  function energyRows() {
    const e = site.energy || {};
    const rows = [];
    if (region && region.carbon_g_per_kwh !== undefined && region.carbon_g_per_kwh !== null) {
      rows.push([t('network.carbon'), [fmt.intensity(region.carbon_g_per_kwh),
        region.green_share !== undefined && region.green_share !== null ? h('span.muted.small', ' · ', t('network.green_short', { pct: fmt.num(100 * region.green_share, 1) })) : null]]);
    }
    if (e.pue !== undefined && e.pue !== null) rows.push([t('site.pue'), fmt.num(e.pue, 2)]);
    else if (region && region.pue_target !== undefined && region.pue_target !== null) rows.push([t('site.pue'), h('span', fmt.num(region.pue_target, 2), h('span.muted.small', ' · ', t('site.pue_from_target')))]);
    if (e.cpu_core_w !== undefined && e.cpu_core_w !== null) rows.push([t('site.cpu_core_w'), `${fmt.num(e.cpu_core_w, 1)} W`]);
    const acc = Object.entries(e.accelerator_w || {}).sort();
    if (acc.length) rows.push([t('site.accelerator_w'), acc.map(([m, w]) => `${m} ${fmt.num(w)} W`).join(', ')]);
    return rows;
  }

  function prices() {
    const p = site.pricing;
    return dl([
      [t('site_new.cpu_price'), fmt.price(p.cpu_core_hour)],
      [t('site_new.mem_price'), fmt.price(p.memory_gb_hour)],
      ...Object.entries(p.gpu_hour).sort().map(([m, v]) => [t('site.gpu_price', { model: m }), fmt.price(v)]),
      [t('site_new.egress'), fmt.price(p.egress_gb)],
      [t('site.granularity'), fmt.duration(p.billing_granularity_s)],
    ]);
  }

  async function drawCapacity() {
    const cap = await api.get(`/api/v1/sites/${encodeURIComponent(id)}/capacity`);
    if (!ctx.active) return false;
    clear(capBox);
    if (!cap.totals) { capBox.append(empty(t('site.no_report'))); return; }
    const tt = cap.totals;
    const models = Object.entries(tt.accelerators);
    capBox.append(
      h('div.cards',
        h('div.card.stat', h('div.stat-label', t('site.cpu_util')), h('div.stat-value', fmt.percent(tt.cpus.total - tt.cpus.free, tt.cpus.total)),
          meter(tt.cpus.total - tt.cpus.free, tt.cpus.total, t('site.cpu_util')), h('div.stat-sub', tn('site.cores', tt.cpus.total, { used: fmt.num(tt.cpus.total - tt.cpus.free) }))),
        h('div.card.stat', h('div.stat-label', t('site.mem_util')), h('div.stat-value', fmt.percent(tt.memory_gb.total - tt.memory_gb.free, tt.memory_gb.total)),
          meter(tt.memory_gb.total - tt.memory_gb.free, tt.memory_gb.total, t('site.mem_util')), h('div.stat-sub', `${fmt.gb(tt.memory_gb.total - tt.memory_gb.free)} / ${fmt.gb(tt.memory_gb.total)}`)),
        models.map(([m, a]) => h('div.card.stat', h('div.stat-label', m), h('div.stat-value', fmt.percent(a.total - a.free, a.total)),
          meter(a.total - a.free, a.total, m), h('div.stat-sub', t('site.accels', { used: a.total - a.free, total: a.total })))),
        h('div.card.stat', h('div.stat-label', t('network.card_jobs')), h('div.stat-value', `${cap.running_jobs} / ${cap.queued_jobs}`), h('div.stat-sub', t('network.card_jobs_sub')))),
      table([
        { label: t('site.pool'), cell: (p) => h('strong', p.name) },
        { label: t('col.cpus_free'), class: 'num', cell: (p) => `${fmt.num(p.cpus.free)} / ${fmt.num(p.cpus.total)}` },
        { label: t('col.load'), cell: (p) => meter(p.cpus.total - p.cpus.free, p.cpus.total, t('network.load')) },
        { label: t('site.memory_free'), class: 'num', cell: (p) => `${fmt.gb(p.memory_gb.free)} / ${fmt.gb(p.memory_gb.total)}` },
        { label: t('col.accelerators_free'), cell: (p) => fmt.accelerators(p.accelerators, true) },
        { label: t('site.max_walltime'), class: 'num', cell: (p) => (p.max_walltime_s ? fmt.duration(p.max_walltime_s) : '—') },
      ], cap.pools, { caption: t('site.pools_caption', { age: fmt.duration(cap.age_s) }) }));
  }

  async function drawJobs() {
    const page = await api.get('/api/v1/jobs', { site: id, page_size: 20 });
    if (!ctx.active) return false;
    clear(jobsBox).append(page.items.length ? table([
      { label: t('col.job'), cell: (j) => h('a', { href: `#/jobs/${encodeURIComponent(j.id)}` }, j.name) },
      { label: t('col.state'), cell: (j) => badge(j.state) },
      { label: t('col.org'), cell: (j) => h('span.mono.small', j.org_id) },
      { label: t('col.created'), cell: (j) => fmt.time(j.created_at) },
      { label: t('col.cost'), class: 'num', cell: (j) => fmt.money(j.final_cost_cny ?? j.estimated_cost_cny) },
    ], page.items, { caption: page.next_page_token ? tn('site.jobs_newest', page.items.length) : null }) : empty(t('site.no_jobs')));
  }

  async function earnings() {
    const settlement = await api.optional(`/api/v1/sites/${encodeURIComponent(id)}/settlement`);
    if (settlement) {
      const rows = settlement.items || [];
      return h('div',
        h('p.big', { dataset: { testid: 'earnings-total' } }, fmt.money(settlement.totals?.earnings_cny ?? 0)),
        h('p.muted.small', tn('site.settlement_note', settlement.totals?.jobs ?? 0)),
        settlement.totals && settlement.totals.co2_kg !== undefined && settlement.totals.jobs > 0 ? h('p', { dataset: { testid: 'settlement-co2' } },
          t('site.settlement_energy', { energy: fmt.energy(settlement.totals.energy_kwh), co2: fmt.co2(settlement.totals.co2_kg) })) : null,
        rows.length ? table([
          { label: t('col.org'), cell: (r) => h('span', r.org_name, h('br'), h('span.mono.small.muted', r.org_id)) },
          r0(rows) ? { label: t('site.period'), cell: (r) => r.period || '—' } : null,
          { label: t('site.jobs_count'), class: 'num', cell: (r) => fmt.num(r.jobs) },
          { label: t('site.hours'), class: 'num', cell: (r) => fmt.num(r.seconds / 3600, 1) },
          { label: t('site.earned'), class: 'num', cell: (r) => fmt.money(r.earnings_cny) },
          rows.some((r) => r.co2_kg !== undefined) ? { label: t('col.co2'), class: 'num', cell: (r) => h('span', fmt.co2(r.co2_kg), h('br'), h('span.muted.small', fmt.energy(r.energy_kwh))) } : null,
        ].filter(Boolean), rows) : null);
    }
    // Before the gateway had settlements: the final costs of the finished jobs on the site.
    const { items, complete } = await api.all('/api/v1/jobs', { site: id }, { maxPages: 10 });
    const byOrg = new Map();
    let total = 0;
    let finished = 0;
    for (const j of items) {
      if (j.final_cost_cny === null) continue;
      finished++;
      total += j.final_cost_cny;
      const o = byOrg.get(j.org_id) || { org_id: j.org_id, jobs: 0, amount: 0 };
      o.jobs++;
      o.amount += j.final_cost_cny;
      byOrg.set(j.org_id, o);
    }
    return h('div',
      h('p.big', { dataset: { testid: 'earnings-total' } }, fmt.money(total)),
      h('p.muted.small', tn(complete ? 'site.earnings_note' : 'site.earnings_note_partial', finished)),
      byOrg.size ? table([
        { label: t('col.org'), cell: (r) => h('span.mono.small', r.org_id) },
        { label: t('site.jobs_count'), class: 'num', cell: (r) => fmt.num(r.jobs) },
        { label: t('site.earned'), class: 'num', cell: (r) => fmt.money(r.amount) },
      ], [...byOrg.values()].sort((a, b) => b.amount - a.amount)) : null);
  }

  drawHead();
  poll(ctx, 5000, drawCapacity, (e) => clear(capBox).append(errorBox(e)));
  poll(ctx, 5000, drawJobs, (e) => clear(jobsBox).append(errorBox(e)));
  if (owner) section(earnBox, earnings);
}

// Whether the rows are split by period (a grouped settlement).
function r0(rows) {
  return rows.some((r) => r.period);
}
