// Edit a site (its operator, admins): the registration form filled with the site as stored;
// saving sends PATCH /api/v1/sites/{id} with only what changed (a JSON merge patch), so the
// gateway checks the result like a registration and its problems land beside their fields.
import * as api from '../api.js';
import { t } from '../i18n.js';
import { displayName } from '../format.js';
import { h, pageHeader, toast } from '../ui.js';
import { siteForm } from '../site_form.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  const path = `/api/v1/sites/${encodeURIComponent(id)}`;
  const [site, regions, capacity] = await Promise.all([api.get(path), api.all('/api/v1/regions'), api.get('/api/v1/capacity')]);
  if (!ctx.active) return;
  const back = `sites/${encodeURIComponent(id)}`;
  const { form, focus } = siteForm({
    regions: regions.items,
    knownModels: Object.keys(capacity.by_accelerator).sort(),
    site,
    submitLabel: t('site_edit.save'),
    onSubmit: async (patch) => {
      if (!Object.keys(patch).length) {
        toast(t('site_edit.no_changes'));
        return;
      }
      const saved = await api.patch(path, patch);
      toast(t('site_edit.saved', { name: displayName(saved) }));
      ctx.navigate(back);
    },
  });
  form.querySelector('.actions').append(h('a.button.secondary', { href: '#/' + back }, t('site_edit.cancel')));
  root.append(pageHeader(t('site_edit.title', { name: displayName(site) })), form);
  focus();
}
