// The jobs list with live state: users see their org's jobs, operators the jobs placed on
// their sites, admins every job. Filters by state and site, pages with page_token, and
// refreshes the page on view every 3 s.
import * as api from '../api.js';
import { t } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, loading, errorBox, empty, badge, table, poll, pageHeader, field } from '../ui.js';

const STATES = ['pending', 'placed', 'staging', 'submitted', 'running', 'collecting', 'succeeded', 'failed', 'canceled'];
const PAGE_SIZE = 20;

export async function render(root, ctx) {
  const sites = (await api.all('/api/v1/sites')).items;
  if (!ctx.active) return;
  const siteName = (id) => fmt.displayName(sites.find((s) => s.id === id)) || id;
  const mySites = ctx.session.role === 'operator' ? sites.filter((s) => s.org_id === ctx.session.org_id) : sites;

  const stateSel = h('select', { name: 'state' }, h('option', { value: '' }, t('jobs.any_state')),
    STATES.map((s) => h('option', { value: s }, t('state.' + s))));
  const siteSel = h('select', { name: 'site' }, h('option', { value: '' }, t('jobs.any_site')),
    mySites.map((s) => h('option', { value: s.id }, fmt.displayName(s))));
  const listBox = h('div', loading());
  const pager = h('nav.pager', { 'aria-label': t('jobs.pages') });
  const live = h('span.muted.small.live', { 'aria-live': 'off' });
  root.append(
    pageHeader(ctx.session.role === 'operator' ? t('jobs.title_operator') : t('jobs.title'),
      ctx.session.role !== 'operator' ? h('a.button.primary', { href: '#/submit' }, t('nav.submit')) : null),
    h('form.filters', { onsubmit: (e) => e.preventDefault(), 'aria-label': t('jobs.filters') },
      field({ label: t('col.state'), name: 'state', control: stateSel }),
      field({ label: t('col.site'), name: 'site', control: siteSel }),
      live),
    listBox, pager);

  // Tokens of the pages before the current one, for "previous".
  let tokens = [];
  let token = null;
  const changeFilter = () => { tokens = []; token = null; refresh(true); };
  stateSel.addEventListener('change', changeFilter);
  siteSel.addEventListener('change', changeFilter);

  let seq = 0;
  async function refresh(showLoading) {
    const mine = ++seq;
    if (showLoading) clear(listBox).append(loading());
    const page = await api.get('/api/v1/jobs', {
      state: stateSel.value, site: siteSel.value, page_size: PAGE_SIZE, page_token: token,
    });
    if (mine !== seq || !ctx.active) return;
    clear(listBox);
    if (!page.items.length) {
      listBox.append(empty(stateSel.value || siteSel.value || token ? t('jobs.none_match') : t('jobs.none'),
        ctx.session.role !== 'operator' && !token ? h('a.button', { href: '#/submit' }, t('nav.submit')) : null));
    } else {
      const cols = [
        { label: t('col.job'), cell: (j) => h('a', { href: `#/jobs/${encodeURIComponent(j.id)}` }, h('strong', { translate: 'no' }, j.name), h('br'), h('span.muted.small.mono', j.id)) },
        { label: t('col.state'), cell: (j) => badge(j.state) },
        { label: t('col.site'), cell: (j) => (j.site ? siteName(j.site) : '—') },
        { label: t('col.created'), cell: (j) => fmt.time(j.created_at) },
        { label: t('col.cost'), class: 'num', cell: (j) => (j.final_cost_cny !== null ? fmt.money(j.final_cost_cny) : j.estimated_cost_cny !== null ? h('span.muted', { title: t('jobs.estimate') }, '≈ ' + fmt.money(j.estimated_cost_cny)) : '—') },
        { label: t('col.reason'), class: 'reason', cell: (j) => j.reason },
      ];
      if (ctx.session.role !== 'user') cols.splice(1, 0, { label: t('col.org'), cell: (j) => h('span.mono.small', j.org_id) });
      listBox.append(table(cols, page.items, { caption: t('jobs.caption'), rowAttrs: (j) => ({ dataset: { job: j.id, state: j.state } }) }));
    }
    clear(pager).append(
      h('button.secondary', { type: 'button', disabled: !tokens.length, onclick: () => { token = tokens.pop() ?? null; refresh(true); } }, t('jobs.prev')),
      h('span.muted.small', t('jobs.page', { n: tokens.length + 1 })),
      h('button.secondary', { type: 'button', disabled: !page.next_page_token, onclick: () => { tokens.push(token); token = page.next_page_token; refresh(true); } }, t('jobs.next')));
    live.textContent = t('jobs.updated', { time: fmt.clock(new Date().toISOString()) });
  }

  poll(ctx, 3000, () => refresh(false), (e) => {
    if (!listBox.querySelector('table')) clear(listBox).append(errorBox(e, () => refresh(true)));
    else live.textContent = t('network.refresh_failed');
  });
}
