// One dataset: its facts, its files (path, size, SHA-256, download), seal and delete, and — while
// it is open — uploads by drag and drop or file/folder picker through tus 1.0
// (tus-js-client, POST /api/v1/datasets/{id}/uploads, then PATCH in CHUNK_SIZE pieces), each
// with progress, speed, pause, resume and cancel. An upload's URL is remembered in
// localStorage under the file's fingerprint, so after a reload or a lost connection selecting
// the same file again continues at the gateway's committed offset instead of starting over;
// the page lists such unfinished uploads.
import * as api from '../api.js';
import { t, tn } from '../i18n.js';
import * as fmt from '../format.js';
import { h, clear, errorText, dl, pageHeader, section, empty, toast } from '../ui.js';
import { datasetPath, status, size, fileTable, loadTus } from '../datasets.js';

const CHUNK_SIZE = 8 * 1024 * 1024;  // one PATCH; what a lost connection can cost at most
const SPEED_WINDOW_MS = 1000;
const FINGERPRINT = 'suanwang';  // tus-js-client keeps `tus::<fingerprint>::<n>` in localStorage

export async function render(root, ctx) {
  const id = ctx.params.id;
  let ds;
  try {
    ds = await api.get(datasetPath(id));
  } catch (e) {
    if (e.status === 404 || e.status === 400) {
      root.append(h('div.state.empty.notfound', { role: 'alert', dataset: { testid: 'dataset-not-found' } },
        h('h1', t('data.not_found_title')), h('p', t('data.not_found', { id })),
        h('a.button', { href: '#/data' }, t('data.back'))));
      return;
    }
    throw e;
  }
  if (!ctx.active) return;

  const endpoint = location.origin + datasetPath(id) + '/uploads';
  const head = h('div');
  const facts = h('div');
  const sealBox = h('div.seal-note');
  const uploadPanel = h('section.panel.upload-panel', { 'aria-labelledby': 'upload-title' });
  const filesBox = h('div');
  root.append(head,
    h('div.job-grid',
      h('section.panel', { 'aria-labelledby': 'ds-facts-title' }, h('h2#ds-facts-title', t('job.facts')), facts),
      h('section.panel', { 'aria-labelledby': 'seal-title' }, h('h2#seal-title', t('data.sealing')), sealBox)),
    uploadPanel,
    h('section.panel', { 'aria-labelledby': 'files-title' }, h('h2#files-title', t('data.files')), filesBox));

  const active = new Set();  // uploads under way (tus.Upload objects)

  function draw() {
    const canSeal = ds.kind === 'files' && !ds.sealed;
    clear(head).append(pageHeader(ds.name, status(ds),
      canSeal ? h('button#seal.primary', { type: 'button', onclick: seal, disabled: !ds.file_count }, t('data.seal')) : null,
      h('button#delete-dataset.danger', { type: 'button', onclick: remove }, t('data.delete'))));
    head.dataset.sealed = String(Boolean(ds.sealed));
    clear(facts).append(dl([
      [t('job.id'), h('span.mono', ds.id)],
      [t('data.kind'), t('data.kind_' + ds.kind)],
      ds.kind === 'files' ? [t('data.files'), fmt.num(ds.file_count)] : null,
      [t('data.size'), size(ds.size_bytes)],
      [t('col.created'), fmt.time(ds.created_at)],
      ds.sealed_at ? [t('data.sealed_at'), fmt.time(ds.sealed_at)] : null,
      ds.job_id ? [t('data.from_job'), h('a.mono', { href: `#/jobs/${encodeURIComponent(ds.job_id)}` }, ds.job_id)] : null,
    ]));
    clear(sealBox);
    if (ds.kind === 'declared') sealBox.append(h('p', t('data.declared_note')));
    else if (ds.sealed) {
      sealBox.append(h('p', t('data.sealed_note')),
        h('p', h('a.button.secondary', { href: '#/submit' }, t('data.use_in_job'))));
    } else {
      sealBox.append(h('p', t('data.open_note')), h('p.muted.small', t('data.seal_when')));
    }
    uploadPanel.hidden = !canSeal;
  }

  async function refresh() {
    ds = await api.get(datasetPath(id));
    if (!ctx.active) return;
    draw();
    loadFiles();
  }

  function loadFiles() {
    return section(filesBox, async () => {
      if (ds.kind !== 'files') return empty(t('data.declared_no_files'));
      const files = await api.all(datasetPath(id) + '/files');
      if (!ctx.active) return null;
      if (!files.items.length) return empty(ds.sealed ? t('data.no_files') : t('data.no_files_yet'));
      return fileTable(id, files.items, { caption: tn('data.files_caption', files.items.length) });
    });
  }

  async function seal(ev) {
    if (!confirm(t('data.seal_confirm', { name: ds.name }))) return;
    ev.currentTarget.disabled = true;
    try {
      ds = await api.post(datasetPath(id) + '/seal');
      toast(t('data.sealed_toast', { name: ds.name }));
      draw();
    } catch (e) {
      toast(errorText(e));
      draw();
    }
  }

  async function remove() {
    if (!confirm(t('data.delete_confirm', { name: ds.name }))) return;
    try {
      for (const u of active) await u.abort(true).catch(() => {});
      await api.del(datasetPath(id));
      toast(t('data.deleted', { name: ds.name }));
      ctx.navigate('data');
    } catch (e) {
      toast(errorText(e));
    }
  }

  // ---- uploads --------------------------------------------------------------------------
  const picker = h('input#upload-files.sr-only', { type: 'file', multiple: true });
  const folderPicker = h('input#upload-folder.sr-only', { type: 'file', webkitdirectory: true });
  const zone = h('div.dropzone', { dataset: { testid: 'dropzone' } },
    h('p', h('strong', t('data.drop'))),
    h('p.row-actions',
      h('label.button.secondary', { for: 'upload-files' }, t('data.choose_files')), picker,
      h('label.button.secondary', { for: 'upload-folder' }, t('data.choose_folder')), folderPicker),
    h('p.muted.small', t('data.resume_hint')));
  const pending = h('div.interrupted', { 'aria-live': 'polite' });
  const list = h('ul.uploads', { 'aria-label': t('data.uploads') });
  uploadPanel.append(h('h2#upload-title', t('data.upload')), zone, pending, list);

  picker.addEventListener('change', () => { startAll([...picker.files].map((f) => ({ file: f, path: f.name }))); picker.value = ''; });
  folderPicker.addEventListener('change', () => {
    startAll([...folderPicker.files].map((f) => ({ file: f, path: f.webkitRelativePath || f.name })));
    folderPicker.value = '';
  });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    startAll(await droppedFiles(e.dataTransfer));
  });

  async function startAll(items) {
    if (!items.length) return;
    let tus;
    try {
      tus = await loadTus();
    } catch (e) {
      toast(errorText(e));
      return;
    }
    for (const it of items) startUpload(tus, it);
  }

  function startUpload(tus, { file, path }) {
    const bar = h('progress', { max: file.size || 1, value: 0, 'aria-label': t('data.progress_of', { path }) });
    const stats = h('span.muted.small.stats');
    const note = h('span.small.upload-note');
    const pauseBtn = h('button.secondary.small', { type: 'button' }, t('data.pause'));
    const cancelBtn = h('button.danger.small', { type: 'button' }, t('data.cancel'));
    const row = h('li.upload', { dataset: { path, state: 'starting' } },
      h('div.upload-head', h('span.mono.upload-path', path), h('span.upload-state'), h('span.row-actions', pauseBtn, cancelBtn)),
      bar, h('div.upload-foot', stats, note));
    list.prepend(row);
    const stateEl = row.querySelector('.upload-state');
    const setState = (s) => { row.dataset.state = s; stateEl.textContent = t('upload.' + s); };
    setState('starting');

    let last = { at: performance.now(), bytes: 0 };
    let speed = null;
    const upload = new tus.Upload(file, {
      endpoint,
      chunkSize: CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { path },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      fingerprint: async (f) => fingerprint(endpoint, path, f),
      onBeforeRequest: (req) => {
        for (const [k, v] of Object.entries(api.authHeaders(req.getMethod()))) req.setHeader(k, v);
      },
      onAfterResponse: (req, res) => {
        // A HEAD is the resumption: the gateway says how much of the file it already has.
        if (req.getMethod() === 'HEAD' && res.getStatus() === 200) {
          const offset = Number(res.getHeader('Upload-Offset'));
          row.dataset.resumedFrom = String(offset);
          note.textContent = t('data.resumed_at', { done: sizeText(offset), total: sizeText(file.size) });
          last = { at: performance.now(), bytes: offset };
        }
      },
      onProgress: (sent, total) => {
        if (row.dataset.state !== 'uploading') setState('uploading');
        bar.value = sent;
        const now = performance.now();
        if (now - last.at >= SPEED_WINDOW_MS) {
          speed = ((sent - last.bytes) * 1000) / (now - last.at);
          last = { at: now, bytes: sent };
        }
        stats.textContent = t('data.progress', {
          done: sizeText(sent), total: sizeText(total), pct: fmt.percent(sent, total),
          speed: speed === null ? '…' : sizeText(Math.max(0, speed)) + '/s',
        });
      },
      onSuccess: () => {
        active.delete(upload);
        setState('done');
        bar.value = bar.max;
        stats.textContent = sizeText(file.size);
        pauseBtn.remove();
        cancelBtn.remove();
        refreshSoon();
      },
      onError: (err) => {
        active.delete(upload);
        setState('failed');
        note.textContent = tusErrorText(err);
        note.classList.add('field-error');
        pauseBtn.textContent = t('data.retry');
        pauseBtn.onclick = () => { note.textContent = ''; note.classList.remove('field-error'); go(); };
      },
    });

    async function go() {
      setState('starting');
      pauseBtn.textContent = t('data.pause');
      pauseBtn.onclick = pause;
      active.add(upload);
      try {
        const previous = await upload.findPreviousUploads();
        if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      } catch { /* no storage: a fresh upload */ }
      upload.start();
      drawPending();
    }
    function pause() {
      upload.abort();
      active.delete(upload);
      setState('paused');
      speed = null;
      pauseBtn.textContent = t('data.resume');
      pauseBtn.onclick = () => { active.add(upload); setState('uploading'); pauseBtn.textContent = t('data.pause'); pauseBtn.onclick = pause; upload.start(); };
    }
    cancelBtn.onclick = async () => {
      cancelBtn.disabled = true;
      active.delete(upload);
      // Terminates the upload at the gateway (DELETE), which gives its room back to the quota.
      await upload.abort(true).catch(() => {});
      setState('canceled');
      pauseBtn.remove();
      cancelBtn.remove();
      drawPending();
    };
    go();
  }

  // Uploads a reload or a lost connection interrupted, from tus-js-client's records.
  async function drawPending() {
    const records = storedUploads(endpoint);
    const mine = records.filter((r) => ![...list.querySelectorAll('li.upload')].some((li) => li.dataset.path === r.path && li.dataset.state !== 'canceled'));
    clear(pending);
    if (!mine.length) return;
    const items = await Promise.all(mine.map(async (r) => {
      let info = null;
      try {
        info = await api.get(new URL(r.uploadUrl, location.origin).pathname);
      } catch (e) {
        if (e.status === 404) { localStorage.removeItem(r.key); return null; }  // finished or expired
      }
      return { ...r, info };
    }));
    if (!ctx.active) return;
    const live = items.filter(Boolean);
    clear(pending);
    if (!live.length) return;
    pending.append(h('h3', t('data.interrupted')), h('ul', live.map((r) => h('li', { dataset: { path: r.path } },
      h('span.mono', r.path), ' ',
      h('span.muted.small', r.info
        ? t('data.interrupted_at', { done: sizeText(r.info.offset), total: sizeText(r.info.length), pct: fmt.percent(r.info.offset, r.info.length), time: fmt.time(r.creationTime) })
        : t('data.interrupted_unknown', { total: sizeText(r.size) })), ' ',
      h('button.ghost.small', { type: 'button', onclick: () => discard(r) }, t('data.discard'))))),
    h('p.muted.small', t('data.interrupted_hint')));
  }

  async function discard(r) {
    try {
      await fetch(r.uploadUrl, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0', ...api.authHeaders('DELETE') }, credentials: 'same-origin' });
    } catch { /* the record goes anyway; the gateway expires unfinished uploads */ }
    localStorage.removeItem(r.key);
    drawPending();
  }

  const refreshSoon = (() => {
    let timer = null;
    return () => { clearTimeout(timer); timer = setTimeout(() => refresh().catch((e) => toast(errorText(e))), 150); };
  })();

  // Leaving the page pauses the uploads; their records stay, so they can be resumed.
  ctx.onCleanup(() => { for (const u of active) u.abort(); active.clear(); });

  draw();
  loadFiles();
  if (ds.kind === 'files' && !ds.sealed) drawPending();
}

function sizeText(n) {
  return Number(n) === 0 ? '0 B' : fmt.bytes(n);
}

// The file's identity for resuming: the dataset's uploads URL, its path there, size and
// modification time (re-selecting the same file gives the same fingerprint).
function fingerprint(endpoint, path, file) {
  return [FINGERPRINT, endpoint, path, file.size, file.lastModified].join('|');
}

// tus-js-client's records of this dataset's unfinished uploads (its localStorage URL storage:
// `tus::<fingerprint>::<n>` → {size, metadata, creationTime, uploadUrl}).
function storedUploads(endpoint) {
  const prefix = `tus::${FINGERPRINT}|${endpoint}|`;
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key || !key.startsWith(prefix)) continue;
    try {
      const r = JSON.parse(localStorage.getItem(key));
      if (r.uploadUrl) out.push({ key, path: r.metadata?.path || '?', size: r.size, creationTime: r.creationTime, uploadUrl: r.uploadUrl });
    } catch { /* not ours */ }
  }
  return out;
}

// A tus error as the gateway explained it (problem+json detail), else tus-js-client's words.
function tusErrorText(err) {
  const res = err && err.originalResponse;
  if (res) {
    try {
      const p = JSON.parse(res.getBody());
      if (p && p.detail) return p.detail;
    } catch { /* not JSON */ }
    return t('error.http', { status: res.getStatus() });
  }
  return t('error.network');
}

// The files of a drop, folders walked (webkitGetAsEntry), each with its path inside the drop.
async function droppedFiles(dt) {
  const entries = [...(dt.items || [])].map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  if (!entries.length || entries.some((e) => !e)) return [...dt.files].map((f) => ({ file: f, path: f.name }));
  const out = [];
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ file, path: prefix + file.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, prefix + entry.name + '/');
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}
