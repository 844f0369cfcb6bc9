// API keys: list, create (the secret is shown once) and revoke. Everyone manages their own
// org's keys; admins pick any org.
import * as api from '../api.js';
import { t } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, field, showError, showFieldErrors, clearErrors, pageHeader, section, table, empty, toast, errorText, copyButton } from '../ui.js';

export async function render(root, ctx) {
  const admin = ctx.session.role === 'admin';
  const orgs = admin ? (await api.all('/api/v1/orgs')).items : [];
  if (!ctx.active) return;
  const orgSel = h('select', { name: 'org_id' }, (admin ? orgs : [{ id: ctx.session.org_id, name: ctx.session.org_name }])
    .map((o) => h('option', { value: o.id, selected: o.id === ctx.session.org_id }, o.name)));
  const name = h('input', { type: 'text', name: 'name', maxlength: 64, required: true, placeholder: 'ci-pipeline', autocomplete: 'off' });
  const created = h('div', { 'aria-live': 'polite' });
  const listBox = h('div');
  const form = h('form.card.inline-form', { novalidate: true },
    admin ? field({ label: t('col.org'), name: 'org_id', control: orgSel }) : null,
    field({ label: t('keys.name'), name: 'name', control: name }),
    h('div.actions', h('button.primary', { type: 'submit' }, t('keys.create'))));
  root.append(pageHeader(t('keys.title')), form, created, h('section.panel', h('h2', t('keys.list')), listBox));

  const load = () => section(listBox, async () => {
    const keys = await api.all('/api/v1/api-keys', { org_id: orgSel.value });
    if (!keys.items.length) return empty(t('keys.none'));
    return table([
      { label: t('keys.name'), cell: (k) => h('strong', { translate: 'no' }, k.name) },
      { label: t('keys.prefix'), cell: (k) => h('code', k.prefix + '…') },
      { label: t('col.created'), cell: (k) => fmt.time(k.created_at) },
      { label: t('keys.last_used'), cell: (k) => fmt.time(k.last_used_at) },
      { label: t('col.state'), cell: (k) => (k.revoked_at ? t('keys.revoked', { time: fmt.time(k.revoked_at) }) : k.id === ctx.session.key_id ? t('keys.this_one') : t('keys.active')) },
      { label: t('col.actions'), cell: (k) => (k.revoked_at || k.id === ctx.session.key_id ? '' : h('button.danger.small', {
        type: 'button',
        onclick: async () => {
          if (!confirm(t('keys.revoke_confirm', { name: k.name }))) return;
          try { await api.del(`/api/v1/api-keys/${encodeURIComponent(k.id)}`); toast(t('keys.revoked_toast')); load(); } catch (e) { toast(errorText(e)); }
        },
      }, t('keys.revoke'))) },
    ], keys.items);
  });
  orgSel.addEventListener('change', load);
  load();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!name.value.trim()) {
      showFieldErrors(form, [{ field: 'name', message: t('keys.name_missing') }]);
      return;
    }
    try {
      const body = { name: name.value.trim() };
      if (admin) body.org_id = orgSel.value;
      const k = await api.post('/api/v1/api-keys', body);
      name.value = '';
      clear(created).append(h('div.card.secret', { role: 'status' },
        h('p', h('strong', t('keys.created')), ' ', t('keys.created_once')),
        h('div.secret-row', h('code#new-key.secret-value', { translate: 'no' }, k.key),
          copyButton(k.key, { ariaLabel: t('keys.copy') }))));
      load();
    } catch (e) {
      showError(form, e);
    }
  });
}
