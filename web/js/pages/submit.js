// The job form (SME users): command or script, resources with an accelerator-model picker fed
// by what the network offers now (GET /api/v1/capacity), inputs from the org's sealed datasets
// (each in a folder of the job's directory, data/ by default), output globs collected into a
// dataset, region and site constraints, routing policy — with a live quote beside it
// (POST /api/v1/quotes, debounced) and submit (POST /api/v1/jobs with an Idempotency-Key).
import * as api from '../api.js';
import { t, tn } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, field, choices, checkedValues, showError, showFieldErrors, clearErrors, loading, errorText, debounce, pageHeader, toast, empty } from '../ui.js';
import { renderDecision } from '../decision.js';

const QUOTE_DELAY_MS = 400;
const DEFAULT_INPUT_DIR = 'data/';

export async function render(root, ctx) {
  const [regions, sites, capacity, datasets] = await Promise.all([
    api.all('/api/v1/regions'), api.all('/api/v1/sites'), api.get('/api/v1/capacity'),
    api.all('/api/v1/datasets').catch(() => ({ items: [] })),
  ]);
  if (!ctx.active) return;

  const num = (attrs) => h('input', { type: 'number', inputmode: 'decimal', ...attrs });
  const c = {
    name: h('input', { type: 'text', name: 'name', maxlength: 128, placeholder: 'train-resnet', autocomplete: 'off' }),
    command: h('input.mono', { type: 'text', name: 'command', placeholder: 'python train.py --epochs 10', autocomplete: 'off', spellcheck: 'false' }),
    script: h('textarea.mono', { name: 'script', rows: 6, placeholder: '#!/bin/bash\necho hello', spellcheck: 'false' }),
    image: h('input', { type: 'text', name: 'image', placeholder: 'registry.example/ml:2.3', autocomplete: 'off' }),
    cpus: num({ name: 'cpus', min: 1, step: 1, value: 1 }),
    memory: num({ name: 'memory_gb', min: 0.001, step: 'any', value: 1 }),
    walltime: num({ name: 'walltime_min', min: 1, step: 'any', value: 60 }),
    runtime: num({ name: 'runtime_min', min: 1, step: 'any', placeholder: t('submit.runtime_default') }),
    model: h('select', { name: 'accelerator_model' },
      h('option', { value: '' }, t('submit.no_accelerator')),
      Object.entries(capacity.by_accelerator).sort().map(([m, a]) => h('option', { value: m },
        tn('submit.model_option', a.sites, { model: m, free: fmt.num(a.free), total: fmt.num(a.total) })))),
    count: num({ name: 'accelerator_count', min: 1, step: 1, value: 1, disabled: true }),
    site: h('select', { name: 'site' }, h('option', { value: '' }, t('submit.any_site')),
      sites.items.map((s) => h('option', { value: s.id }, `${fmt.displayName(s)} — ${regionName(regions, s.region)}`))),
    maxPrice: num({ name: 'max_price_cny', min: 0, step: 'any' }),
    outRegion: h('select', { name: 'output_region' }, h('option', { value: '' }, t('submit.no_output')),
      regions.items.map((r) => h('option', { value: r.id }, fmt.displayName(r)))),
    outSize: num({ name: 'output_gb', min: 0, step: 'any', placeholder: '0' }),
    outPaths: h('input.mono', { type: 'text', name: 'output_paths', placeholder: '*.txt, model/*.pt', autocomplete: 'off', spellcheck: 'false' }),
    from: h('select', { name: 'submitter_region' }, h('option', { value: '' }, t('submit.from_unknown')),
      regions.items.map((r) => h('option', { value: r.id }, fmt.displayName(r)))),
  };
  const mode = choices({
    legend: t('submit.what'), name: 'mode', value: 'command',
    options: [{ value: 'command', label: t('submit.mode_command') }, { value: 'script', label: t('submit.mode_script') }],
    onchange: () => { showMode(); changed(); },
  });
  const policy = choices({
    legend: t('submit.policy'), name: 'routing.policy', value: 'balanced',
    options: ['balanced', 'cheapest', 'fastest', 'data-local', 'greenest'].map((p) => ({ value: p, label: t('policy.' + p) })),
    onchange: () => changed(),
  });
  const interactive = choices({
    legend: t('submit.interactive'), name: 'interactive', type: 'checkbox',
    options: [{ value: 'yes', label: t('submit.interactive_label') }], onchange: () => changed(),
  });
  const allowed = choices({
    legend: t('submit.regions'), name: 'constraints.regions', type: 'checkbox',
    options: regions.items.map((r) => ({ value: r.id, label: fmt.displayName(r) })), onchange: () => changed(),
  });
  // Inputs: sealed datasets of files (staged into the job's directory, under the folder given
  // beside each) and declared ones (weighed by placement, not staged). Open datasets cannot be
  // inputs yet; the form says how many there are and where to seal them.
  const usable = datasets.items.filter((d) => d.kind === 'declared' || d.sealed);
  const openCount = datasets.items.filter((d) => d.kind === 'files' && !d.sealed).length;
  const inputRows = usable.map((d) => {
    const box = h('input', { type: 'checkbox', value: d.id });
    const label = d.kind === 'files'
      ? tn('submit.input_files', d.file_count, { name: d.name, size: fmt.bytes(d.size_bytes) })
      : `${d.name} (${fmt.bytes(d.size_bytes)}; ${d.replicas.map((r) => regionName(regions, r.region)).join(', ')})`;
    const dir = d.kind === 'files'
      ? h('input.mono.input-dir', { type: 'text', value: DEFAULT_INPUT_DIR, disabled: true, spellcheck: 'false', autocomplete: 'off', 'aria-label': t('submit.input_dir_for', { name: d.name }) })
      : null;
    const dirBox = dir ? h('span.input-dir-box', h('span.muted.small', { 'aria-hidden': 'true' }, t('submit.input_dir')), dir, h('p.field-error', { 'aria-live': 'polite' })) : null;
    box.addEventListener('change', () => { if (dir) dir.disabled = !box.checked; });
    const row = h('div.input-row', { dataset: { datasetId: d.id } }, h('label.choice', box, h('span', label)), dirBox,
      h('p.field-error', { 'aria-live': 'polite' }));
    return { d, box, dir, dirBox, row };
  });
  const inputs = h('fieldset.field.inputs', { dataset: { field: 'inputs' } }, h('legend', t('submit.inputs')),
    inputRows.length ? inputRows.map((r) => r.row) : h('p.muted.small', t('submit.no_datasets')),
    openCount ? h('p.muted.small', tn('submit.open_datasets', openCount), ' ', h('a', { href: '#/data' }, t('submit.seal_on_data'))) : null,
    h('p.field-error', { 'aria-live': 'polite' }));

  const commandField = field({ label: t('submit.command'), name: 'command', control: c.command, hint: t('submit.command_hint'), wide: true });
  const scriptField = field({ label: t('submit.script'), name: 'script', control: c.script, wide: true });
  const submitBtn = h('button.primary', { type: 'submit' }, t('submit.submit'));
  const form = h('form.card.job-form', { novalidate: true, 'aria-labelledby': 'form-title' },
    h('h2#form-title.sr-only', t('submit.title')),
    h('div.grid2',
      field({ label: t('submit.name'), name: 'name', control: c.name }),
      field({ label: t('submit.image'), name: 'image', control: c.image, hint: t('submit.image_hint') })),
    mode, commandField, scriptField,
    h('h3', t('submit.resources')),
    h('div.grid3',
      field({ label: t('submit.cpus'), name: 'resources.cpus', control: c.cpus }),
      field({ label: t('submit.memory'), name: 'resources.memory_gb', control: c.memory }),
      field({ label: t('submit.walltime'), name: 'resources.walltime_s', control: c.walltime, hint: t('submit.walltime_hint') }),
      field({ label: t('submit.model'), name: 'resources.accelerators.model', control: c.model }),
      field({ label: t('submit.count'), name: 'resources.accelerators.count', control: c.count }),
      field({ label: t('submit.runtime'), name: 'expected_runtime_s', control: c.runtime, hint: t('submit.runtime_hint') })),
    h('h3', t('submit.data')),
    inputs,
    field({ label: t('submit.output_paths'), name: 'outputs.paths', control: c.outPaths, hint: t('submit.output_paths_hint'), wide: true }),
    h('div.grid3',
      field({ label: t('submit.output_region'), name: 'outputs.region', control: c.outRegion }),
      field({ label: t('submit.output_size'), name: 'outputs.size_bytes', control: c.outSize }),
      field({ label: t('submit.from'), name: 'submitter_region', control: c.from, hint: t('submit.from_hint') })),
    h('h3', t('submit.where')),
    allowed,
    h('div.grid2',
      field({ label: t('submit.site'), name: 'constraints.sites', control: c.site }),
      field({ label: t('submit.max_price'), name: 'constraints.max_price_cny', control: c.maxPrice })),
    policy,
    interactive,
    h('div.actions', submitBtn));

  const quoteBox = h('div#quote.quote-body', { 'aria-live': 'polite' });
  const quote = h('aside.card.quote', { 'aria-labelledby': 'quote-title' }, h('h2#quote-title', t('submit.quote')), quoteBox);
  root.append(pageHeader(t('submit.title')), h('div.submit-layout', form, quote));

  function showMode() {
    const script = checkedValues(mode)[0] === 'script';
    commandField.hidden = script;
    scriptField.hidden = !script;
  }
  showMode();

  const numberOf = (el, scale = 1) => (el.value.trim() === '' || Number.isNaN(el.valueAsNumber) ? undefined : el.valueAsNumber * scale);
  function body() {
    const b = {};
    if (c.name.value.trim()) b.name = c.name.value.trim();
    if (checkedValues(mode)[0] === 'script') { if (c.script.value.trim()) b.script = c.script.value; } else if (c.command.value.trim()) b.command = c.command.value.trim();
    if (c.image.value.trim()) b.image = c.image.value.trim();
    const r = {};
    const cpus = numberOf(c.cpus); if (cpus !== undefined) r.cpus = cpus;
    const mem = numberOf(c.memory); if (mem !== undefined) r.memory_gb = mem;
    const wall = numberOf(c.walltime, 60); if (wall !== undefined) r.walltime_s = Math.round(wall);
    if (c.model.value) r.accelerators = { model: c.model.value, count: numberOf(c.count) ?? 1 };
    b.resources = r;
    const run = numberOf(c.runtime, 60); if (run !== undefined) b.expected_runtime_s = Math.round(run);
    // Each ticked input's row answers to its index in the body, so that a problem naming
    // `inputs[1].path` lands beside that row's folder.
    const ins = [];
    for (const r of inputRows) {
      r.row.dataset.field = '';
      if (r.dirBox) r.dirBox.dataset.field = '';
      if (!r.box.checked) continue;
      const k = ins.length;
      r.row.dataset.field = `inputs[${k}]`;
      const one = { dataset: r.d.id };
      if (r.dir) {
        r.dirBox.dataset.field = `inputs[${k}].path`;
        if (r.dir.value.trim()) one.path = r.dir.value.trim();
      }
      ins.push(one);
    }
    if (inputRows.length) b.inputs = ins;
    const paths = c.outPaths.value.split(/[\s,]+/).filter(Boolean);
    if (c.outRegion.value || paths.length) {
      b.outputs = {};
      if (paths.length) b.outputs.paths = paths;
      if (c.outRegion.value) {
        b.outputs.region = c.outRegion.value;
        const size = numberOf(c.outSize, 1e9); if (size !== undefined) b.outputs.size_bytes = Math.round(size);
      }
    }
    const cons = {};
    const regs = checkedValues(allowed); if (regs.length) cons.regions = regs;
    if (c.site.value) cons.sites = [c.site.value];
    const mp = numberOf(c.maxPrice); if (mp !== undefined) cons.max_price_cny = mp;
    b.constraints = cons;
    b.routing = { policy: checkedValues(policy)[0] || 'balanced' };
    if (c.from.value) b.submitter_region = c.from.value;
    if (checkedValues(interactive).length) b.interactive = true;
    return b;
  }

  // Every field checked in its own unit and words, all at once, before the gateway is asked (its
  // limits: job.cpp): the walltime in minutes, not "resources.walltime_s must be …".
  const kMaxWallMin = 31622400 / 60;
  function fieldErrors() {
    const errs = [];
    const check = (el, name, ok, key, params = {}) => {
      if (el.value.trim() === '') return;
      const v = el.valueAsNumber;
      if (Number.isNaN(v) || !ok(v)) errs.push({ field: name, message: t(key, params) });
    };
    check(c.cpus, 'resources.cpus', (v) => Number.isInteger(v) && v >= 1 && v <= 1e6, 'submit.err_cpus');
    check(c.memory, 'resources.memory_gb', (v) => v >= 0.001 && v <= 1e8, 'submit.err_memory');
    check(c.walltime, 'resources.walltime_s', (v) => v * 60 >= 1 && v <= kMaxWallMin, 'submit.err_walltime', { max: fmtInt(kMaxWallMin) });
    check(c.count, 'resources.accelerators.count', (v) => Number.isInteger(v) && v >= 1 && v <= 1e5, 'submit.err_count');
    check(c.runtime, 'expected_runtime_s', (v) => v * 60 >= 1 && v <= kMaxWallMin, 'submit.err_runtime');
    if (c.runtime.value.trim() !== '' && c.walltime.value.trim() !== '' && c.runtime.valueAsNumber > c.walltime.valueAsNumber) {
      errs.push({ field: 'expected_runtime_s', message: t('submit.err_runtime_over') });
    }
    check(c.maxPrice, 'constraints.max_price_cny', (v) => v >= 0 && v <= 1e9, 'submit.err_price');
    return errs;
  }
  const fmtInt = (n) => Math.floor(n).toLocaleString();

  let seq = 0;
  let controller = null;
  async function requote() {
    const errs = fieldErrors();
    if (errs.length) {
      ++seq;
      if (controller) controller.abort();
      showFieldErrors(form, errs);
      quoteBox.dataset.state = 'error';
      clear(quoteBox).append(empty(t('submit.quote_fix_field')));
      return;
    }
    const b = body();
    const mine = ++seq;
    if (controller) controller.abort();
    if (!b.command && !b.script) {
      clear(quoteBox).append(empty(t('submit.quote_needs_command')));
      return;
    }
    controller = new AbortController();
    clear(quoteBox).append(loading(t('submit.quoting')));
    try {
      const d = await api.post('/api/v1/quotes', b, { signal: controller.signal });
      if (mine !== seq || !ctx.active) return;
      clearErrors(form);
      clear(quoteBox).append(renderDecision(d, { regionName: (id) => regionName(regions, id), region: (id) => regions.items.find((r) => r.id === id) }));
      quoteBox.dataset.state = d.chosen ? 'ranked' : 'none';
    } catch (e) {
      if (e.name === 'AbortError' || mine !== seq || !ctx.active) return;
      quoteBox.dataset.state = 'error';
      if (e.field) {
        showError(form, e);
        clear(quoteBox).append(empty(t('submit.quote_fix_field')));
      } else {
        clear(quoteBox).append(h('div.state.error', { role: 'alert' }, errorText(e)));
      }
    }
  }
  const changed = debounce(requote, QUOTE_DELAY_MS);
  form.addEventListener('input', () => {
    c.count.disabled = !c.model.value;
    changed();
  });
  form.addEventListener('change', () => { c.count.disabled = !c.model.value; });
  ctx.onCleanup(() => { seq++; if (controller) controller.abort(); });
  requote();

  // One key per form content: a retried submit of the same job finds the first one; any edit
  // makes it a new job.
  let idempotencyKey = newKey();
  form.addEventListener('input', () => { idempotencyKey = newKey(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const errs = fieldErrors();
    if (errs.length) {
      showFieldErrors(form, errs);
      return;
    }
    const b = body();
    if (!b.command && !b.script) {
      const which = checkedValues(mode)[0] === 'script' ? 'script' : 'command';
      showError(form, new api.ApiError(400, { detail: t('submit.need_' + which), field: which }));
      return;
    }
    submitBtn.disabled = true;
    submitBtn.textContent = t('submit.submitting');
    try {
      const job = await api.post('/api/v1/jobs', b, { headers: { 'Idempotency-Key': idempotencyKey } });
      idempotencyKey = newKey();
      toast(t('submit.submitted', { name: job.name }));
      ctx.navigate('jobs/' + encodeURIComponent(job.id));
    } catch (e) {
      showError(form, e);
    } finally {
      submitBtn.disabled = false;
      submitBtn.textContent = t('submit.submit');
    }
  });
}

// crypto.randomUUID needs a secure context; the portal may be served over plain HTTP on a LAN.
function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'portal-' + [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function regionName(regions, id) {
  return fmt.displayName(regions.items.find((r) => r.id === id)) || id;
}
