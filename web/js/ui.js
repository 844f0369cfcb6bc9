// ui.js — small DOM helpers every page shares: an element builder, the loading / empty /
// error states, state badges, tables, form fields whose errors sit beside them, and toasts.
import { t } from './i18n.js';
import { ApiError } from './api.js';

// h('a.button#id', {href, onclick}, child, ...): children may be strings, nodes, arrays, null.
export function h(spec, attrs = {}, ...children) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement(m[1] || 'div');
  for (const part of m[2].match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = {};
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function loading(label = t('state.loading')) {
  return h('div.state.loading', { role: 'status' }, h('span.spinner', { 'aria-hidden': 'true' }), label);
}

export function empty(text, action) {
  return h('div.state.empty', h('p', text), action || null);
}

export function errorText(err) {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    return err.detail || err.title || t('error.http', { status: err.status });
  }
  return String(err && err.message ? err.message : err);
}

export function errorBox(err, retry) {
  const box = h('div.state.error', { role: 'alert' },
    h('p', h('strong', t('error.title')), ' ', errorText(err)));
  if (err instanceof ApiError && err.requestId) box.append(h('p.muted.small', t('error.request_id', { id: err.requestId })));
  if (retry) box.append(h('button.secondary', { type: 'button', onclick: retry }, t('action.retry')));
  return box;
}

// Fills `el` with what `load()` renders, with a loading state first and an error state on
// failure (with a retry).
export async function section(el, load) {
  clear(el).append(loading());
  try {
    const content = await load();
    clear(el);
    if (content) append(el, [content]);
  } catch (e) {
    if (e.name === 'AbortError') return;
    clear(el).append(errorBox(e, () => section(el, load)));
  }
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);
export const isTerminal = (state) => TERMINAL.has(state);

export function badge(state, kind = 'state') {
  return h('span.badge', { class: `badge ${kind}-${state}`, dataset: { state } }, t(`${kind}.${state}`));
}

// A meter for used/total: a bar with a text alternative.
export function meter(used, total, label) {
  const pct = total ? Math.min(100, Math.round((100 * used) / total)) : 0;
  const level = pct >= 85 ? 'high' : pct >= 60 ? 'mid' : 'low';
  return h('span.meter', { role: 'img', 'aria-label': `${label || ''} ${pct}%`.trim(), title: `${pct}%` },
    h('span.meter-bar', { class: `meter-bar ${level}`, style: `width:${pct}%` }));
}

// columns: [{label, cell: row => node|string, class}]
export function table(columns, rows, { caption, rowAttrs } = {}) {
  return h('div.table-wrap',
    h('table',
      caption ? h('caption', caption) : null,
      h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {},
        columns.map((c) => h('td', { class: c.class }, c.cell(r))))))));
}

export function dl(pairs) {
  return h('dl.facts', pairs.filter(Boolean).map(([k, v]) => [h('dt', k), h('dd', v)]));
}

// ---- forms ---------------------------------------------------------------------------------

let fieldSeq = 0;

// A labelled control whose problem message appears right under it. `name` is the API field
// path (e.g. "resources.cpus") that problem+json documents name in `field`.
export function field({ label, name, control, hint, wide }) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  const errId = id + '-err';
  const hintId = hint ? id + '-hint' : null;
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  // An edited field's old problem no longer applies.
  control.addEventListener('input', () => {
    control.removeAttribute('aria-invalid');
    const err = document.getElementById(errId);
    if (err) err.textContent = '';
  });
  return h('div.field', { class: wide ? 'field wide' : 'field', dataset: { field: name || '' } },
    h('label', { for: id }, label),
    control,
    hint ? h('p.hint', { id: hintId }, hint) : null,
    h('p.field-error', { id: errId, 'aria-live': 'polite' }));
}

// A fieldset of radios or checkboxes with a legend; its error slot is like field()'s.
export function choices({ legend, name, type = 'radio', options, value, onchange }) {
  const group = `g${++fieldSeq}`;
  const values = new Set([].concat(value ?? []));
  return h('fieldset.field.choices', { dataset: { field: name || '' } },
    h('legend', legend),
    h('div.choice-row', options.map((o) => h('label.choice',
      h('input', { type, name: group, value: o.value, checked: values.has(o.value), onchange }),
      h('span', o.label)))),
    h('p.field-error', { 'aria-live': 'polite' }));
}

export function checkedValues(fieldset) {
  return [...fieldset.querySelectorAll('input:checked')].map((i) => i.value);
}

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  for (const e of form.querySelectorAll('.form-error')) e.remove();
}

// Shows several errors at once, each beside its field ({field, message}, or {el, message} for
// a control without an API name, e.g. a row of a list); errors whose field is not on the form
// go at its top. Focuses the first marked control.
export function showFieldErrors(form, errors) {
  clearErrors(form);
  let first = null;
  const loose = [];
  for (const { field: name, el, message } of errors) {
    const box = el ? el.closest('.field, [data-field]') : findBox(form, name);
    if (!box) { loose.push(message); continue; }
    const slot = box.querySelector(':scope > .field-error') || box.querySelector('.field-error');
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    const control = el || box.querySelector('input, select, textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first = first || control;
    }
  }
  if (loose.length) form.prepend(h('div.form-error', { role: 'alert' }, loose.join(' ')));
  if (first) first.focus();
  return errors.length;
}

// The box of an API field path: the exact path, else its nearest named parent
// ("resources.accelerators.model" → "resources.accelerators" → "resources").
function findBox(form, path) {
  while (path) {
    const box = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (box) return box;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : '';
  }
  return null;
}

// Shows an API error beside the field its problem names (`field`, or each of `errors`
// [{field, detail|message}] when the gateway lists several), else at the top of the form.
// Focuses the field. Returns the element used.
export function showError(form, err) {
  clearErrors(form);
  const many = err instanceof ApiError && Array.isArray(err.problem?.errors) ? err.problem.errors : null;
  if (many && many.length) {
    showFieldErrors(form, many.map((e) => ({ field: e.field || e.pointer || '', message: e.detail || e.message || errorText(err) })));
    return form.querySelector('[aria-invalid="true"]') || form.querySelector('.form-error');
  }
  const msg = errorText(err);
  const box = err instanceof ApiError && err.field ? findBox(form, err.field) : null;
  if (box) {
    const slot = box.querySelector(':scope > .field-error') || box.querySelector('.field-error');
    slot.textContent = msg;
    const control = box.querySelector('input, select, textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    }
    return box;
  }
  const top = h('div.form-error', { role: 'alert' }, msg);
  form.prepend(top);
  return top;
}

// A button that copies `text()` to the clipboard (navigator.clipboard, else a hidden textarea
// and execCommand for plain-http origins), then says "Copied" for a moment.
export function copyButton(text, { label = t('copy.copy'), ariaLabel } = {}) {
  const btn = h('button.secondary.small.copy', { type: 'button', 'aria-label': ariaLabel || label }, label);
  btn.addEventListener('click', async () => {
    const value = typeof text === 'function' ? text() : text;
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(value);
        ok = true;
      }
    } catch { /* fall back below */ }
    if (!ok) {
      const area = h('textarea', { readonly: true, 'aria-hidden': 'true', style: 'position:fixed;left:-9999px;top:0' });
      area.value = value;
      document.body.append(area);
      area.select();
      try { ok = document.execCommand('copy'); } catch { ok = false; }
      area.remove();
    }
    btn.textContent = ok ? t('copy.copied') : t('copy.failed');
    btn.dataset.copied = String(ok);
    clearTimeout(btn.timer);
    btn.timer = setTimeout(() => { btn.textContent = label; delete btn.dataset.copied; }, 2500);
  });
  return btn;
}

export function toast(text) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 3500);
}

// Runs `fn` now and every `ms` until the page's context is disposed; a failing run is
// reported to `onError` and the polling goes on.
export function poll(ctx, ms, fn, onError) {
  let timer = null;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    try {
      const again = await fn();
      if (again === false) return;
    } catch (e) {
      if (onError) onError(e);
    }
    if (!stopped) timer = setTimeout(run, document.hidden ? ms * 4 : ms);
  };
  ctx.onCleanup(() => { stopped = true; clearTimeout(timer); });
  run();
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

export function pageHeader(title, ...extra) {
  return h('div.page-head', h('h1', title), h('div.page-actions', extra));
}

export function link(href, text, cls) {
  return h('a', { href, class: cls }, text);
}
