// The Data page: the org's datasets (an admin sees every org's) with their files, size, whether
// they are sealed, and for a job's collected outputs the job; a form creates an open dataset
// (POST /api/v1/datasets {name}) and opens it for uploads.
import * as api from '../api.js';
import { t } from '../i18n.js';
import * as fmt from '../format.js';
import { h, field, showError, clearErrors, pageHeader, section, table, empty } from '../ui.js';
import { status, size } from '../datasets.js';

export async function render(root, ctx) {
  const name = h('input', { type: 'text', name: 'name', maxlength: 128, placeholder: 'sequencing-run-42', autocomplete: 'off' });
  const createBtn = h('button.primary', { type: 'submit' }, t('data.create'));
  const form = h('form#new-dataset.card.inline-form', { novalidate: true, 'aria-labelledby': 'new-dataset-title' },
    h('h2#new-dataset-title', t('data.new')),
    field({ label: t('data.name'), name: 'name', control: name, hint: t('data.name_hint') }),
    h('div.actions', createBtn));
  const listBox = h('div');
  root.append(pageHeader(t('data.title')), h('p.muted.lead', t('data.intro')), form,
    h('section.panel', { 'aria-labelledby': 'datasets-title' }, h('h2#datasets-title', t('data.list')), listBox));

  section(listBox, async () => {
    const list = await api.all('/api/v1/datasets');
    if (!ctx.active) return null;
    if (!list.items.length) return empty(t('data.none'));
    const newest = [...list.items].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    const cols = [
      { label: t('data.name'), cell: (d) => h('a', { href: `#/data/${encodeURIComponent(d.id)}` }, h('strong', { translate: 'no' }, d.name), h('br'), h('span.muted.small.mono', d.id)) },
      { label: t('data.files'), class: 'num', cell: (d) => (d.kind === 'files' ? fmt.num(d.file_count) : '—') },
      { label: t('data.size'), class: 'num', cell: (d) => size(d.size_bytes) },
      { label: t('col.state'), cell: (d) => status(d) },
      { label: t('col.created'), cell: (d) => fmt.time(d.created_at) },
      { label: t('data.from_job'), cell: (d) => (d.job_id ? h('a.mono.small', { href: `#/jobs/${encodeURIComponent(d.job_id)}` }, d.job_id) : '') },
    ];
    return table(cols, newest, { caption: t('data.caption'), rowAttrs: (d) => ({ dataset: { dataset: d.id, name: d.name } }) });
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!name.value.trim()) {
      showError(form, new api.ApiError(400, { detail: t('data.name_missing'), field: 'name' }));
      return;
    }
    createBtn.disabled = true;
    try {
      const ds = await api.post('/api/v1/datasets', { name: name.value.trim() });
      ctx.navigate('data/' + encodeURIComponent(ds.id));
    } catch (e) {
      showError(form, e);
    } finally {
      createBtn.disabled = false;
    }
  });
}
