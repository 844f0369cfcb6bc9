// Orgs (admins): every org with its kind, budget and prepaid credit, create one, set or clear a
// budget, top up its prepaid credit (opening the account first when it has none), and its users
// when the gateway offers GET /api/v1/orgs/{id}/users.
import * as api from '../api.js';
import { t } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, field, showError, showFieldErrors, clearErrors, pageHeader, section, table, empty, toast, errorText } from '../ui.js';

export async function render(root, ctx) {
  const listBox = h('div');
  const usersBox = h('div');
  const name = h('input', { type: 'text', name: 'name', maxlength: 64, placeholder: 'acme-research', autocomplete: 'off' });
  const kind = h('select', { name: 'kind' }, ['user', 'operator', 'admin'].map((k) => h('option', { value: k }, t('role.' + k))));
  const budget = h('input', { type: 'number', name: 'budget_cny', min: 0, step: 'any', placeholder: t('account.no_limit') });
  const form = h('form.card.inline-form', { novalidate: true },
    field({ label: t('orgs.name'), name: 'name', control: name }),
    field({ label: t('account.kind'), name: 'kind', control: kind }),
    field({ label: t('orgs.budget'), name: 'budget_cny', control: budget }),
    h('div.actions', h('button.primary', { type: 'submit' }, t('orgs.create'))));
  root.append(pageHeader(t('orgs.title')), form, h('section.panel', h('h2', t('orgs.list')), listBox),
    h('section.panel', h('h2', t('orgs.users')), usersBox));

  const setBudget = async (o) => {
    const v = prompt(t('orgs.budget_prompt', { name: o.name }), o.budget_cny ?? '');
    if (v === null) return;
    if (v.trim() !== '' && !(Number(v) >= 0)) { toast(t('orgs.err_budget')); return; }
    try {
      await api.patch(`/api/v1/orgs/${encodeURIComponent(o.id)}`, { budget_cny: v.trim() === '' ? null : Number(v) });
      toast(t('orgs.budget_set'));
      load();
    } catch (e) { toast(errorText(e)); }
  };

  const topUp = async (o) => {
    const id = encodeURIComponent(o.id);
    try {
      if (!o.prepaid) {
        if (!confirm(t('orgs.open_prepaid_confirm', { name: o.name }))) return;
        await api.patch(`/api/v1/orgs/${id}`, { prepaid: true });
        load();
      }
      const v = prompt(t('orgs.top_up_prompt', { name: o.name, balance: fmt.money(o.credit_cny ?? 0) }), '');
      if (v === null || v.trim() === '') return;
      if (!Number.isFinite(Number(v)) || Number(v) === 0) { toast(t('orgs.err_amount')); return; }
      const note = prompt(t('orgs.top_up_note'), '');
      if (note === null) return;
      const e = await api.post(`/api/v1/orgs/${id}/credit`, { amount_cny: Number(v), note: note.trim() });
      toast(t('orgs.topped_up', { name: o.name, balance: fmt.money(e.balance_cny) }));
      load();
    } catch (e) { toast(errorText(e)); }
  };

  const load = () => section(listBox, async () => {
    const orgs = (await api.all('/api/v1/orgs')).items;
    if (!orgs.length) return empty(t('orgs.none'));
    return table([
      { label: t('orgs.name'), cell: (o) => h('span', h('strong', { translate: 'no' }, o.name), h('br'), h('span.mono.small.muted', o.id)) },
      { label: t('account.kind'), cell: (o) => h('span', { class: `role role-${o.kind}` }, t('role.' + o.kind)) },
      { label: t('orgs.budget'), class: 'num', cell: (o) => (o.budget_cny === null ? t('account.no_limit') : fmt.money(o.budget_cny)) },
      { label: t('orgs.credit'), class: 'num', cell: (o) => (o.prepaid ? fmt.money(o.credit_cny) : h('span.muted', t('orgs.invoiced'))) },
      { label: t('col.created'), cell: (o) => fmt.time(o.created_at) },
      { label: t('col.actions'), cell: (o) => h('span.row-actions',
        h('button.secondary.small', { type: 'button', onclick: () => setBudget(o) }, t('orgs.set_budget')),
        h('button.secondary.small', { type: 'button', onclick: () => topUp(o) }, t('orgs.top_up')),
        h('button.secondary.small', { type: 'button', onclick: () => showUsers(o) }, t('orgs.show_users'))) },
    ], orgs);
  });

  const showUsers = (o) => section(usersBox, async () => {
    const users = await api.all(`/api/v1/orgs/${encodeURIComponent(o.id)}/users`).catch(() => null);
    if (!users) return h('p.muted', t('orgs.users_unavailable'));
    const c = {
      email: h('input', { type: 'email', name: 'email', autocomplete: 'off' }),
      name: h('input', { type: 'text', name: 'user_name', autocomplete: 'off' }),
      password: h('input', { type: 'password', name: 'password', autocomplete: 'new-password' }),
      role: h('select', { name: 'role' }, ['member', 'admin'].map((r) => h('option', { value: r }, t('user_role.' + r)))),
    };
    const add = h('form.inline-form', { novalidate: true },
      h('h3', t('orgs.add_user', { name: o.name })),
      field({ label: t('orgs.email'), name: 'email', control: c.email }),
      field({ label: t('orgs.user_name'), name: 'name', control: c.name }),
      field({ label: t('orgs.password'), name: 'password', control: c.password, hint: t('orgs.password_hint') }),
      field({ label: t('account.kind'), name: 'role', control: c.role }),
      h('div.actions', h('button.primary', { type: 'submit' }, t('orgs.add'))));
    add.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(add);
      const errs = [];
      if (!/^[^@\s]+@[^@\s]+$/.test(c.email.value.trim())) errs.push({ field: 'email', message: t('signin.email_invalid') });
      if (c.password.value.length < 10) errs.push({ field: 'password', message: t('orgs.err_password') });
      if (errs.length) { showFieldErrors(add, errs); return; }
      try {
        await api.post(`/api/v1/orgs/${encodeURIComponent(o.id)}/users`,
          { email: c.email.value.trim(), password: c.password.value, name: c.name.value.trim(), role: c.role.value });
        toast(t('orgs.user_added'));
        showUsers(o);
      } catch (e) { showError(add, e); }
    });
    const items = users.items || [];
    return h('div',
      h('p', h('strong', o.name)),
      items.length ? table([
        { label: t('orgs.email'), cell: (u) => u.email },
        { label: t('orgs.user_name'), cell: (u) => u.name || '—' },
        { label: t('account.kind'), cell: (u) => t('user_role.' + u.role, {}, u.role) },
        { label: t('col.created'), cell: (u) => fmt.time(u.created_at) },
        { label: t('col.state'), cell: (u) => (u.disabled_at ? t('orgs.disabled', { time: fmt.time(u.disabled_at) }) : t('keys.active')) },
      ], items) : empty(t('orgs.no_users', { name: o.name })),
      add);
  });
  clear(usersBox).append(h('p.muted', t('orgs.users_pick')));
  load();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const errs = [];
    if (!name.value.trim()) errs.push({ field: 'name', message: t('orgs.err_name') });
    if (budget.value.trim() !== '' && !(budget.valueAsNumber >= 0)) errs.push({ field: 'budget_cny', message: t('orgs.err_budget') });
    if (errs.length) { showFieldErrors(form, errs); return; }
    const body = { name: name.value.trim(), kind: kind.value };
    if (budget.value.trim() !== '') body.budget_cny = budget.valueAsNumber;
    try {
      const o = await api.post('/api/v1/orgs', body);
      toast(t('orgs.created', { name: o.name }));
      name.value = '';
      budget.value = '';
      load();
    } catch (e) { showError(form, e); }
  });
}
