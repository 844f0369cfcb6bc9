// datasets.js — what the Data pages and the job page share about datasets: the status badge
// (sealed, open, declared), sizes, the file table (path, size, SHA-256 with a copy button,
// download) and loading the vendored tus-js-client, which the upload panel needs.
import * as api from './api.js';
import { t, tn } from './i18n.js';
import * as fmt from './format.js';
import { h, badge, table, toast, errorText } from './ui.js';

export const datasetPath = (id) => `/api/v1/datasets/${encodeURIComponent(id)}`;

// A file's download path: each segment encoded, the slashes kept (the route takes the rest).
export function filePath(datasetId, path) {
  return `${datasetPath(datasetId)}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function status(ds) {
  return badge(ds.kind === 'declared' ? 'declared' : ds.sealed ? 'sealed' : 'open', 'dataset');
}

// Sizes as people read them, with the exact byte count on hover; 0 is "0 B", not "none".
export function size(n) {
  if (n === null || n === undefined) return '—';
  return h('span', { title: tn('data.bytes_exact', n), dataset: { bytes: String(n) } },
    Number(n) === 0 ? '0 B' : fmt.bytes(n));
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard API (plain HTTP on a LAN): copy from a selected, hidden text area.
    const area = h('textarea.sr-only', { readonly: true }, text);
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    if (!ok) { toast(t('data.copy_failed')); return; }
  }
  toast(t('data.copied'));
}

export function digest(sha256) {
  return h('span.digest',
    h('code.sha', sha256),
    h('button.ghost.small.copy', {
      type: 'button', title: t('data.copy_sha'), 'aria-label': t('data.copy_sha'),
      onclick: () => copy(sha256),
    }, t('data.copy')));
}

export function downloadButton(datasetId, file) {
  const name = file.path.split('/').pop();
  return h('button.secondary.small.download', {
    type: 'button',
    'aria-label': t('data.download_file', { path: file.path }),
    onclick: async (ev) => {
      const btn = ev.currentTarget;
      btn.disabled = true;
      try {
        await api.download(filePath(datasetId, file.path), name);
      } catch (e) {
        toast(errorText(e));
      } finally {
        btn.disabled = false;
      }
    },
  }, t('data.download'));
}

export function fileTable(datasetId, files, { caption } = {}) {
  return table([
    { label: t('data.col_path'), cell: (f) => h('span.mono', f.path) },
    { label: t('data.col_size'), class: 'num', cell: (f) => size(f.size_bytes) },
    { label: 'SHA-256', cell: (f) => digest(f.sha256) },
    { label: t('col.actions'), cell: (f) => downloadButton(datasetId, f) },
  ], files, { caption, rowAttrs: (f) => ({ dataset: { path: f.path } }) });
}

// tus-js-client's browser bundle (web/vendor/tus.min.js, UMD: it sets window.tus), loaded once
// when a page first needs it.
let tusLoading = null;
export function loadTus() {
  if (window.tus) return Promise.resolve(window.tus);
  if (!tusLoading) {
    tusLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/tus.min.js';
      s.onload = () => (window.tus ? resolve(window.tus) : reject(new Error('tus-js-client did not load')));
      s.onerror = () => { tusLoading = null; reject(new api.ApiError(0, { detail: 'network' })); };
      document.head.append(s);
    });
  }
  return tusLoading;
}
