// The caller's org: who they are, its budget and spending so far (GET /api/v1/orgs/{id}:
// spent, held, remaining), its prepaid credit when it pays in advance (balance, available and
// the latest top-ups), and the usage report when the gateway offers GET /api/v1/usage, with the
// estimated energy and emissions of the jobs it covers. An operator org's account leads with
// what its sites earned (GET /api/v1/sites/{id}/settlement for each of its sites).
import * as api from '../api.js';
import { t, tn } from '../i18n.js';
import * as fmt from '../format.js';
import { h, dl, meter, pageHeader, section, table, badge, toast, errorText } from '../ui.js';

export async function render(root, ctx) {
  const s = ctx.session;
  const orgBox = h('div');
  const usageBox = h('div');
  const earnBox = h('div');
  const operator = s.role === 'operator';
  root.append(pageHeader(t('account.title')),
    operator ? h('section.panel', { 'aria-labelledby': 'earn-title', dataset: { testid: 'earnings' } }, h('h2#earn-title', t('account.earnings')), earnBox) : null,
    h('div.job-grid',
      h('section.panel', { 'aria-labelledby': 'org-title' }, h('h2#org-title', t('account.org')), orgBox),
      h('section.panel', { 'aria-labelledby': 'usage-title' }, h('h2#usage-title', t('account.usage')), usageBox)));

  section(orgBox, async () => {
    const id = encodeURIComponent(s.org_id);
    const org = await api.get(`/api/v1/orgs/${id}`);
    const credit = org.prepaid ? await api.get(`/api/v1/orgs/${id}/credit`, { page_size: 5 }) : null;
    const budget = org.budget_cny;
    const committed = (org.spent_cny || 0) + (org.held_cny || 0);
    const remainingSub = org.limited_by === 'prepaid credit' ? t('account.limited_by_credit')
      : budget === null ? t('account.no_budget') : t('account.budget', { budget: fmt.money(budget) });
    return h('div',
      h('div.cards',
        h('div.card.stat', { dataset: { testid: 'spent' } }, h('div.stat-label', t('account.spent')), h('div.stat-value', fmt.money(org.spent_cny))),
        h('div.card.stat', h('div.stat-label', t('account.held')), h('div.stat-value', fmt.money(org.held_cny)), h('div.stat-sub', t('account.held_sub'))),
        org.prepaid ? h('div.card.stat', { dataset: { testid: 'credit' } }, h('div.stat-label', t('account.credit')),
          h('div.stat-value', fmt.money(org.credit_cny)),
          h('div.stat-sub', t('account.credit_available', { available: fmt.money(org.available_cny) }))) : null,
        h('div.card.stat', h('div.stat-label', t('account.remaining')),
          h('div.stat-value', org.remaining_cny === null ? t('account.no_limit') : fmt.money(org.remaining_cny)),
          budget !== null ? meter(committed, budget, t('account.budget_used')) : null,
          h('div.stat-sub', remainingSub))),
      credit && credit.items.length ? table([
        { label: t('account.credit_at'), cell: (e) => fmt.time(e.at) },
        { label: t('account.credit_amount'), class: 'num', cell: (e) => fmt.money(e.amount_cny) },
        { label: t('account.credit_balance'), class: 'num', cell: (e) => fmt.money(e.balance_cny) },
        { label: t('account.credit_note'), cell: (e) => e.note || '—' },
      ], credit.items, { caption: t('account.credit_entries') }) : null,
      dl([
        [t('account.name'), org.name],
        [t('account.kind'), t('role.' + org.kind)],
        [t('job.id'), h('span.mono', org.id)],
        s.key_id ? [t('account.key'), h('span.mono', s.key_id)] : [t('account.user'), s.user ? s.user.email : '—'],
        [t('col.created'), fmt.time(org.created_at)],
      ]));
  });

  if (operator) section(earnBox, async () => {
    const mine = (await api.all('/api/v1/sites')).items.filter((x) => x.org_id === s.org_id);
    const rows = await Promise.all(mine.map(async (site) => {
      const st = await api.optional(`/api/v1/sites/${encodeURIComponent(site.id)}/settlement`);
      return { site, totals: st ? st.totals || {} : null };
    }));
    const known = rows.filter((r) => r.totals);
    const sum = (k) => known.reduce((a, r) => a + (Number(r.totals[k]) || 0), 0);
    return h('div',
      h('div.cards',
        h('div.card.stat', { dataset: { testid: 'earned' } }, h('div.stat-label', t('account.earned')), h('div.stat-value', fmt.money(sum('earnings_cny'))),
          h('div.stat-sub', tn('account.earned_sub', sum('jobs'), { sites: tn('account.sites_count', mine.length) })))),
      mine.length ? table([
        { label: t('col.site'), cell: (r) => h('a', { href: `#/sites/${encodeURIComponent(r.site.id)}` }, fmt.displayName(r.site)) },
        { label: t('col.status'), cell: (r) => badge(r.site.status, 'site_status') },
        { label: t('site.jobs_count'), class: 'num', cell: (r) => (r.totals ? fmt.num(r.totals.jobs) : '—') },
        { label: t('site.earned'), class: 'num', cell: (r) => (r.totals ? fmt.money(r.totals.earnings_cny) : '—') },
      ], rows, { rowAttrs: (r) => ({ dataset: { site: r.site.id } }) }) : h('p.muted', t('sites.none')));
  });

  section(usageBox, async () => {
    const usage = await api.optional('/api/v1/usage', { limit: 20 });
    if (!usage) return h('p.muted', t('account.usage_unavailable'));
    const tt = usage.totals;
    return h('div',
      h('div.cards',
        h('div.card.stat', h('div.stat-label', t('account.usage_cost')), h('div.stat-value', fmt.money(tt.cost_cny))),
        h('div.card.stat', h('div.stat-label', t('account.usage_jobs')), h('div.stat-value', fmt.num(tt.jobs)),
          h('div.stat-sub', t('account.usage_billed', { time: billed(tt.billed_seconds) }))),
        tt.co2_kg !== undefined ? h('div.card.stat', { dataset: { testid: 'usage-co2', co2Kg: String(tt.co2_kg) } },
          h('div.stat-label', t('account.usage_co2')), h('div.stat-value', fmt.co2(tt.co2_kg)),
          h('div.stat-sub', t('account.usage_energy', { energy: fmt.energy(tt.energy_kwh) }))) : null),
      usage.items.length ? table([
        { label: t('col.job'), cell: (r) => h('a', { href: `#/jobs/${encodeURIComponent(r.job_id)}`, title: r.job_id }, r.job_name || r.job_id) },
        { label: t('col.state'), cell: (r) => badge(r.state) },
        { label: t('job.finished'), cell: (r) => fmt.time(r.finished_at) },
        { label: t('account.billed'), class: 'num', cell: (r) => billed(r.billed_seconds) },
        { label: t('col.cost'), class: 'num', cell: (r) => fmt.money(r.cost_cny) },
        tt.co2_kg !== undefined ? { label: t('col.co2_short'), class: 'num', cell: (r) => h('span', { title: fmt.energy(r.energy_kwh) }, fmt.co2(r.co2_kg, { bare: true })) } : null,
      ].filter(Boolean), usage.items, { caption: usage.truncated ? tn('account.usage_newest', usage.items.length) : null })
        : h('p.muted', t('account.usage_empty')),
      usage.items.length ? h('div.actions', csvButton()) : null);
  });
}

// Billed time as a bill says it: seconds for short jobs, not "0.0 hours".
function billed(seconds) {
  return seconds > 0 ? fmt.duration(seconds) : t('fmt.s', { n: 0 });
}

// The whole report (not only the rows shown) as the gateway's CSV.
function csvButton() {
  return h('button#usage-csv.secondary.small', {
    type: 'button',
    onclick: async (ev) => {
      const btn = ev.currentTarget;
      btn.disabled = true;
      try {
        await api.download('/api/v1/usage?format=csv', 'usage.csv');
      } catch (e) {
        toast(errorText(e));
      } finally {
        btn.disabled = false;
      }
    },
  }, t('account.usage_csv'));
}
