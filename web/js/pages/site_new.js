// Register a site (operators, admins): name, region, kind, the adapter (its type and that
// type's fields), prices per accelerator model, the energy figures its jobs' energy and CO2 are
// estimated with (optional: PUE, power per CPU core and per accelerator), policy.
// POST /api/v1/sites; a problem naming
// a field (e.g. `adapter` with "options.pools[0].cpus …", or `pricing.gpu_hour`) is shown
// beside that field.
import * as api from '../api.js';
import { t } from '../i18n.js';
import { h, clear, field, showError, clearErrors, pageHeader, toast } from '../ui.js';

export async function render(root, ctx) {
  const [regions, capacity] = await Promise.all([api.all('/api/v1/regions'), api.get('/api/v1/capacity')]);
  if (!ctx.active) return;
  const knownModels = Object.keys(capacity.by_accelerator).sort();

  const text = (name, attrs = {}) => h('input', { type: 'text', name, autocomplete: 'off', ...attrs });
  const num = (name, attrs = {}) => h('input', { type: 'number', name, step: 'any', inputmode: 'decimal', ...attrs });
  const c = {
    name: text('name', { required: true, maxlength: 128 }),
    region: h('select', { name: 'region', required: true }, h('option', { value: '' }, t('site_new.pick_region')),
      regions.items.map((r) => h('option', { value: r.id }, `${r.name} — ${r.hub}`))),
    kind: h('select', { name: 'kind' }, ['general', 'hpc', 'ai'].map((k) => h('option', { value: k }, t('site_kind.' + k)))),
    type: h('select', { name: 'adapter_type' }, ['sim', 'local', 'slurm'].map((k) => h('option', { value: k }, t('adapter.' + k)))),
    cpuPrice: num('cpu_core_hour', { min: 0, value: 0.05 }),
    memPrice: num('memory_gb_hour', { min: 0, value: 0.004 }),
    egress: num('egress_gb', { min: 0, value: 0.2 }),
    granularity: num('billing_granularity_s', { min: 1, step: 1, value: 60 }),
    maxWall: num('max_walltime_h', { min: 1, value: 168 }),
    maxInFlight: num('max_in_flight', { min: 1, step: 1, value: 1000 }),
    allowedOrgs: text('allowed_orgs', { placeholder: 'org_…, org_…' }),
    deniedOrgs: text('denied_orgs', { placeholder: 'org_…' }),
    pue: num('pue', { min: 1, max: 3 }),
    coreW: num('cpu_core_w', { min: 0, max: 1000, placeholder: '4.4' }),
    accelW: text('accelerator_w', { placeholder: 'A800:400, H100:700' }),
  };

  // Adapter fields per type.
  const sim = {
    failure: num('failure_rate', { min: 0, max: 1, value: 0 }),
    runtime: num('default_runtime_s', { min: 1, step: 1, value: 30 }),
    rtt: num('rtt_ms', { min: 0, value: 5 }),
  };
  const pools = h('div.rows');
  const addPool = (p = {}) => {
    const row = h('div.row.pool',
      field({ label: t('site_new.pool_name'), name: '', control: text('pool_name', { value: p.name || '' }) }),
      field({ label: t('site_new.pool_cpus'), name: '', control: num('pool_cpus', { min: 1, step: 1, value: p.cpus || '' }) }),
      field({ label: t('site_new.pool_memory'), name: '', control: num('pool_memory_gb', { min: 0, value: p.memory_gb || '' }) }),
      field({ label: t('site_new.pool_accels'), name: '', control: text('pool_accelerators', { value: p.accelerators || '', placeholder: 'A800:8, H100:4' }), hint: t('site_new.pool_accels_hint') }),
      h('button.ghost.small.remove', { type: 'button', 'aria-label': t('site_new.remove_pool'), onclick: () => row.remove() }, '×'));
    pools.append(row);
  };
  addPool({ name: 'cpu', cpus: 256, memory_gb: 1024 });
  addPool({ name: 'gpu', cpus: 128, memory_gb: 1024, accelerators: 'A800:16' });
  const runtimeSelect = (name, kinds) => h('select', { name },
    ['none', ...kinds].map((k) => h('option', { value: k }, k === 'none' ? t('site.no_containers') : k)));
  const local = {
    cpus: num('local_cpus', { min: 1, step: 1 }), memory: num('local_memory_gb', { min: 0 }), maxWall: num('local_max_walltime_s', { min: 0, step: 1 }),
    runtime: runtimeSelect('local_container_runtime', ['podman']),
  };
  const slurm = {
    endpoint: text('endpoint', { placeholder: 'http://slurm.example:6820' }),
    partition: text('partition', { placeholder: 'gpu' }),
    outputDir: text('output_dir', { placeholder: '/shared/suanwang' }),
    apiVersion: text('api_version', { value: 'auto' }),
    user: text('slurm_user', { placeholder: 'svc' }),
    token: h('input', { type: 'password', name: 'slurm_token', autocomplete: 'off' }),
    runtime: runtimeSelect('slurm_container_runtime', ['apptainer', 'pyxis', 'podman']),
  };
  const adapterBox = h('div.adapter-fields', { dataset: { field: 'adapter' } });
  const adapterError = h('p.field-error', { 'aria-live': 'polite' });
  const adapterPanels = {
    sim: h('div',
      h('fieldset.field', { dataset: { field: 'adapter.options.pools' } }, h('legend', t('site_new.pools')), pools,
        h('button.secondary.small', { type: 'button', onclick: () => addPool() }, t('site_new.add_pool')), h('p.field-error')),
      h('div.grid3',
        field({ label: t('site_new.failure_rate'), name: 'adapter.options.failure_rate', control: sim.failure, hint: t('site_new.failure_hint') }),
        field({ label: t('site_new.default_runtime'), name: 'adapter.options.default_runtime_s', control: sim.runtime }),
        field({ label: t('site_new.rtt'), name: 'adapter.options.rtt_ms', control: sim.rtt }))),
    local: h('div.grid3',
      field({ label: t('site_new.local_cpus'), name: 'adapter.options.cpus', control: local.cpus, hint: t('site_new.local_default') }),
      field({ label: t('site_new.local_memory'), name: 'adapter.options.memory_gb', control: local.memory, hint: t('site_new.local_default') }),
      field({ label: t('site_new.local_walltime'), name: 'adapter.options.max_walltime_s', control: local.maxWall }),
      field({ label: t('site_new.container_runtime'), name: 'adapter.options.container_runtime', control: local.runtime, hint: t('site_new.container_hint') })),
    slurm: h('div.grid2',
      field({ label: t('site_new.endpoint'), name: 'adapter.endpoint', control: slurm.endpoint }),
      field({ label: t('site_new.partition'), name: 'adapter.options.partition', control: slurm.partition }),
      field({ label: t('site_new.output_dir'), name: 'adapter.options.output_dir', control: slurm.outputDir }),
      field({ label: t('site_new.api_version'), name: 'adapter.options.api_version', control: slurm.apiVersion }),
      field({ label: t('site_new.slurm_user'), name: 'adapter.credentials.user', control: slurm.user }),
      field({ label: t('site_new.slurm_token'), name: 'adapter.credentials.token', control: slurm.token, hint: t('site_new.token_hint') }),
      field({ label: t('site_new.container_runtime'), name: 'adapter.options.container_runtime', control: slurm.runtime, hint: t('site_new.container_hint') })),
  };
  const showAdapter = () => {
    clear(adapterBox).append(adapterPanels[c.type.value], adapterError);
  };
  c.type.addEventListener('change', showAdapter);
  showAdapter();

  const gpuRows = h('div.rows');
  const addGpu = (model = '', price = '') => {
    const row = h('div.row.gpu',
      field({ label: t('site_new.gpu_model'), name: '', control: text('gpu_model', { value: model, list: 'known-models', placeholder: 'A800' }) }),
      field({ label: t('site_new.gpu_price'), name: '', control: num('gpu_price', { min: 0, value: price }) }),
      h('button.ghost.small.remove', { type: 'button', 'aria-label': t('site_new.remove_price'), onclick: () => row.remove() }, '×'));
    gpuRows.append(row);
  };
  addGpu('A800', 9.5);

  const submit = h('button.primary', { type: 'submit' }, t('site_new.submit'));
  const form = h('form.card.site-form', { novalidate: true },
    h('datalist#known-models', knownModels.map((m) => h('option', { value: m }))),
    h('div.grid3',
      field({ label: t('site_new.name'), name: 'name', control: c.name }),
      field({ label: t('col.region'), name: 'region', control: c.region }),
      field({ label: t('col.kind'), name: 'kind', control: c.kind })),
    h('h3', t('site_new.adapter')),
    field({ label: t('site_new.adapter_type'), name: 'adapter.type', control: c.type, hint: t('site_new.adapter_hint') }),
    adapterBox,
    h('h3', t('site_new.pricing')),
    h('div.grid3',
      field({ label: t('site_new.cpu_price'), name: 'pricing.cpu_core_hour', control: c.cpuPrice }),
      field({ label: t('site_new.mem_price'), name: 'pricing.memory_gb_hour', control: c.memPrice }),
      field({ label: t('site_new.egress'), name: 'pricing.egress_gb', control: c.egress }),
      field({ label: t('site_new.granularity'), name: 'pricing.billing_granularity_s', control: c.granularity })),
    h('fieldset.field', { dataset: { field: 'pricing.gpu_hour' } }, h('legend', t('site_new.gpu_prices')), gpuRows,
      h('button.secondary.small', { type: 'button', onclick: () => addGpu() }, t('site_new.add_price')), h('p.field-error')),
    h('h3', t('site_new.energy')),
    h('div.grid3',
      field({ label: t('site_new.pue'), name: 'energy.pue', control: c.pue, hint: t('site_new.pue_hint') }),
      field({ label: t('site_new.cpu_core_w'), name: 'energy.cpu_core_w', control: c.coreW, hint: t('site_new.cpu_core_w_hint') }),
      field({ label: t('site_new.accelerator_w'), name: 'energy.accelerator_w', control: c.accelW, hint: t('site_new.accelerator_w_hint') })),
    h('h3', t('site_new.policy')),
    h('div.grid2',
      field({ label: t('site_new.max_walltime'), name: 'policy.max_walltime_s', control: c.maxWall }),
      field({ label: t('site_new.max_in_flight'), name: 'policy.max_in_flight', control: c.maxInFlight }),
      field({ label: t('site_new.allowed_orgs'), name: 'policy.allowed_orgs', control: c.allowedOrgs, hint: t('site_new.orgs_hint') }),
      field({ label: t('site_new.denied_orgs'), name: 'policy.denied_orgs', control: c.deniedOrgs })),
    h('div.actions', submit));
  root.append(pageHeader(t('site_new.title')), form);

  const val = (el) => (el.value.trim() === '' || Number.isNaN(el.valueAsNumber) ? undefined : el.valueAsNumber);
  const list = (el) => el.value.split(',').map((s) => s.trim()).filter(Boolean);
  const set = (o, k, v) => { if (v !== undefined && v !== '') o[k] = v; };
  function body() {
    const adapter = { type: c.type.value, options: {} };
    if (c.type.value === 'sim') {
      adapter.options.pools = [...pools.querySelectorAll('.pool')].map((row) => {
        const [name, cpus, mem, acc] = row.querySelectorAll('input');
        const p = { name: name.value.trim() };
        set(p, 'cpus', val(cpus));
        set(p, 'memory_gb', val(mem));
        const accels = {};
        for (const part of list(acc)) {
          const [m, n] = part.split(':').map((s) => s.trim());
          accels[m] = Number(n);
        }
        if (Object.keys(accels).length) p.accelerators = accels;
        return p;
      });
      set(adapter.options, 'failure_rate', val(sim.failure));
      set(adapter.options, 'default_runtime_s', val(sim.runtime));
      set(adapter.options, 'rtt_ms', val(sim.rtt));
    } else if (c.type.value === 'local') {
      set(adapter.options, 'cpus', val(local.cpus));
      set(adapter.options, 'memory_gb', val(local.memory));
      set(adapter.options, 'max_walltime_s', val(local.maxWall));
      if (local.runtime.value !== 'none') adapter.options.container_runtime = local.runtime.value;
    } else {
      adapter.endpoint = slurm.endpoint.value.trim();
      set(adapter.options, 'partition', slurm.partition.value.trim());
      set(adapter.options, 'output_dir', slurm.outputDir.value.trim());
      set(adapter.options, 'api_version', slurm.apiVersion.value.trim());
      if (slurm.runtime.value !== 'none') adapter.options.container_runtime = slurm.runtime.value;
      adapter.credentials = {};
      set(adapter.credentials, 'user', slurm.user.value.trim());
      set(adapter.credentials, 'token', slurm.token.value);
    }
    const pricing = {};
    set(pricing, 'cpu_core_hour', val(c.cpuPrice));
    set(pricing, 'memory_gb_hour', val(c.memPrice));
    set(pricing, 'egress_gb', val(c.egress));
    set(pricing, 'billing_granularity_s', val(c.granularity));
    const gpu = {};
    for (const row of gpuRows.querySelectorAll('.gpu')) {
      const [m, p] = row.querySelectorAll('input');
      if (m.value.trim()) gpu[m.value.trim()] = val(p) ?? 0;
    }
    pricing.gpu_hour = gpu;
    const policy = {};
    const wall = val(c.maxWall);
    if (wall !== undefined) policy.max_walltime_s = Math.round(wall * 3600);
    set(policy, 'max_in_flight', val(c.maxInFlight));
    if (list(c.allowedOrgs).length) policy.allowed_orgs = list(c.allowedOrgs);
    if (list(c.deniedOrgs).length) policy.denied_orgs = list(c.deniedOrgs);
    const b = { name: c.name.value.trim(), region: c.region.value, kind: c.kind.value, adapter, pricing, policy };
    // Energy: only what the operator gives; the gateway's defaults stand for the rest.
    const energy = {};
    set(energy, 'pue', val(c.pue));
    set(energy, 'cpu_core_w', val(c.coreW));
    const watts = {};
    for (const part of list(c.accelW)) {
      const [m, w] = part.split(':').map((x) => x.trim());
      watts[m] = Number(w);
    }
    if (Object.keys(watts).length) energy.accelerator_w = watts;
    if (Object.keys(energy).length) b.energy = energy;
    return b;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const site = await api.post('/api/v1/sites', body());
      toast(t('site_new.registered', { name: site.name }));
      ctx.navigate('sites/' + encodeURIComponent(site.id));
    } catch (e) {
      showError(form, e);
    } finally {
      submit.disabled = false;
    }
  });
  c.name.focus();
}
