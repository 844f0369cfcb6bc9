// site_form.js — the form of a site's registration, shared by "Register a site" (POST
// /api/v1/sites) and "Edit site" (PATCH /api/v1/sites/{id}, a JSON merge patch of what
// changed): name, region, kind, the adapter (its type and only that type's fields, each type
// starting from its own defaults), prices, energy figures and policy.
//
// Every field is checked here before anything is sent, all at once, each message beside its
// field in that field's unit (hours, seconds, ¥, W); what only the gateway can check comes back
// as problem+json and lands beside the field it names.
import { t } from './i18n.js';
import { displayName, hubName } from './format.js';
import { h, clear, field, showError, showFieldErrors, clearErrors } from './ui.js';

export const ADAPTER_TYPES = ['sim', 'local', 'slurm'];
const SLURM_API_VERSIONS = ['auto', 'v0.0.38', 'v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.43', 'v0.0.44'];
const MODEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

// What a new site of each adapter type starts from. An emulated center comes with a CPU and a
// GPU pool and the demo's prices; a real machine or cluster starts with no accelerator price
// (its operator knows its models and prices, the gateway does not).
const DEFAULTS = {
  sim: { cpu: 0.05, mem: 0.004, egress: 0.2, granularity: 60, gpu: [['A800', 9.5]],
    pools: [{ name: 'cpu', cpus: 256, memory_gb: 1024 }, { name: 'gpu', cpus: 128, memory_gb: 1024, accelerators: { A800: 16 } }] },
  local: { cpu: 0.05, mem: 0.004, egress: 0, granularity: 1, gpu: [], pools: [] },
  slurm: { cpu: '', mem: '', egress: '', granularity: 60, gpu: [], pools: [] },
};

// `site`: the site to edit (null: a new one). `onSubmit(body)` sends the registration (new) or
// the merge patch (edit) and throws the gateway's ApiError, shown beside its field; it returns
// false when there was nothing to send.
export function siteForm({ regions, knownModels = [], site = null, submitLabel, onSubmit }) {
  const editing = Boolean(site);
  const text = (name, attrs = {}) => h('input', { type: 'text', name, autocomplete: 'off', ...attrs });
  const num = (name, attrs = {}) => h('input', { type: 'number', name, step: 'any', inputmode: 'decimal', ...attrs });
  const type0 = editing ? site.adapter.type : 'sim';
  const opts0 = (editing && site.adapter.options) || {};
  const c = {
    name: text('name', { required: true, maxlength: 128 }),
    region: h('select', { name: 'region', required: true }, h('option', { value: '' }, t('site_new.pick_region')),
      regions.map((r) => h('option', { value: r.id }, [displayName(r), hubName(r)].filter(Boolean).join(' — ')))),
    kind: h('select', { name: 'kind' }, ['general', 'hpc', 'ai'].map((k) => h('option', { value: k }, t('site_kind.' + k)))),
    type: h('select', { name: 'adapter_type', disabled: editing },
      (ADAPTER_TYPES.includes(type0) ? ADAPTER_TYPES : [...ADAPTER_TYPES, type0]).map((k) => h('option', { value: k }, t('adapter.' + k, {}, k)))),
    cpuPrice: num('cpu_core_hour', { min: 0 }),
    memPrice: num('memory_gb_hour', { min: 0 }),
    egress: num('egress_gb', { min: 0 }),
    granularity: num('billing_granularity_s', { min: 1, step: 1 }),
    maxWall: num('max_walltime_h', { min: 0 }),
    maxInFlight: num('max_in_flight', { min: 1, step: 1 }),
    allowedOrgs: text('allowed_orgs', { placeholder: 'org_…, org_…' }),
    deniedOrgs: text('denied_orgs', { placeholder: 'org_…' }),
    pue: num('pue', { min: 1, max: 3 }),
    coreW: num('cpu_core_w', { min: 0, max: 1000, placeholder: '4.4' }),
    accelW: text('accelerator_w', { placeholder: 'A800:400, H100:700' }),
  };
  c.type.value = type0;

  // ---- the adapter's own fields ----
  const sim = {
    failure: num('failure_rate', { min: 0, max: 1 }),
    runtime: num('default_runtime_s', { min: 1, step: 1 }),
    rtt: num('rtt_ms', { min: 0 }),
  };
  const pools = h('div.rows');
  const addPool = (p = {}) => {
    const row = h('div.row.pool', { dataset: { extra: JSON.stringify(rest(p, ['name', 'cpus', 'memory_gb', 'accelerators'])) } },
      field({ label: t('site_new.pool_name'), name: '', control: text('pool_name', { value: p.name || '' }) }),
      field({ label: t('site_new.pool_cpus'), name: '', control: num('pool_cpus', { min: 1, step: 1, value: p.cpus ?? '' }) }),
      field({ label: t('site_new.pool_memory'), name: '', control: num('pool_memory_gb', { min: 0, value: p.memory_gb ?? '' }) }),
      field({ label: t('site_new.pool_accels'), name: '', control: text('pool_accelerators', { value: pairs(p.accelerators), placeholder: 'A800:8, H100:4' }), hint: t('site_new.pool_accels_hint') }),
      h('button.ghost.small.remove', { type: 'button', 'aria-label': t('site_new.remove_pool'), onclick: () => row.remove() }, '×'));
    pools.append(row);
  };
  const runtimeSelect = (name, kinds) => h('select', { name },
    ['none', ...kinds].map((k) => h('option', { value: k }, k === 'none' ? t('site.no_containers') : k)));
  const local = {
    cpus: num('local_cpus', { min: 1, step: 1 }), memory: num('local_memory_gb', { min: 0 }), maxWall: num('local_max_walltime_s', { min: 0, step: 1 }),
    runtime: runtimeSelect('local_container_runtime', ['podman']),
  };
  const slurm = {
    endpoint: text('endpoint', { placeholder: 'http://slurm.example:6820', inputmode: 'url' }),
    partition: text('partition', { placeholder: 'gpu' }),
    outputDir: text('output_dir', { placeholder: '/shared/suanwang' }),
    apiVersion: h('select', { name: 'api_version' }, SLURM_API_VERSIONS.map((v) => h('option', { value: v }, v === 'auto' ? t('site_form.api_auto') : v))),
    user: text('slurm_user', { placeholder: 'svc' }),
    token: h('input', { type: 'password', name: 'slurm_token', autocomplete: 'off' }),
    runtime: runtimeSelect('slurm_container_runtime', ['apptainer', 'pyxis', 'podman']),
  };
  const adapterBox = h('div.adapter-fields', { dataset: { field: 'adapter', adapter: type0 } });
  const adapterError = h('p.field-error', { 'aria-live': 'polite' });
  const panels = {
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
      field({ label: t('site_new.output_dir'), name: 'adapter.options.output_dir', control: slurm.outputDir, hint: t('site_form.output_dir_hint') }),
      field({ label: t('site_new.api_version'), name: 'adapter.options.api_version', control: slurm.apiVersion }),
      field({ label: t('site_new.slurm_user'), name: 'adapter.credentials.user', control: slurm.user }),
      field({ label: t('site_new.slurm_token'), name: 'adapter.credentials.token', control: slurm.token,
        hint: editing && site.adapter.credentials_set ? t('site_form.token_keep') : t('site_new.token_hint') }),
      field({ label: t('site_new.container_runtime'), name: 'adapter.options.container_runtime', control: slurm.runtime, hint: t('site_new.container_hint') })),
  };

  const gpuRows = h('div.rows');
  const addGpu = (model = '', price = '') => {
    const row = h('div.row.gpu',
      field({ label: t('site_new.gpu_model'), name: '', control: text('gpu_model', { value: model, list: 'known-models', placeholder: 'A800' }) }),
      field({ label: t('site_new.gpu_price'), name: '', control: num('gpu_price', { min: 0, value: price }) }),
      h('button.ghost.small.remove', { type: 'button', 'aria-label': t('site_new.remove_price'), onclick: () => row.remove() }, '×'));
    gpuRows.append(row);
  };

  // Prices the operator has typed survive a change of adapter type; untouched ones follow it.
  const touched = new Set();
  for (const el of [c.cpuPrice, c.memPrice, c.egress, c.granularity]) el.addEventListener('input', () => touched.add(el));
  let gpuTouched = false;
  gpuRows.addEventListener('input', () => { gpuTouched = true; });

  function startFrom(type) {
    const d = DEFAULTS[type] || DEFAULTS.local;
    const put = (el, v) => { if (!touched.has(el)) el.value = v; };
    put(c.cpuPrice, d.cpu);
    put(c.memPrice, d.mem);
    put(c.egress, d.egress);
    put(c.granularity, d.granularity);
    if (!gpuTouched) {
      clear(gpuRows);
      for (const [m, p] of d.gpu) addGpu(m, p);
    }
    clear(pools);
    for (const p of d.pools) addPool(p);
    sim.failure.value = 0;
    sim.runtime.value = 30;
    sim.rtt.value = type === 'sim' ? 5 : '';
    for (const el of [local.cpus, local.memory, local.maxWall, slurm.endpoint, slurm.partition, slurm.outputDir, slurm.user, slurm.token]) el.value = '';
    slurm.apiVersion.value = 'auto';
    local.runtime.value = 'none';
    slurm.runtime.value = 'none';
  }

  const showAdapter = () => {
    adapterBox.dataset.adapter = c.type.value;
    clear(adapterBox).append(panels[c.type.value] || h('p.muted', t('site_form.adapter_unknown')), adapterError);
  };

  if (editing) {
    c.name.value = site.name;
    c.region.value = site.region;
    c.kind.value = site.kind;
    const p = site.pricing || {};
    c.cpuPrice.value = p.cpu_core_hour ?? '';
    c.memPrice.value = p.memory_gb_hour ?? '';
    c.egress.value = p.egress_gb ?? '';
    c.granularity.value = p.billing_granularity_s ?? '';
    for (const [m, v] of Object.entries(p.gpu_hour || {}).sort()) addGpu(m, v);
    const pol = site.policy || {};
    c.maxWall.value = pol.max_walltime_s ? +(pol.max_walltime_s / 3600).toFixed(4) : '';
    c.maxInFlight.value = pol.max_in_flight ?? '';
    c.allowedOrgs.value = (pol.allowed_orgs || []).join(', ');
    c.deniedOrgs.value = (pol.denied_orgs || []).join(', ');
    const e = site.energy || {};
    c.pue.value = e.pue ?? '';
    c.coreW.value = e.cpu_core_w ?? '';
    c.accelW.value = pairs(e.accelerator_w);
    for (const pool of opts0.pools || []) addPool(pool);
    sim.failure.value = opts0.failure_rate ?? '';
    sim.runtime.value = opts0.default_runtime_s ?? '';
    sim.rtt.value = opts0.rtt_ms ?? '';
    local.cpus.value = opts0.cpus ?? '';
    local.memory.value = opts0.memory_gb ?? '';
    local.maxWall.value = opts0.max_walltime_s ?? '';
    local.runtime.value = opts0.container_runtime || 'none';
    slurm.endpoint.value = site.adapter.endpoint || '';
    slurm.partition.value = opts0.partition || '';
    slurm.outputDir.value = opts0.output_dir || '';
    slurm.apiVersion.value = opts0.api_version || 'auto';
    slurm.runtime.value = opts0.container_runtime || 'none';
  } else {
    c.maxWall.value = 168;
    c.maxInFlight.value = 1000;
    startFrom(type0);
    c.type.addEventListener('change', () => { startFrom(c.type.value); showAdapter(); });
  }
  showAdapter();

  const submit = h('button.primary', { type: 'submit' }, submitLabel);
  const form = h('form.card.site-form', { novalidate: true },
    h('datalist#known-models', knownModels.map((m) => h('option', { value: m }))),
    h('div.grid3',
      field({ label: t('site_new.name'), name: 'name', control: c.name }),
      field({ label: t('col.region'), name: 'region', control: c.region }),
      field({ label: t('col.kind'), name: 'kind', control: c.kind })),
    h('h3', t('site_new.adapter')),
    field({ label: t('site_new.adapter_type'), name: 'adapter.type', control: c.type,
      hint: editing ? t('site_form.type_fixed') : t('site_new.adapter_hint') }),
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

  // ---- reading and checking ----
  const blank = (el) => el.value.trim() === '';
  const val = (el) => (blank(el) || Number.isNaN(el.valueAsNumber) ? undefined : el.valueAsNumber);
  const list = (el) => el.value.split(',').map((s) => s.trim()).filter(Boolean);
  const set = (o, k, v) => { if (v !== undefined && v !== '') o[k] = v; };

  // Every problem with what is typed, each as {field | el, message}.
  function check() {
    const errs = [];
    const bad = (where, key, vars) => errs.push({ ...(typeof where === 'string' ? { field: where } : { el: where }), message: t(key, vars) });
    // A number field: blank is `optional`'s call; else a number in [min, max] (whole if asked).
    const number = (el, where, key, { min = -Infinity, max = Infinity, above, whole = false, optional = true } = {}) => {
      if (blank(el)) { if (!optional) bad(where, key); return; }
      const v = el.valueAsNumber;
      if (Number.isNaN(v) || v < min || v > max || (above !== undefined && v <= above) || (whole && !Number.isInteger(v))) bad(where, key);
    };
    const name = c.name.value.trim();
    if (!name || name.length > 128) bad('name', 'site_form.err_name');
    if (!c.region.value) bad('region', 'site_form.err_region');
    const type = c.type.value;
    if (type === 'sim') {
      const rows = [...pools.querySelectorAll('.pool')];
      if (!rows.length) bad('adapter.options.pools', 'site_form.err_pools_none');
      const names = new Set();
      for (const row of rows) {
        const [pn, cpus, mem, acc] = row.querySelectorAll('input');
        const n = pn.value.trim();
        if (!n || names.has(n)) bad(pn, 'site_form.err_pool_name');
        names.add(n);
        number(cpus, cpus, 'site_form.err_pool_cpus', { min: 1, max: 2147483647, whole: true, optional: false });
        number(mem, mem, 'site_form.err_pool_memory', { above: 0, optional: false });
        if (parsePairs(acc.value, { whole: true, min: 0 }) === null) bad(acc, 'site_form.err_accels');
      }
      number(sim.failure, 'adapter.options.failure_rate', 'site_form.err_failure_rate', { min: 0, max: 1 });
      number(sim.runtime, 'adapter.options.default_runtime_s', 'site_form.err_runtime', { min: 1, whole: true });
      number(sim.rtt, 'adapter.options.rtt_ms', 'site_form.err_rtt', { min: 0 });
    } else if (type === 'local') {
      number(local.cpus, 'adapter.options.cpus', 'site_form.err_local_cpus', { min: 1, max: 2147483647, whole: true });
      number(local.memory, 'adapter.options.memory_gb', 'site_form.err_local_memory', { above: 0 });
      number(local.maxWall, 'adapter.options.max_walltime_s', 'site_form.err_local_walltime', { min: 0, whole: true });
    } else if (type === 'slurm') {
      if (!/^https?:\/\/[^\s/]+/.test(slurm.endpoint.value.trim())) bad('adapter.endpoint', 'site_form.err_endpoint');
      const part = slurm.partition.value.trim();
      if (!part || part.length > 64) bad('adapter.options.partition', 'site_form.err_partition');
      const dir = slurm.outputDir.value.trim();
      if (!/^\/./.test(dir) || dir.length > 1024) bad('adapter.options.output_dir', 'site_form.err_output_dir');
      if (!editing || !site.adapter.credentials_set) {
        if (!slurm.user.value.trim()) bad('adapter.credentials.user', 'site_form.err_user');
        if (!slurm.token.value) bad('adapter.credentials.token', 'site_form.err_token');
      }
    }
    const price = { min: 0, max: 1000000 };
    if (blank(c.cpuPrice)) bad('pricing.cpu_core_hour', 'site_form.err_cpu_price_missing');
    else number(c.cpuPrice, 'pricing.cpu_core_hour', 'site_form.err_price', price);
    number(c.memPrice, 'pricing.memory_gb_hour', 'site_form.err_price', price);
    number(c.egress, 'pricing.egress_gb', 'site_form.err_price', price);
    number(c.granularity, 'pricing.billing_granularity_s', 'site_form.err_granularity', { min: 1, max: 86400, whole: true });
    const models = new Set();
    for (const row of gpuRows.querySelectorAll('.gpu')) {
      const [m, p] = row.querySelectorAll('input');
      const model = m.value.trim();
      if (!model && blank(p)) continue;
      if (!MODEL.test(model)) bad(m, 'site_form.err_gpu_model');
      else if (models.has(model)) bad(m, 'site_form.err_gpu_duplicate', { model });
      models.add(model);
      number(p, p, 'site_form.err_price', { ...price, optional: false });
    }
    number(c.pue, 'energy.pue', 'site_form.err_pue', { min: 1, max: 3 });
    number(c.coreW, 'energy.cpu_core_w', 'site_form.err_core_w', { min: 0, max: 1000 });
    const watts = parsePairs(c.accelW.value, { above: 0, max: 5000 });
    if (watts === null) bad('energy.accelerator_w', 'site_form.err_accel_w');
    number(c.maxWall, 'policy.max_walltime_s', 'site_form.err_max_walltime', { min: 1 / 60, max: 8784, optional: false });
    number(c.maxInFlight, 'policy.max_in_flight', 'site_form.err_max_in_flight', { min: 1, max: 1000000, whole: true, optional: false });
    return errs;
  }

  // The registration as the form says it. Adapter options the form does not show (e.g. a sim
  // site's lose_rate, a Slurm site's staging_dir) are kept as stored.
  function body() {
    const type = c.type.value;
    const managed = { sim: ['pools', 'failure_rate', 'default_runtime_s', 'rtt_ms'],
      local: ['cpus', 'memory_gb', 'max_walltime_s', 'container_runtime'],
      slurm: ['partition', 'output_dir', 'api_version', 'container_runtime'] }[type] || [];
    const options = rest(editing ? opts0 : {}, managed);
    const adapter = { type, options };
    if (type === 'sim') {
      options.pools = [...pools.querySelectorAll('.pool')].map((row) => {
        const [pn, cpus, mem, acc] = row.querySelectorAll('input');
        const p = { ...JSON.parse(row.dataset.extra || '{}'), name: pn.value.trim() };
        set(p, 'cpus', val(cpus));
        set(p, 'memory_gb', val(mem));
        const accels = parsePairs(acc.value) || {};
        if (Object.keys(accels).length) p.accelerators = accels;
        return p;
      });
      set(options, 'failure_rate', val(sim.failure));
      set(options, 'default_runtime_s', val(sim.runtime));
      set(options, 'rtt_ms', val(sim.rtt));
    } else if (type === 'local') {
      set(options, 'cpus', val(local.cpus));
      set(options, 'memory_gb', val(local.memory));
      set(options, 'max_walltime_s', val(local.maxWall));
      if (local.runtime.value !== 'none') options.container_runtime = local.runtime.value;
    } else if (type === 'slurm') {
      adapter.endpoint = slurm.endpoint.value.trim();
      set(options, 'partition', slurm.partition.value.trim());
      set(options, 'output_dir', slurm.outputDir.value.trim());
      set(options, 'api_version', slurm.apiVersion.value);
      if (slurm.runtime.value !== 'none') options.container_runtime = slurm.runtime.value;
      // Credentials are never read back: sent only when typed.
      if (slurm.user.value.trim() || slurm.token.value) {
        adapter.credentials = {};
        set(adapter.credentials, 'user', slurm.user.value.trim());
        set(adapter.credentials, 'token', slurm.token.value);
      }
    } else if (editing) {
      adapter.endpoint = site.adapter.endpoint;
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
    policy.allowed_orgs = list(c.allowedOrgs);
    policy.denied_orgs = list(c.deniedOrgs);
    const b = { name: c.name.value.trim(), region: c.region.value, kind: c.kind.value, adapter, pricing, policy };
    const energy = {};
    set(energy, 'pue', val(c.pue));
    set(energy, 'cpu_core_w', val(c.coreW));
    const watts = parsePairs(c.accelW.value) || {};
    if (Object.keys(watts).length) energy.accelerator_w = watts;
    if (editing || Object.keys(energy).length) b.energy = energy;
    return b;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const errs = check();
    if (errs.length) { showFieldErrors(form, errs); return; }
    let b = body();
    if (editing) b = mergePatch(editableView(site), b);
    submit.disabled = true;
    try {
      await onSubmit(b);
    } catch (e) {
      showError(form, e);
    } finally {
      submit.disabled = false;
    }
  });
  return { form, focus: () => c.name.focus() };
}

// The part of a site a registration sets, as the gateway shows it to its owner.
function editableView(site) {
  const adapter = { type: site.adapter.type, options: site.adapter.options || {} };
  if (site.adapter.endpoint !== undefined) adapter.endpoint = site.adapter.endpoint;
  return { name: site.name, region: site.region, kind: site.kind, adapter, pricing: site.pricing, policy: site.policy, energy: site.energy || {} };
}

// An RFC 7386 merge patch taking `before` to `after`: changed members, null for removed ones,
// nested objects member by member; arrays and values whole.
export function mergePatch(before, after) {
  const out = {};
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const k of new Set([...Object.keys(before || {}), ...Object.keys(after || {})])) {
    const a = before?.[k], b = after?.[k];
    if (b === undefined) {
      if (a !== undefined && a !== null) out[k] = null;
    } else if (isObj(a) && isObj(b)) {
      const d = mergePatch(a, b);
      if (Object.keys(d).length) out[k] = d;
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out[k] = b;
    }
  }
  return out;
}

// "A800:8, H100:4" ⇄ {A800: 8, H100: 4}. parsePairs answers null when a part is not
// MODEL:NUMBER within the bounds.
function pairs(map) {
  return Object.entries(map || {}).map(([k, v]) => `${k}:${v}`).join(', ');
}

function parsePairs(textValue, { whole = false, min = -Infinity, above, max = Infinity } = {}) {
  const out = {};
  for (const part of textValue.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^:\s]+)\s*:\s*(\S+)$/.exec(part);
    if (!m || !MODEL.test(m[1])) return null;
    const v = Number(m[2]);
    if (!Number.isFinite(v) || v < min || v > max || (above !== undefined && v <= above) || (whole && !Number.isInteger(v))) return null;
    out[m[1]] = v;
  }
  return out;
}

function rest(obj, drop) {
  const out = { ...(obj || {}) };
  for (const k of drop) delete out[k];
  return out;
}
