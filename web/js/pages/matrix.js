// Regions and the network matrix (admins): every hub region with its coordinates and energy
// figures (grid carbon intensity, renewable share, PUE target), and the
// links between them as a table of round-trip times (bandwidth and egress on hover and in the
// cell's text alternative). One link can be set; the whole matrix is PUT back with it.
import * as api from '../api.js';
import { t } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, field, showError, clearErrors, pageHeader, section, table, toast } from '../ui.js';

export async function render(root, ctx) {
  const regionsBox = h('div');
  const matrixBox = h('div');
  const c = {
    a: h('select', { name: 'a' }), b: h('select', { name: 'b' }),
    rtt: h('input', { type: 'number', name: 'rtt_ms', min: 0, step: 'any' }),
    bw: h('input', { type: 'number', name: 'bandwidth_gbps', min: 0.001, step: 'any' }),
    egress: h('input', { type: 'number', name: 'egress_cny_per_gb', min: 0, step: 'any' }),
  };
  const form = h('form.card.inline-form', { novalidate: true, 'aria-labelledby': 'link-title' },
    h('h2#link-title', t('matrix.set_link')),
    field({ label: t('matrix.from'), name: 'links.a', control: c.a }),
    field({ label: t('matrix.to'), name: 'links.b', control: c.b }),
    field({ label: t('matrix.rtt'), name: 'links.rtt_ms', control: c.rtt }),
    field({ label: t('matrix.bandwidth'), name: 'links.bandwidth_gbps', control: c.bw }),
    field({ label: t('matrix.egress'), name: 'links.egress_cny_per_gb', control: c.egress }),
    h('div.actions', h('button.primary', { type: 'submit' }, t('matrix.save'))));
  root.append(pageHeader(t('matrix.title')),
    h('section.panel', h('h2', t('matrix.network')), matrixBox), form,
    h('section.panel', h('h2', t('matrix.regions')), regionsBox));

  let regions = [];
  let network = null;
  const linkOf = (a, b) => network.links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
  const fillLink = () => {
    const l = linkOf(c.a.value, c.b.value);
    const d = network.defaults;
    const same = c.a.value === c.b.value;
    c.rtt.value = l ? l.rtt_ms : same ? d.same_region_rtt_ms : d.between_rtt_ms;
    c.bw.value = l ? l.bandwidth_gbps : same ? d.same_region_bandwidth_gbps : d.between_bandwidth_gbps;
    c.egress.value = l ? l.egress_cny_per_gb : same ? 0 : d.between_egress_cny_per_gb;
  };
  c.a.addEventListener('change', fillLink);
  c.b.addEventListener('change', fillLink);

  const load = () => Promise.all([
    section(regionsBox, async () => {
      regions = (await api.all('/api/v1/regions')).items;
      return table([
        { label: t('matrix.id'), cell: (r) => h('code', r.id) },
        { label: t('matrix.name'), cell: (r) => fmt.displayName(r) },
        { label: t('matrix.hub'), cell: (r) => fmt.hubName(r) },
        { label: t('matrix.side'), cell: (r) => (r.side ? t('side.' + r.side, {}, r.side) : '—') },
        { label: t('matrix.coords'), class: 'num', cell: (r) => `${r.lat.toFixed(2)}, ${r.lon.toFixed(2)}` },
        { label: t('network.carbon'), class: 'num', cell: (r) => (r.carbon_g_per_kwh !== undefined && r.carbon_g_per_kwh !== null ? fmt.intensity(r.carbon_g_per_kwh) : '—') },
        { label: t('matrix.green_share'), class: 'num', cell: (r) => (r.green_share !== undefined && r.green_share !== null ? `${fmt.num(100 * r.green_share, 1)}%` : '—') },
        { label: t('network.pue_target'), class: 'num', cell: (r) => (r.pue_target !== undefined && r.pue_target !== null ? fmt.num(r.pue_target, 2) : '—') },
      ], regions);
    }),
    section(matrixBox, async () => {
      network = await api.get('/api/v1/network');
      if (!regions.length) regions = (await api.all('/api/v1/regions')).items;
      for (const sel of [c.a, c.b]) {
        const keep = sel.value;
        clear(sel).append(...regions.map((r) => h('option', { value: r.id }, fmt.displayName(r))));
        if (keep) sel.value = keep;
      }
      if (!c.rtt.value) { c.b.selectedIndex = Math.min(1, regions.length - 1); fillLink(); }
      const maxRtt = Math.max(1, ...network.links.map((l) => l.rtt_ms));
      return h('div.table-wrap', h('table.matrix',
        h('caption', t('matrix.caption')),
        h('thead', h('tr', h('td'), regions.map((r) => h('th', { scope: 'col' }, h('span.vert', fmt.displayName(r)))))),
        h('tbody', regions.map((ra) => h('tr', h('th', { scope: 'row' }, fmt.displayName(ra)), regions.map((rb) => {
          const l = linkOf(ra.id, rb.id);
          if (!l) return h('td.muted', { title: t('matrix.default') }, '·');
          const level = Math.min(1, l.rtt_ms / maxRtt);
          return h('td.num', {
            style: `background: rgba(47,111,222,${(0.08 + 0.5 * level).toFixed(2)})`,
            title: t('matrix.cell', { rtt: fmt.num(l.rtt_ms, 1), bw: fmt.num(l.bandwidth_gbps, 1), egress: fmt.money(l.egress_cny_per_gb) }),
          }, fmt.num(l.rtt_ms, 0));
        }))))));
    }),
  ]);
  await load();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const link = { a: c.a.value, b: c.b.value, rtt_ms: c.rtt.valueAsNumber, bandwidth_gbps: c.bw.valueAsNumber, egress_cny_per_gb: c.egress.valueAsNumber };
    const links = network.links.filter((l) => !((l.a === link.a && l.b === link.b) || (l.a === link.b && l.b === link.a)))
      .map(({ a, b, rtt_ms, bandwidth_gbps, egress_cny_per_gb }) => ({ a, b, rtt_ms, bandwidth_gbps, egress_cny_per_gb }));
    links.push(link);
    try {
      await api.put('/api/v1/network', { links });
      toast(t('matrix.saved'));
      load();
    } catch (e) {
      // The problem names e.g. "links[12].rtt_ms": the new link is the last one.
      if (e.field) e.field = e.field.replace(/^links\[\d+\]/, 'links');
      showError(form, e);
    }
  });
}
