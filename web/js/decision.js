// decision.js — a placement decision explained (POST /api/v1/quotes and
// GET /api/v1/jobs/{id}/decision share it): the summary, the chosen site's estimated energy and
// emissions, the ranked sites with price, start, data moved, energy and CO2 and score, and why
// every other site was rejected.
import { t, tn } from './i18n.js';
import * as fmt from './format.js';
import { h, table } from './ui.js';

// The criteria a decision weighs: `green` only from gateways that have it.
const CRITERIA = ['price', 'time', 'latency', 'locality', 'green'];

// `region(id)` gives a region object (for its grid carbon intensity), when the caller has them.
export function renderDecision(d, { detailed = false, regionName = (id) => id, region = () => null } = {}) {
  const w = d.weights || {};
  const criteria = CRITERIA.filter((k) => k !== 'green' || 'green' in w);
  const hasEnergy = (d.ranked || []).some((c) => c.co2_kg !== undefined);
  const parts = [
    h('p.summary', { dataset: { testid: 'quote-summary' } }, d.chosen ? d.summary : t('decision.none')),
    d.chosen && d.chosen.co2_kg !== undefined ? energyLine(d, region) : null,
    h('p.muted.small', t('decision.policy', {
      policy: t('policy.' + d.policy, {}, d.policy),
      weights: criteria.map((k) => `${t('criterion.' + k)} ${Math.round((w[k] || 0) * 100)}%`).join(' · '),
    })),
  ];
  if (d.ranked && d.ranked.length) {
    const cols = [
      detailed ? { label: '#', class: 'num', cell: (c) => String(d.ranked.indexOf(c) + 1) } : null,
      { label: t('col.site'), cell: (c) => h('span', h('strong', siteLabel(c)), h('br'), h('span.muted.small', regionName(c.region))) },
      { label: t('col.price'), class: 'num', cell: (c) => h('span', { title: t('decision.price_parts', { compute: fmt.money(c.compute_cost_cny), egress: fmt.money(c.egress_cost_cny) }) }, fmt.money(c.estimated_cost_cny)) },
      { label: t('col.starts'), class: 'num', cell: (c) => fmt.startsIn(c.start_s) },
      { label: t('col.result'), class: 'num', cell: (c) => fmt.duration(c.result_s) },
      { label: t('col.data_moved'), class: 'num', cell: (c) => fmt.bytes(c.bytes_moved) },
      hasEnergy ? { label: detailed ? t('col.co2') : t('col.co2_short'), class: 'num', cell: (c) => co2Cell(c, region, detailed) } : null,
    ];
    if (detailed) {
      cols.push({ label: t('col.rtt'), class: 'num', cell: (c) => `${fmt.num(c.rtt_ms, 1)} ms` });
      cols.push({ label: t('col.parts'), cell: (c) => criteria.filter((k) => c.normalized[k] !== undefined).map((k) => `${t('criterion.' + k)} ${c.normalized[k].toFixed(2)}`).join(' · ') });
    }
    cols.push({ label: t('col.score'), class: 'num', cell: (c) => c.score.toFixed(3) });
    parts.push(table(cols.filter(Boolean), d.ranked, {
      caption: tn('decision.ranked', d.feasible_sites ?? d.ranked.length),
      rowAttrs: (c) => ({ class: c === d.ranked[0] ? 'chosen' : null, dataset: { site: c.site } }),
    }));
  }
  if (d.rejected && d.rejected.length) {
    const counts = Object.entries(d.rejected_by_code || {}).map(([code, n]) => `${t('reject.' + code, {}, code)} ×${n}`).join(' · ');
    parts.push(h('details.rejections', { open: true },
      h('summary', tn('decision.rejected', d.rejected_sites ?? d.rejected.length), counts ? h('span.muted.small', ' — ', counts) : null),
      h('ul', d.rejected.map((r) => h('li', { dataset: { site: r.site, code: r.code } },
        h('strong', siteLabel(r)), ': ', r.reason)))));
  }
  if (d.budget) {
    const key = d.budget.limit === 'prepaid credit' ? 'decision.credit' : 'decision.budget';
    parts.push(h('p.form-error', t(key, {
      cheapest: fmt.money(d.budget.cheapest_estimate_cny), remaining: fmt.money(d.budget.remaining_cny) })));
  }
  return h('div.decision', parts);
}

// The chosen site's estimate: its emissions first (what the figure is for), then its energy,
// what runtime it assumes, and the grid it draws from; and a greener feasible site when there
// is one that emits clearly less.
function energyLine(d, region) {
  const c = d.chosen;
  const r = region(c.region);
  const basis = d.runtime_s ? t('decision.basis.' + d.runtime_basis, { d: fmt.duration(d.runtime_s) }, t('decision.basis.other', { d: fmt.duration(d.runtime_s) })) : null;
  const greener = (d.ranked || []).filter((x) => x.co2_kg !== undefined && x.co2_kg < 0.9 * c.co2_kg)
    .sort((a, b) => a.co2_kg - b.co2_kg)[0];
  return h('div.energy', { dataset: { testid: 'quote-co2', co2Kg: String(c.co2_kg), energyKwh: String(c.energy_kwh) } },
    h('p',
      h('span.energy-label', t('decision.energy')), ' ',
      h('strong.co2', fmt.co2(c.co2_kg)), ' · ', h('span.kwh', fmt.energy(c.energy_kwh)),
      basis ? h('span.muted.small', ' — ', basis) : null),
    r && r.carbon_g_per_kwh !== undefined && r.carbon_g_per_kwh !== null
      ? h('p.muted.small', t('decision.grid', { region: fmt.displayName(r), intensity: fmt.intensity(r.carbon_g_per_kwh) })) : null,
    greener ? h('p.muted.small', { dataset: { testid: 'greener' } }, t('decision.greener', {
      site: siteLabel(greener), co2: fmt.co2(greener.co2_kg), pct: Math.round(100 * (1 - greener.co2_kg / c.co2_kg)),
    })) : null);
}

// A candidate's emissions, with its energy beneath (the job page) or on hover (the narrow quote).
function co2Cell(c, region, detailed) {
  if (c.co2_kg === undefined) return '—';
  const r = region(c.region);
  const grid = r && r.carbon_g_per_kwh !== undefined && r.carbon_g_per_kwh !== null
    ? t('decision.co2_title', { intensity: fmt.intensity(r.carbon_g_per_kwh) }) : null;
  if (!detailed) return h('span', { title: [fmt.co2(c.co2_kg), fmt.energy(c.energy_kwh), grid].filter(Boolean).join(' · ') }, fmt.co2(c.co2_kg, { bare: true }));
  return h('span', { title: grid }, fmt.co2(c.co2_kg), h('br'), h('span.muted.small', fmt.energy(c.energy_kwh)));
}

// A candidate's site name in the portal's language (`site_name_zh` when the gateway gives one).
function siteLabel(c) {
  return fmt.displayName({ name: c.site_name, name_zh: c.site_name_zh });
}
