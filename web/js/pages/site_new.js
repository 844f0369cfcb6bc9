// Register a site (operators, admins): the shared site form (site_form.js) with the fields of
// the chosen adapter type only, each type from its own defaults; POST /api/v1/sites, and a
// problem naming a field (e.g. `adapter` with "options.pools[0].cpus …", or `pricing.gpu_hour`)
// is shown beside that field.
import * as api from '../api.js';
import { t } from '../i18n.js';
import { pageHeader, toast } from '../ui.js';
import { siteForm } from '../site_form.js';

export async function render(root, ctx) {
  const [regions, capacity] = await Promise.all([api.all('/api/v1/regions'), api.get('/api/v1/capacity')]);
  if (!ctx.active) return;
  const { form, focus } = siteForm({
    regions: regions.items,
    knownModels: Object.keys(capacity.by_accelerator).sort(),
    submitLabel: t('site_new.submit'),
    onSubmit: async (body) => {
      const site = await api.post('/api/v1/sites', body);
      toast(t('site_new.registered', { name: site.name }));
      ctx.navigate('sites/' + encodeURIComponent(site.id));
    },
  });
  root.append(pageHeader(t('site_new.title')), form);
  focus();
}
