// decision.js — a placement decision explained (POST /api/v1/quotes and
// GET /api/v1/jobs/{id}/decision share it): the summary, the ranked sites with price, start,
// data moved and score, and why every other site was rejected.
import { t } from './i18n.js';
import * as fmt from './format.js';
import { h, table } from './ui.js';

export function renderDecision(d, { detailed = false, regionName = (id) => id } = {}) {
  const w = d.weights || {};
  const parts = [
    h('p.summary', { dataset: { testid: 'quote-summary' } }, d.chosen ? d.summary : t('decision.none')),
    h('p.muted.small', t('decision.policy', {
      policy: t('policy.' + d.policy),
      weights: ['price', 'time', 'latency', 'locality'].map((k) => `${t('criterion.' + k)} ${Math.round((w[k] || 0) * 100)}%`).join(' · '),
    })),
  ];
  if (d.ranked && d.ranked.length) {
    const cols = [
      detailed ? { label: '#', class: 'num', cell: (c) => String(d.ranked.indexOf(c) + 1) } : null,
      { label: t('col.site'), cell: (c) => h('span', h('strong', c.site_name), h('br'), h('span.muted.small', regionName(c.region))) },
      { label: t('col.price'), class: 'num', cell: (c) => h('span', { title: t('decision.price_parts', { compute: fmt.money(c.compute_cost_cny), egress: fmt.money(c.egress_cost_cny) }) }, fmt.money(c.estimated_cost_cny)) },
      { label: t('col.starts'), class: 'num', cell: (c) => fmt.startsIn(c.start_s) },
      { label: t('col.result'), class: 'num', cell: (c) => fmt.duration(c.result_s) },
      { label: t('col.data_moved'), class: 'num', cell: (c) => fmt.bytes(c.bytes_moved) },
    ];
    if (detailed) {
      cols.push({ label: t('col.rtt'), class: 'num', cell: (c) => `${fmt.num(c.rtt_ms, 1)} ms` });
      cols.push({ label: t('col.parts'), cell: (c) => ['price', 'time', 'latency', 'locality'].map((k) => `${t('criterion.' + k)} ${c.normalized[k].toFixed(2)}`).join(' · ') });
    }
    cols.push({ label: t('col.score'), class: 'num', cell: (c) => c.score.toFixed(3) });
    parts.push(table(cols.filter(Boolean), d.ranked, {
      caption: t('decision.ranked', { n: d.feasible_sites ?? d.ranked.length }),
      rowAttrs: (c) => ({ class: c === d.ranked[0] ? 'chosen' : null, dataset: { site: c.site } }),
    }));
  }
  if (d.rejected && d.rejected.length) {
    const counts = Object.entries(d.rejected_by_code || {}).map(([code, n]) => `${t('reject.' + code, {}, code)} ×${n}`).join(' · ');
    parts.push(h('details.rejections', { open: true },
      h('summary', t('decision.rejected', { n: d.rejected_sites ?? d.rejected.length }), counts ? h('span.muted.small', ' — ', counts) : null),
      h('ul', d.rejected.map((r) => h('li', { dataset: { site: r.site, code: r.code } },
        h('strong', r.site_name), ': ', r.reason)))));
  }
  if (d.budget) {
    const key = d.budget.limit === 'prepaid credit' ? 'decision.credit' : 'decision.budget';
    parts.push(h('p.form-error', t(key, {
      cheapest: fmt.money(d.budget.cheapest_estimate_cny), remaining: fmt.money(d.budget.remaining_cny) })));
  }
  return h('div.decision', parts);
}
