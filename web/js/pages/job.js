// One job: its state and facts, the placement explanation (/decision), the event timeline
// (/events, staging and collecting included), logs that follow (/logs?offset=), its input
// datasets and, once it has ended, the dataset its outputs were collected into (/outputs) with
// downloads, and cancel. Polls while the job is live.
// Another org's job answers 404 and is shown as not found, like one that never existed.
import * as api from '../api.js';
import { t, tn } from '../i18n.js';
import * as fmt from '../format.js';
import { h, append, clear, loading, errorBox, errorText, badge, dl, poll, pageHeader, isTerminal, toast, empty } from '../ui.js';
import { renderDecision } from '../decision.js';
import { fileTable } from '../datasets.js';

const LOG_CHUNK = 65536;
const MAX_LOG_CHARS = 2 * 1024 * 1024;  // keep the page light; the API has the rest

export async function render(root, ctx) {
  const id = ctx.params.id;
  let job;
  try {
    job = await api.get(`/api/v1/jobs/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status === 404 || e.status === 400) {
      root.append(h('div.state.empty.notfound', { role: 'alert', dataset: { testid: 'job-not-found' } },
        h('h1', t('job.not_found_title')), h('p', t('job.not_found', { id })),
        h('a.button', { href: '#/jobs' }, t('job.back'))));
      return;
    }
    throw e;
  }
  if (!ctx.active) return;
  const [sites, regions, datasets] = await Promise.all([
    api.all('/api/v1/sites').then((r) => r.items), api.all('/api/v1/regions').then((r) => r.items),
    api.all('/api/v1/datasets').then((r) => r.items).catch(() => [])]);
  const datasetName = (did) => datasets.find((d) => d.id === did)?.name || did;
  const regionName = (rid) => fmt.displayName(regions.find((r) => r.id === rid)) || rid;
  const siteName = (sid) => fmt.displayName(sites.find((s) => s.id === sid)) || sid;

  const head = h('div');
  const facts = h('div');
  const decisionBox = h('div', loading());
  const eventsBox = h('div', loading());
  const outputsBox = h('div', { dataset: { testid: 'outputs' } });
  const spec0 = job.spec || {};
  const wantsOutputs = Boolean(spec0.outputs && spec0.outputs.paths && spec0.outputs.paths.length);
  const logPre = h('pre#log.log', { tabindex: 0, 'aria-label': t('job.logs') });
  const logState = h('p.muted.small', { 'aria-live': 'polite' });
  const follow = h('input', { type: 'checkbox', checked: true });
  // ui.append: the outputs panel is null for a job without outputs (root.append would write "null").
  append(root, [head,
    h('div.job-grid',
      h('section.panel', { 'aria-labelledby': 'facts-title' }, h('h2#facts-title', t('job.facts')), facts),
      h('section.panel', { 'aria-labelledby': 'events-title' }, h('h2#events-title', t('job.events')), eventsBox)),
    wantsOutputs ? h('section.panel', { 'aria-labelledby': 'outputs-title' }, h('h2#outputs-title', t('job.outputs')), outputsBox) : null,
    h('section.panel', { 'aria-labelledby': 'decision-title' }, h('h2#decision-title', t('job.decision')), decisionBox),
    h('section.panel', { 'aria-labelledby': 'logs-title' },
      h('div.panel-head', h('h2#logs-title', t('job.logs')), h('label.choice', follow, h('span', t('job.follow')))),
      logPre, logState)]);

  function drawHead() {
    const canCancel = !isTerminal(job.state) && !job.cancel_requested &&
      (ctx.session.org_id === job.org_id || ctx.session.role === 'admin');
    clear(head).append(pageHeader(job.name,
      badge(job.state),
      canCancel ? h('button#cancel.danger', { type: 'button', onclick: cancel }, t('job.cancel')) : null,
      job.cancel_requested && !isTerminal(job.state) ? h('span.muted', t('job.cancel_requested')) : null));
    head.dataset.state = job.state;
  }

  async function cancel(ev) {
    if (!confirm(t('job.cancel_confirm', { name: job.name }))) return;
    ev.target.disabled = true;
    try {
      job = await api.post(`/api/v1/jobs/${encodeURIComponent(id)}/cancel`);
      toast(t('job.cancel_sent'));
      drawHead();
      drawFacts();
    } catch (e) {
      toast(errorText(e));
      ev.target.disabled = false;
    }
  }

  function drawFacts() {
    const p = job.placement;
    const spec = job.spec || {};
    const res = spec.resources || {};
    clear(facts).append(dl([
      [t('job.id'), h('span.mono', job.id)],
      [t('col.state'), [badge(job.state), ' ', h('span.muted', job.reason)]],
      [t('col.site'), job.site ? h('a', { href: `#/sites/${encodeURIComponent(job.site)}` }, siteName(job.site)) : '—'],
      p ? [t('col.region'), regionName(p.region)] : null,
      [t('job.attempt'), String(job.attempt)],
      [t('col.created'), fmt.time(job.created_at)],
      [t('job.started'), fmt.time(job.started_at)],
      [t('job.finished'), fmt.time(job.finished_at)],
      [t('job.estimated'), fmt.money(job.estimated_cost_cny)],
      [t('job.final'), fmt.money(job.final_cost_cny)],
      job.exit_code !== null ? [t('job.exit_code'), h('span.mono', String(job.exit_code))] : null,
      job.failure ? [t('job.failure'), t('failure.' + job.failure)] : null,
      spec.inputs && spec.inputs.some((i) => i.dataset) ? [t('job.inputs'), h('ul.plain', spec.inputs.filter((i) => i.dataset).map((i) => h('li',
        h('a.mono', { href: `#/data/${encodeURIComponent(i.dataset)}` }, datasetName(i.dataset)),
        i.staged ? h('span.muted.small', ' → ', h('code', i.path || './')) : null)))] : null,
      spec.outputs && spec.outputs.paths && spec.outputs.paths.length ? [t('job.output_paths'), h('code', spec.outputs.paths.join(' '))] : null,
      spec.command ? [t('submit.command'), h('code', spec.command)] : null,
      spec.script ? [t('submit.script'), h('pre.mono.small', spec.script)] : null,
      [t('submit.resources'), [`${res.cpus} CPU · ${fmt.gb(res.memory_gb)} · ${fmt.duration(res.walltime_s)}`,
        res.accelerators ? ` · ${res.accelerators.model} ×${res.accelerators.count}` : '']],
      job.blocked_sites && job.blocked_sites.length ? [t('job.blocked'), job.blocked_sites.map(siteName).join(', ')] : null,
    ]));
  }

  async function loadDecision() {
    try {
      const d = await api.get(`/api/v1/jobs/${encodeURIComponent(id)}/decision`);
      clear(decisionBox).append(renderDecision(d, { detailed: true, regionName, region: (rid) => regions.find((r) => r.id === rid) }));
      return true;
    } catch (e) {
      if (e.status === 404 || e.status === 409) { clear(decisionBox).append(empty(t('job.no_decision'))); return false; }
      clear(decisionBox).append(errorBox(e));
      return true;
    }
  }

  async function loadEvents() {
    const ev = await api.all(`/api/v1/jobs/${encodeURIComponent(id)}/events`);
    clear(eventsBox).append(ev.items.length ? h('ol.timeline', ev.items.map((e) => h('li', { dataset: { type: e.type } },
      h('div.tl-head', badge(e.state), h('strong', t('event.' + e.type, {}, e.type)), h('time.muted.small', { datetime: e.at }, fmt.time(e.at))),
      h('div.tl-body', e.reason, e.site ? h('span.muted.small', ' · ', siteName(e.site)) : null)))) : empty(t('job.no_events')));
  }

  // Outputs: collected into a sealed dataset when the job succeeds (404 before, and for good
  // when it failed or was canceled).
  let outputsShown = false;
  async function loadOutputs() {
    if (!wantsOutputs || outputsShown) return;
    const paths = h('code', job.spec.outputs.paths.join(' '));
    if (!isTerminal(job.state)) {
      clear(outputsBox).append(h('p.muted', t('job.outputs_pending', { state: t('state.' + job.state) }), ' ', paths));
      return;
    }
    let out;
    try {
      out = await api.get(`/api/v1/jobs/${encodeURIComponent(id)}/outputs`);
    } catch (e) {
      if (e.status !== 404) { clear(outputsBox).append(errorBox(e)); return; }
      clear(outputsBox).append(empty(job.state === 'succeeded' ? t('job.outputs_none') : t('job.outputs_not_collected', { state: t('state.' + job.state) })));
      outputsShown = true;
      return;
    }
    outputsShown = true;
    const ds = out.dataset;
    clear(outputsBox).append(
      h('p', t('job.outputs_in'), ' ', h('a#outputs-dataset', { href: `#/data/${encodeURIComponent(ds.id)}`, dataset: { dataset: ds.id } }, h('strong', ds.name)),
        h('span.muted.small', ' · ', tn('job.outputs_summary', out.files.length, { size: fmt.bytes(ds.size_bytes) }))),
      out.files.length ? fileTable(ds.id, out.files, { caption: t('job.outputs_caption') }) : empty(t('job.outputs_none')));
  }

  // Logs: poll from next_offset; stop at eof.
  let offset = 0;
  let logDone = false;
  let logText = '';
  async function loadLogs() {
    if (logDone) return;
    for (let i = 0; i < 8; i++) {
      let chunk;
      try {
        chunk = await api.get(`/api/v1/jobs/${encodeURIComponent(id)}/logs`, { offset, max_bytes: LOG_CHUNK });
      } catch (e) {
        if (e.status === 409) { logState.textContent = t('job.logs_waiting'); return; }
        if (e.status === 404) { logState.textContent = t('job.logs_owner_only'); logDone = true; return; }
        logState.textContent = errorText(e);
        return;
      }
      if (chunk.data) {
        logText = (logText + chunk.data).slice(-MAX_LOG_CHARS);
        logPre.textContent = logText;
        if (follow.checked) logPre.scrollTop = logPre.scrollHeight;
      }
      offset = chunk.next_offset;
      if (chunk.eof) {
        logDone = true;
        logState.textContent = logText ? t('job.logs_end') : t('job.logs_empty');
        logPre.dataset.eof = 'true';
        return;
      }
      if (!chunk.data || chunk.data.length < LOG_CHUNK / 2) break;
    }
    logState.textContent = isTerminal(job.state) ? t('job.logs_reading') : t('job.logs_following');
  }

  drawHead();
  drawFacts();
  let decisionShown = false;
  let finalRounds = 0;
  poll(ctx, 1500, async () => {
    job = await api.get(`/api/v1/jobs/${encodeURIComponent(id)}`);
    if (!ctx.active) return false;
    drawHead();
    drawFacts();
    await loadEvents();
    if (!decisionShown || !isTerminal(job.state)) decisionShown = await loadDecision();
    await loadLogs();
    await loadOutputs();
    // Once the job has ended and its logs are read, one more round and stop.
    if (isTerminal(job.state) && logDone) return ++finalRounds < 2;
    return true;
  }, (e) => { logState.textContent = errorText(e); });
}
