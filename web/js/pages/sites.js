// Sites (operators: their own; admins: every site): status, capacity and utilisation at a
// glance, with drain/undrain, and the way to register a new one.
import * as api from '../api.js';
import { t } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, loading, errorBox, empty, badge, meter, table, poll, pageHeader, toast, errorText } from '../ui.js';

export async function render(root, ctx) {
  const regions = (await api.all('/api/v1/regions')).items;
  if (!ctx.active) return;
  const regionName = (id) => fmt.displayName(regions.find((r) => r.id === id)) || id;
  const box = h('div', loading());
  const mine = ctx.session.role === 'operator';
  root.append(pageHeader(mine ? t('sites.title_mine') : t('sites.title_all'),
    h('a.button.primary', { href: '#/sites/new' }, t('nav.register'))), box);

  async function refresh() {
    const all = (await api.all('/api/v1/sites')).items;
    if (!ctx.active) return false;
    const sites = mine ? all.filter((s) => s.org_id === ctx.session.org_id) : all;
    clear(box);
    if (!sites.length) {
      box.append(empty(t('sites.none'), h('a.button.primary', { href: '#/sites/new' }, t('nav.register'))));
      return;
    }
    box.append(table([
      { label: t('col.site'), cell: (s) => h('a', { href: `#/sites/${encodeURIComponent(s.id)}` }, h('strong', fmt.displayName(s)), h('br'), h('span.muted.small.mono', s.id)) },
      { label: t('col.region'), cell: (s) => regionName(s.region) },
      { label: t('col.adapter'), cell: (s) => h('span.mono', { translate: 'no' }, s.adapter.type) },
      { label: t('col.status'), cell: (s) => badge(s.status, 'site_status') },
      { label: t('col.cpus_free'), class: 'num', cell: (s) => (s.capacity ? `${fmt.num(s.capacity.cpus.free)} / ${fmt.num(s.capacity.cpus.total)}` : '—') },
      { label: t('col.load'), cell: (s) => (s.capacity ? meter(s.capacity.cpus.total - s.capacity.cpus.free, s.capacity.cpus.total, t('network.load')) : '—') },
      { label: t('col.accelerators_free'), cell: (s) => (s.capacity ? fmt.accelerators(s.capacity.accelerators, true) : '—') },
      { label: t('col.jobs_running'), class: 'num', cell: (s) => (s.capacity ? `${fmt.num(s.capacity.running_jobs)} / ${fmt.num(s.capacity.queued_jobs)}` : '—') },
      { label: t('col.actions'), cell: (s) => drainButton(s, refresh) },
    ], sites, { caption: t('sites.caption'), rowAttrs: (s) => ({ dataset: { site: s.id } }) }));
  }
  poll(ctx, 5000, refresh, (e) => clear(box).append(errorBox(e, refresh)));
}

// Drain (no new jobs; running ones finish) or undrain; owners and admins only.
export function drainButton(site, after) {
  const draining = site.drained;
  return h('button.secondary.small', {
    type: 'button',
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        await api.post(`/api/v1/sites/${encodeURIComponent(site.id)}/${draining ? 'undrain' : 'drain'}`);
        toast(t(draining ? 'sites.undrained' : 'sites.drained', { name: fmt.displayName(site) }));
        await after();
      } catch (e) {
        toast(errorText(e));
        ev.target.disabled = false;
      }
    },
  }, draining ? t('sites.undrain') : t('sites.drain'));
}
