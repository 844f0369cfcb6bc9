// The portal end to end: the built `suanwang` binary serves the demo federation (temp data dir,
// free port) and Debian's Chromium, driven headless by playwright-core, uses the portal as
// its users would. Every step checks what a person would see; screenshots of the main pages
// go to --screenshots (default build/e2e-screenshots) and, with --update-docs, the README's
// ones to docs/screenshots/.
//
// Usage: node tests/e2e/portal_test.mjs --binary build/debug/suanwang [--screenshots DIR]
//        [--update-docs] [--chromium /usr/bin/chromium]
// Needs: scripts/setup-web (chromium, node, web/node_modules). Exits non-zero on any failure;
// a missing Chromium is a failure, not a skip.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(path.join(repo, 'web/package.json'));

// ---- arguments --------------------------------------------------------------------------------
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const binary = opt('--binary', process.env.SUANWANG_BINARY);
const shotsDir = path.resolve(opt('--screenshots', path.join(repo, 'build/e2e-screenshots')));
const chromiumPath = opt('--chromium', '/usr/bin/chromium');
const updateDocs = args.includes('--update-docs');
const only = opt('--only', null);  // run the steps whose name contains this (for debugging)

function fail(msg) {
  console.error(`e2e: FAIL: ${msg}`);
  process.exit(1);
}
if (!binary || !fs.existsSync(binary)) fail(`the suanwang binary is missing (--binary ${binary})`);
if (!fs.existsSync(chromiumPath)) fail(`${chromiumPath} is missing: run scripts/setup-web (it installs Debian's chromium)`);
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  fail('playwright-core is missing: run scripts/setup-web (npm ci in web/)');
}

// ---- the gateway ---------------------------------------------------------------------------
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'suanwang-e2e-'));
let gateway = null;

function startGateway() {
  return new Promise((resolve, reject) => {
    gateway = spawn(binary, ['serve', '--demo', '--data-dir', dataDir, '--listen', '127.0.0.1:0',
      '--web-dir', path.join(repo, 'web'), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(path.join(dataDir, 'gateway.log'));
    gateway.stderr.pipe(log);
    let out = '';
    const timer = setTimeout(() => reject(new Error('the gateway did not report its URL within 60 s')), 60000);
    gateway.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    gateway.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the gateway exited with ${code} before listening`)); });
  });
}

async function stopGateway() {
  if (!gateway || gateway.exitCode !== null) return;
  const exited = new Promise((r) => gateway.once('exit', r));
  gateway.kill('SIGTERM');
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 15000));
  if (await Promise.race([exited, timeout]) === 'timeout') gateway.kill('SIGKILL');
}

// ---- helpers ---------------------------------------------------------------------------------
let base;
const keys = {};
const logins = {};
async function api(key, method, p, body) {
  const res = await fetch(base + p, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const WAIT = 30000;
// The screenshots the README shows (docs/screenshots/, refreshed with --update-docs).
const README_SHOTS = ['02-network', '03-submit-quote', '04-job-succeeded', '05-jobs', '07-network-zh',
  '09-site', '10-operator-sites', '12-admin-network'];
const shots = [];
async function shot(page, name) {
  const file = path.join(shotsDir, `${name}.png`);
  await page.evaluate(() => { document.getElementById('toast')?.classList.remove('show'); window.scrollTo(0, 0); });
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function signIn(page, key) {
  await page.goto(base + '/#/network');
  await page.locator('#sign-out, #signin-key').first().waitFor();
  if (await page.locator('#sign-out').count()) await page.click('#sign-out');
  await page.locator('#signin-key').getByLabel(/API key|API 密钥/).fill(key);
  await page.locator('#signin-key button[type=submit]').click();
  await page.locator('#nav').waitFor({ timeout: WAIT });
}

// The map's hub labels as ECharts drew them: their text and pixel box.
async function mapLabelBoxes(page) {
  return page.evaluate(async () => {
    const echarts = await import('/vendor/echarts.esm.min.mjs');
    const chart = echarts.getInstanceByDom(document.querySelector('.chart.map'));
    const out = [];
    for (const el of chart.getZr().storage.getDisplayList(true)) {
      if (!el.style || typeof el.style.text !== 'string' || !el.style.text || el.ignore || el.invisible) continue;
      const r = el.getBoundingRect().clone();
      r.applyTransform(el.getComputedTransform());
      out.push({ text: el.style.text, x: r.x, y: r.y, w: r.width, h: r.height });
    }
    return out;
  });
}

// The pairs of boxes that overlap, as "A / B".
function overlapping(boxes) {
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push(`${a.text} / ${b.text}`);
    }
  }
  return out;
}

// Waits until the page has no loading state left, then a little for its polls to draw.
async function settle(page) {
  await page.waitForFunction(() => !document.querySelector('main .state.loading'), null, { timeout: WAIT });
  await page.waitForTimeout(700);
}

// The runs of three or more Latin-script words in the visible text of the page (top bar and
// main, and the labels the map draws on its canvas), ids, URLs, emails, code and things marked
// translate="no" aside. A word has no digit in it: model names (A800, Ascend910B) are not words.
async function latinSentences(page) {
  return page.evaluate(async () => {
    const skip = 'code, pre, kbd, samp, script, style, textarea, option, .mono, [translate="no"]';
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(skip) || !n.textContent.trim()) continue;
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      texts.push(n.textContent);
    }
    const map = document.querySelector('.chart.map');
    if (map) {
      const echarts = await import('/vendor/echarts.esm.min.mjs');
      const chart = echarts.getInstanceByDom(map);
      for (const el of chart ? chart.getZr().storage.getDisplayList(true) : []) {
        if (el.style && typeof el.style.text === 'string' && !el.ignore && !el.invisible) texts.push(el.style.text);
      }
    }
    const run = /\b[A-Za-z]+(?:['’][a-z]+)?\b(?:[\s,.;:()&'’–-]+\b[A-Za-z]+(?:['’][a-z]+)?\b){2,}\)?/g;
    const out = new Set();
    for (const raw of texts) {
      const text = raw
        .replace(/https?:\/\/\S+/g, ' | ')
        .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' | ')
        .replace(/\b[a-z]+_[0-9a-z]{6,}\b/g, ' | ');
      for (const m of text.matchAll(run)) out.add(m[0].trim());
    }
    return [...out];
  });
}

// Opens a portal page afresh (a hash change alone does not re-render the page on view).
async function open(page, route) {
  await page.goto(base + '/#/' + route);
  await page.reload();
}

async function waitText(locator, re, timeout = WAIT) {
  await locator.filter({ hasText: re }).first().waitFor({ timeout });
}

// Submits the job form with `command` on the local site; returns the new job's id.
// `inputs`: dataset ids to tick (each in the default folder data/); `outputs`: the globs.
async function submitLocalJob(page, { name, command, walltimeMin = 5, inputs = [], outputs = '' }) {
  await open(page, 'submit');
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('textbox', { name: 'Command' }).fill(command);
  await page.getByLabel(/^Walltime/).fill(String(walltimeMin));
  for (const id of inputs) {
    const row = page.locator(`.input-row[data-dataset-id="${id}"]`);
    await row.locator('input[type=checkbox]').check();
    const dir = await row.locator('input.input-dir').inputValue();
    expect(dir === 'data/', `the input's folder is ${dir}, not data/`);
  }
  if (outputs) await page.getByLabel('Output files (globs)').fill(outputs);
  await page.getByLabel(/^Site$/).selectOption(localSite.id);
  // The live quote ranks the local site alone.
  await page.locator(`#quote tr[data-site="${localSite.id}"]`).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.waitForURL(/#\/jobs\/job_/, { timeout: WAIT });
  return decodeURIComponent(page.url().split('#/jobs/')[1]);
}

let localSite;
const data = {};  // what the Data steps share: the input dataset, its file and digest

// A file on disk (setInputFiles of a path keeps its modification time, which tus-js-client's
// fingerprint needs to find the upload again), with its SHA-256.
function makeFile(name, bytes) {
  const dir = path.join(dataDir, 'upload-src');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const content = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) content[i] = (i * 31 + (i >> 8) * 7) & 0xff;
  fs.writeFileSync(file, content);
  return { file, name, size: bytes, sha256: crypto.createHash('sha256').update(content).digest('hex') };
}

// Checks the dataset page lists `f` with its size and SHA-256.
async function expectListed(page, f) {
  const row = page.locator(`tr[data-path="${f.name}"]`);
  await row.waitFor({ timeout: WAIT });
  const bytes = await row.locator('[data-bytes]').getAttribute('data-bytes');
  expect(Number(bytes) === f.size, `${f.name} listed with ${bytes} bytes, not ${f.size}`);
  const sha = (await row.locator('code.sha').textContent()).trim();
  expect(sha === f.sha256, `${f.name} listed with SHA-256 ${sha}, not ${f.sha256}`);
  return row;
}

// ---- the steps -------------------------------------------------------------------------------
const steps = [
  ['sign-in rejects a wrong key beside the field, then accepts the demo user', async (page) => {
    await page.goto(base + '/');
    await page.locator('#signin-key').waitFor();
    await shot(page, '01-sign-in');
    await page.locator('#signin-key').getByLabel('API key').fill('sw_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in with key' }).click();
    await waitText(page.locator('[data-field="api_key"] .field-error'), /not accepted/);
    expect(await page.locator('#signin-key').getByLabel('API key').getAttribute('aria-invalid') === 'true', 'the key field is not marked invalid');
    await signIn(page, keys.user);
    const nav = await page.locator('#nav a').allTextContents();
    expect(nav.includes('New job') && nav.includes('Jobs') && nav.includes('Data'), `user navigation: ${nav}`);
    expect(!nav.includes('Register site') && !nav.includes('Orgs'), `a user sees operator/admin pages: ${nav}`);
  }],

  ['the network page shows national capacity, the map and the sites', async (page) => {
    await page.goto(base + '/#/network');
    await page.locator('main[data-ready], main [data-site]').first().waitFor({ timeout: WAIT });
    await page.waitForFunction(() => document.querySelectorAll('#map-sites .site-names li a').length >= 11, null, { timeout: WAIT });
    const label = await page.locator('.chart.map').getAttribute('aria-label');
    expect(label.includes(localSite.name), 'the map description does not name the local site');
    expect(await page.locator('.chart.map canvas').count() > 0, 'the map did not draw');
    // Hubs coloured by their grid's carbon intensity: hydro-powered Sichuan (Chengdu, 140.4 g/kWh)
    // apart from coal-heavy Hebei (Zhangjiakou, 725.2), on the map and in the list beside it,
    // with the scale in the legend and each region's figures in its entry.
    await waitText(page.locator('[data-testid="map-legend"]'), /g CO₂\/kWh/);
    expect(await page.locator('[data-testid="map-legend"] .legend-ramp').count() === 1, 'the legend has no colour scale');
    const fills = await page.evaluate(async () => {
      const echarts = await import('/vendor/echarts.esm.min.mjs');
      const chart = echarts.getInstanceByDom(document.querySelector('.chart.map'));
      return Object.fromEntries(chart.getOption().series[0].data.map((d) => [d.id, d.itemStyle && d.itemStyle.color]));
    });
    const [chengdu, zhangjiakou] = [fills['cn-cy-chengdu'], fills['cn-jjj-zhangjiakou']];
    expect(chengdu && zhangjiakou && chengdu !== zhangjiakou, `Chengdu and Zhangjiakou hubs are filled alike: ${chengdu}, ${zhangjiakou}`);
    const item = page.locator('#map-sites li[data-region="cn-cy-chengdu"]');
    expect(await item.getAttribute('data-carbon') === '140.4', `Chengdu's intensity: ${await item.getAttribute('data-carbon')}`);
    expect(await item.getAttribute('data-fill') === chengdu, 'the region list swatch is not the map hub\'s colour');
    await waitText(item.locator('.region-energy'), /140 g CO₂\/kWh · 70% renewables · PUE ≤ 1\.25/);
    // Every region is listed beside the map, those without a site too, and every hub on the map
    // has its label, none overlapping another (as drawn: the label boxes ECharts rendered).
    const regions = (await api(keys.user, 'GET', '/api/v1/regions')).items;
    const listed = await page.locator('#map-sites li.region-item').evaluateAll((lis) => lis.map((li) => li.dataset.region));
    const unlisted = regions.filter((r) => !listed.includes(r.id)).map((r) => r.id);
    expect(!unlisted.length, `regions missing from the list beside the map: ${unlisted}`);
    const boxes = await mapLabelBoxes(page);
    expect(boxes.length === regions.filter((r) => r.lat !== null && r.lat !== undefined).length,
      `${boxes.length} labels on the map for ${regions.length} regions: ${boxes.map((b) => b.text)}`);
    const overlaps = overlapping(boxes);
    expect(!overlaps.length, `map labels overlap: ${overlaps.join('; ')}`);
    // Zoomed in, the labels are placed again, still apart.
    await page.locator('.chart.map').hover();
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(600);
    const zoomed = overlapping(await mapLabelBoxes(page));
    expect(!zoomed.length, `map labels overlap after zooming: ${zoomed.join('; ')}`);
    // Coloured by load instead, and back.
    await page.getByRole('radio', { name: 'CPU load' }).check();
    await page.locator('[data-testid="map-legend"][data-scale="load"]').waitFor();
    await page.getByRole('radio', { name: 'Grid carbon intensity' }).check();
    await page.locator('[data-testid="map-legend"][data-scale="carbon"]').waitFor();
    // The history charts fill in as the gateway samples capacity.
    await page.waitForFunction(() => {
      const m = /(\d+) samples/.exec(document.querySelector('#hist-title')?.closest('section')?.textContent || '');
      return m && Number(m[1]) >= 8;
    }, null, { timeout: 60000 });
    await page.waitForTimeout(300);  // let ECharts finish its frame before the picture
    await shot(page, '02-network');
  }],

  ['a quote ranks sites live, and a problem is shown beside its field', async (page) => {
    await page.goto(base + '/#/submit');
    await page.getByRole('textbox', { name: 'Command' }).fill('python train.py');
    await page.getByLabel('Accelerator model').selectOption('A800');
    await page.getByLabel(/^Accelerators$/).fill('4');
    await page.locator('#quote table tbody tr').first().waitFor({ timeout: WAIT });
    const summary = await page.locator('#quote .summary').textContent();
    expect(/¥\d/.test(summary), `quote summary without a price: ${summary}`);
    const rows = await page.locator('#quote table tbody tr').count();
    expect(rows >= 2, `only ${rows} ranked sites for A800`);
    expect(await page.locator('#quote .rejections li').count() > 0, 'no rejected sites explained');
    // The chosen site's estimated emissions and energy, and every candidate's.
    const co2 = (await page.locator('#quote [data-testid="quote-co2"] .co2').textContent()).trim();
    expect(/^\d[\d.,]* (g|kg|t) CO₂$/.test(co2), `the quote's CO2 figure: ${co2}`);
    expect(Number(await page.locator('#quote [data-testid="quote-co2"]').getAttribute('data-co2-kg')) > 0, 'the quote estimates no CO2');
    expect(/kWh|Wh/.test(await page.locator('#quote [data-testid="quote-co2"] .kwh').textContent()), 'the quote shows no energy');
    const heads = await page.locator('#quote table thead th').allTextContents();
    expect(heads.some((x) => /CO₂/.test(x)), `no CO2 column among the candidates: ${heads}`);
    await shot(page, '03-submit-quote');
    // The greenest policy weighs carbon.
    await page.getByLabel('Greenest').check();
    await waitText(page.locator('#quote .decision > p.muted'), /^Policy Greenest: .*carbon [1-9]\d*%/);
    // Every wrong field at once, each in its own unit and words (minutes, not walltime_s).
    await page.getByLabel('CPU cores').fill('0');
    await page.getByLabel('Walltime (minutes)').fill('0');
    await waitText(page.locator('[data-field="resources.cpus"] .field-error'), /CPU cores must be a whole number/);
    await waitText(page.locator('[data-field="resources.walltime_s"] .field-error'), /between 1 and [\d,]+ minutes/);
    expect(await page.getByLabel('CPU cores').getAttribute('aria-invalid') === 'true', 'cpus not marked invalid');
    expect(await page.getByLabel('Walltime (minutes)').getAttribute('aria-invalid') === 'true', 'walltime not marked invalid');
    const walltimeError = await page.locator('[data-field="resources.walltime_s"] .field-error').textContent();
    expect(!/walltime_s|31622400/.test(walltimeError), `the walltime error speaks the API's terms: ${walltimeError}`);
  }],

  ['a job on the local site is placed, succeeds, and its output is in the logs view', async (page) => {
    const id = await submitLocalJob(page, { name: 'e2e-hello', command: 'echo hello-from-the-e2e-test; echo done' });
    data.helloJob = id;
    await page.locator('main [data-state="succeeded"]').first().waitFor({ timeout: 90000 });
    await waitText(page.locator('#log'), /hello-from-the-e2e-test/);
    await page.locator('#log[data-eof="true"]').waitFor({ timeout: WAIT });
    const events = await page.locator('.timeline li').evaluateAll((lis) => lis.map((li) => li.dataset.type));
    for (const e of ['created', 'placed', 'succeeded']) expect(events.includes(e), `timeline without ${e}: ${events}`);
    await waitText(page.locator('.decision .summary'), new RegExp(localSite.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await waitText(page.locator('.decision [data-testid="quote-co2"] .co2'), /CO₂$/);
    const job = await api(keys.user, 'GET', `/api/v1/jobs/${id}`);
    expect(job.state === 'succeeded' && job.site === localSite.id, `job state ${job.state} at ${job.site}`);
    await shot(page, '04-job-succeeded');
  }],

  ['a long job is canceled from its page', async (page) => {
    page.once('dialog', (d) => d.accept());
    const id = await submitLocalJob(page, { name: 'e2e-sleeper', command: 'sleep 300', walltimeMin: 10 });
    await page.locator('#cancel').click();
    await page.locator('main [data-state="canceled"]').first().waitFor({ timeout: 60000 });
    const job = await api(keys.user, 'GET', `/api/v1/jobs/${id}`);
    expect(job.state === 'canceled', `job state ${job.state}`);
  }],

  ['the jobs list shows live states and filters by state', async (page) => {
    await page.goto(base + '/#/jobs');
    await page.locator('tr[data-state="succeeded"]').first().waitFor({ timeout: WAIT });
    await page.locator('tr[data-state="canceled"]').first().waitFor({ timeout: WAIT });
    await shot(page, '05-jobs');
    await page.getByLabel('State').selectOption('canceled');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('tbody tr[data-state]')];
      return rows.length > 0 && rows.every((r) => r.dataset.state === 'canceled');
    }, null, { timeout: WAIT });
  }],

  ['the account page shows what the org spent', async (page) => {
    await page.goto(base + '/#/account');
    await page.locator('[data-testid="spent"] .stat-value').waitFor({ timeout: WAIT });
    const spent = await page.locator('[data-testid="spent"] .stat-value').textContent();
    expect(/^¥\d+\.\d\d$/.test(spent.trim()), `spent is not money: ${spent}`);
    // The usage report's estimated emissions and energy.
    await waitText(page.locator('[data-testid="usage-co2"] .stat-value'), /^\d[\d.,]* (g|kg|t) CO₂$/);
    await waitText(page.locator('[data-testid="usage-co2"] .stat-sub'), /Wh of electricity$/);
    // The usage rows read like a bill: the job's name (its id on hover), and the whole report
    // as CSV with a job_name column.
    const firstJob = page.locator('table a[href^="#/jobs/"]').first();
    await firstJob.waitFor({ timeout: WAIT });
    const jobText = (await firstJob.textContent()).trim();
    expect(jobText && !/^job_/.test(jobText) && /^job_/.test(await firstJob.getAttribute('title')),
      `the usage row shows ${jobText}, not the job's name`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#usage-csv').click()]);
    const csvText = fs.readFileSync(await csv.path(), 'utf8');
    expect(csvText.split('\r\n')[0].endsWith(',co2_kg,job_name') && csvText.split('\r\n').length > 2,
      `the usage CSV: ${csvText.slice(0, 200)}`);
    await shot(page, '06-account');
  }],

  ['the Data page creates a dataset, uploads a file, lists its size and SHA-256, and seals it', async (page) => {
    await signIn(page, keys.user);
    await open(page, 'data');
    await page.getByLabel('Name').fill('e2e-inputs');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.waitForURL(/#\/data\/ds_/, { timeout: WAIT });
    data.id = decodeURIComponent(page.url().split('#/data/')[1]);
    await waitText(page.locator('main h1'), /^e2e-inputs$/);
    await waitText(page.locator('main .page-head .badge'), /^open$/);
    expect(await page.locator('#seal').isDisabled(), 'an empty dataset can be sealed');
    data.file = makeFile('sample.csv', 3000);
    await page.locator('#upload-files').setInputFiles(data.file.file);
    await page.locator('li.upload[data-path="sample.csv"][data-state="done"]').waitFor({ timeout: WAIT });
    const row = await expectListed(page, data.file);
    await waitText(row.locator('[data-bytes]'), /^3 kB$/);
    await shot(page, '14-dataset-open');
    // The same name again: the gateway's problem is shown beside the name field.
    await open(page, 'data');
    await page.locator(`tr[data-dataset="${data.id}"]`).waitFor({ timeout: WAIT });
    await page.getByLabel('Name').fill('e2e-inputs');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await waitText(page.locator('[data-field="name"] .field-error'), /exists/);
    expect(await page.getByLabel('Name').getAttribute('aria-invalid') === 'true', 'the name field is not marked invalid');
    // Seal it from its page: the explanation says what sealing means.
    await page.locator(`tr[data-dataset="${data.id}"] a`).click();
    await page.waitForURL(new RegExp(`#/data/${data.id}$`));
    await waitText(page.locator('.seal-note'), /immutable/);
    page.once('dialog', (d) => d.accept());
    await page.locator('#seal').click();
    await page.locator('main [data-sealed="true"]').waitFor({ timeout: WAIT });
    await waitText(page.locator('main .page-head .badge'), /^sealed$/);
    expect(await page.locator('.upload-panel').isHidden(), 'a sealed dataset still offers uploads');
    const ds = await api(keys.user, 'GET', `/api/v1/datasets/${data.id}`);
    expect(ds.sealed && ds.file_count === 1 && ds.size_bytes === data.file.size, `dataset after sealing: ${JSON.stringify(ds)}`);
    await open(page, 'data');
    const listed = page.locator(`tr[data-dataset="${data.id}"]`);
    await waitText(listed.locator('.badge'), /^sealed$/);
    await waitText(listed.locator('td.num').first(), /^1$/);
    await shot(page, '15-data');
  }],

  ['an upload into a dataset cut by a page reload resumes at the gateway\'s offset after the file is chosen again', async (page) => {
    // A cookie session (email and password): tus requests carry its CSRF token.
    await page.goto(base + '/#/network');
    await page.click('#sign-out');
    await page.locator('#signin-password').getByLabel('Email').fill(logins.user.email);
    await page.locator('#signin-password').getByLabel('Password').fill(logins.user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('#nav').waitFor({ timeout: WAIT });
    const ds = await api(keys.user, 'POST', '/api/v1/datasets', { name: 'e2e-resume' });
    data.openId = ds.id;
    const big = makeFile('big.bin', 20 * 1024 * 1024);  // three PATCHes of 8 MiB
    const chunk = 8 * 1024 * 1024;
    // Hold the second PATCH: the first 8 MiB are committed, the rest never leaves the browser.
    let held = null;
    let patches = 0;
    let holding;
    const heldNow = new Promise((r) => { holding = r; });
    const hold = async (route) => {
      if (route.request().method() !== 'PATCH') return route.fallback();
      if (++patches === 2) { held = route; holding(); return; }
      return route.fallback();
    };
    await page.route('**/api/v1/uploads/**', hold);
    await open(page, `data/${ds.id}`);
    await page.locator('#upload-files').setInputFiles(big.file);
    await heldNow;
    const uploadUrl = new URL(held.request().url()).pathname;
    expect(held.request().headers()['upload-offset'] === String(chunk), `second PATCH at ${held.request().headers()['upload-offset']}`);
    expect(Boolean(held.request().headers()['x-csrf-token']), 'the tus PATCH has no CSRF token');
    await page.reload();
    await held.abort().catch(() => {});
    await page.unroute('**/api/v1/uploads/**', hold);
    const state = await api(keys.user, 'GET', uploadUrl);
    expect(state.offset === chunk && state.length === big.size, `upload after the reload: ${JSON.stringify(state)}`);
    // The page lists the unfinished upload with what the gateway has.
    await waitText(page.locator('.interrupted li[data-path="big.bin"]'), /8\.4 MB of 21 MB \(40%\)/);
    await shot(page, '16-upload-interrupted');
    // Chosen again, it continues at 8 MiB: no new upload is created, the first PATCH is at the offset.
    const seen = [];
    const log = (r) => { if (r.url().includes('/uploads')) seen.push(`${r.method()} ${r.headers()['upload-offset'] ?? ''}`.trim()); };
    page.on('request', log);
    await page.locator('#upload-files').setInputFiles(big.file);
    const upRow = page.locator('li.upload[data-path="big.bin"]');
    await page.locator('li.upload[data-path="big.bin"]:is([data-state="done"], [data-state="failed"])').waitFor({ timeout: 60000 });
    page.off('request', log);
    expect(await upRow.getAttribute('data-state') === 'done', `the upload failed: ${await upRow.innerText()} (requests: ${seen})`);
    expect(!seen.some((s) => s.startsWith('POST')), `a new upload was created: ${seen}`);
    const patchesAfter = seen.filter((s) => s.startsWith('PATCH'));
    expect(patchesAfter[0] === `PATCH ${chunk}` && patchesAfter.length === 2, `PATCHes after the reload: ${seen}`);
    expect(await upRow.getAttribute('data-resumed-from') === String(chunk), 'the row does not say where it resumed');
    await waitText(upRow.locator('.upload-note'), /Resumed at 8\.4 MB of 21 MB/);
    const bigRow = await expectListed(page, big);
    expect(await page.locator('.interrupted li').count() === 0, 'the finished upload is still listed as unfinished');
    // With the session cookie a download is a plain link: the browser saves what the gateway streams.
    const [download] = await Promise.all([page.waitForEvent('download'), bigRow.getByRole('button', { name: /^Download/ }).click()]);
    const got = crypto.createHash('sha256').update(fs.readFileSync(await download.path())).digest('hex');
    expect(download.url().startsWith(base + '/api/v1/datasets/') && got === big.sha256, `downloaded ${download.url()} with SHA-256 ${got}`);
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')));
    expect(!stored.length, `tus records left after success: ${stored}`);
    await signIn(page, keys.user);
  }],

  ['a job reads a sealed dataset, and its collected outputs are downloaded from the job page', async (page) => {
    // Only sealed datasets are offered as inputs; the open one is counted, not listed.
    await open(page, 'submit');
    await page.locator(`.input-row[data-dataset-id="${data.id}"]`).waitFor({ timeout: WAIT });
    expect(await page.locator(`.input-row[data-dataset-id="${data.openId}"]`).count() === 0, 'an open dataset is offered as an input');
    await waitText(page.locator('fieldset.inputs'), /1 open dataset is not listed here /);
    await page.locator(`.input-row[data-dataset-id="${data.id}"] input[type=checkbox]`).check();
    await page.getByLabel('Output files (globs)').fill('*.txt');
    await page.locator('fieldset.inputs').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shotsDir, '17-submit-inputs.png') });
    const id = await submitLocalJob(page, {
      name: 'e2e-digest', command: 'sha256sum data/sample.csv > digest.txt', inputs: [data.id], outputs: '*.txt',
    });
    await page.locator('main [data-state="succeeded"]').first().waitFor({ timeout: 90000 });
    const events = await page.locator('.timeline li').evaluateAll((lis) => lis.map((li) => li.dataset.type));
    for (const e of ['placed', 'staged', 'collecting', 'succeeded']) expect(events.includes(e), `timeline without ${e}: ${events}`);
    const states = await page.locator('.timeline .badge').evaluateAll((bs) => bs.map((b) => b.dataset.state));
    for (const s of ['staging', 'collecting']) expect(states.includes(s), `timeline without the state ${s}: ${states}`);
    await waitText(page.locator('.timeline li[data-type="collecting"] .badge'), /^collecting$/);
    const out = await api(keys.user, 'GET', `/api/v1/jobs/${id}/outputs`);
    await page.locator('#outputs-dataset').waitFor({ timeout: WAIT });
    expect(await page.locator('#outputs-dataset').getAttribute('data-dataset') === out.dataset.id, 'the outputs link is not the outputs dataset');
    const row = page.locator('[data-testid="outputs"] tr[data-path="digest.txt"]');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /^Download/ }).click()]);
    expect(download.suggestedFilename() === 'digest.txt', `downloaded as ${download.suggestedFilename()}`);
    const text = fs.readFileSync(await download.path(), 'utf8');
    expect(text.startsWith(`${data.file.sha256}  data/sample.csv`), `digest.txt says ${JSON.stringify(text)}`);
    await shot(page, '18-job-outputs');
    // The outputs dataset's own page: sealed, from this job, same file.
    await page.locator('#outputs-dataset').click();
    await page.waitForURL(new RegExp(`#/data/${out.dataset.id}$`));
    await waitText(page.locator('main .page-head .badge'), /^sealed$/);
    await page.locator(`main a[href="#/jobs/${id}"]`).first().waitFor({ timeout: WAIT });
    const f = out.files.find((x) => x.path === 'digest.txt');
    await expectListed(page, { name: 'digest.txt', size: f.size_bytes, sha256: f.sha256 });
    await open(page, 'data');
    await page.locator(`tr[data-dataset="${out.dataset.id}"] a[href="#/jobs/${id}"]`).waitFor({ timeout: WAIT });
  }],

  ['a user cannot see another org\'s job', async (page) => {
    // Another user org, its key, and a job of its own (through the API).
    const org = await api(keys.admin, 'POST', '/api/v1/orgs', { name: 'e2e-other', kind: 'user' });
    const key = await api(keys.admin, 'POST', '/api/v1/api-keys', { name: 'e2e', org_id: org.id });
    const job = await api(key.key, 'POST', '/api/v1/jobs', { name: 'secret', command: 'true', constraints: { sites: [localSite.id] } });
    await page.goto(base + `/#/jobs/${job.id}`);
    await page.locator('[data-testid="job-not-found"]').waitFor({ timeout: WAIT });
    expect(!(await page.locator('main').textContent()).includes('secret'), 'the other org\'s job name is shown');
  }],

  ['the language switch changes the labels and is remembered', async (page) => {
    await page.goto(base + '/#/network');
    const missing = await page.evaluate(async () => (await import('/js/i18n.js')).missingKeys());
    expect(!missing.zh.length && !missing.en.length, `untranslated keys: ${JSON.stringify(missing)}`);
    // Counted phrases: singular and plural in English, one form (and no stray "s") in Chinese.
    const counted = await page.evaluate(async () => {
      const i18n = await import('/js/i18n.js');
      const out = {};
      for (const l of ['en', 'zh']) {
        i18n.setLang(l);
        out[l] = [0, 1, 2, 1000].map((n) => i18n.tn('decision.rejected', n));
      }
      i18n.setLang('en');
      return out;
    });
    expect(counted.en.join('|') === '0 sites rejected|1 site rejected|2 sites rejected|1,000 sites rejected', `English counts: ${counted.en}`);
    expect(counted.zh.join('|') === '0 个中心被排除|1 个中心被排除|2 个中心被排除|1,000 个中心被排除', `Chinese counts: ${counted.zh}`);
    // The time zone of every time shown is named in the shell, on every page.
    await waitText(page.locator('#tz-note'), /^Times in UTC\+8$/);
    expect((await page.locator('#tz-note').getAttribute('title')).includes('Asia/Shanghai'), 'the time zone note does not name the zone');
    await waitText(page.locator('#nav a[data-nav="jobs"]'), /^Jobs$/);
    await page.locator('#lang-switch').click();
    await waitText(page.locator('#nav a[data-nav="jobs"]'), /^作业$/);
    expect(await page.locator('html').getAttribute('lang') === 'zh-CN', 'html lang not zh-CN');
    await page.reload();
    await waitText(page.locator('#nav a[data-nav="jobs"]'), /^作业$/);
    await waitText(page.locator('main h1'), /算力网络概览/);
    await waitText(page.locator('[data-testid="map-legend"]'), /克 CO₂\/千瓦时/);
    await page.waitForFunction(() => document.querySelectorAll('#map-sites .site-names li a').length >= 11, null, { timeout: WAIT });
    await page.waitForTimeout(300);
    await shot(page, '07-network-zh');
    // The Data pages in Chinese: an open dataset (the upload panel), then sealed with a file.
    const ds = await api(keys.user, 'POST', '/api/v1/datasets', { name: 'e2e-zh' });
    await open(page, `data/${ds.id}`);
    await waitText(page.locator('#upload-title'), /^上传文件$/);
    await waitText(page.locator('main .page-head .badge'), /^未封存$/);
    await page.getByText('选择文件…').waitFor();
    const put = await fetch(`${base}/api/v1/datasets/${ds.id}/files/hello.txt`, {
      method: 'PUT', headers: { Authorization: `Bearer ${keys.user}` }, body: 'hello\n' });
    expect(put.status === 201, `PUT hello.txt: ${put.status}`);
    await api(keys.user, 'POST', `/api/v1/datasets/${ds.id}/seal`);
    await open(page, `data/${ds.id}`);
    await waitText(page.locator('main .page-head .badge'), /^已封存$/);
    await page.locator('tr[data-path="hello.txt"]').getByRole('button', { name: /^下载/ }).waitFor();
    await waitText(page.locator('.seal-note'), /已封存/);
    const english = /\b(Download|Copy|Files?|Path|Size|Sealed|Sealing|Details|Delete|Created|Kind|Upload)\b/;
    const shown = await page.locator('main').innerText();
    expect(!english.test(shown), `English on the Chinese dataset page: ${english.exec(shown)}`);
    await open(page, 'data');
    await waitText(page.locator('main h1'), /^数据$/);
    await waitText(page.locator('#nav a[data-nav="data"]'), /^数据$/);
    await page.getByRole('button', { name: '创建数据集' }).waitFor();
    await page.locator(`tr[data-dataset="${ds.id}"]`).waitFor();
    const list = await page.locator('main').innerText();
    expect(!english.test(list), `English on the Chinese Data page: ${english.exec(list)}`);
    await shot(page, '19-data-zh');
    // A live quote in Chinese: the gateway writes its summary and every rejection reason in the
    // portal's language (Accept-Language); only site names stay as registered.
    await open(page, 'submit');
    await page.locator('input[name="command"]').fill('python train.py');
    await page.locator('select[name="accelerator_model"]').selectOption('A800');
    await waitText(page.locator('#quote .summary'), /开始/);
    const latin = /[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/;
    const quoteSummary = await page.locator('#quote .summary').textContent();
    const afterName = quoteSummary.slice(quoteSummary.indexOf('：') + 1);
    expect(!latin.test(afterName), `English in the Chinese quote summary: ${quoteSummary}`);
    const reasons = await page.locator('#quote .rejections li').allTextContents();
    expect(reasons.length > 0, 'no rejected sites explained in Chinese');
    for (const r of reasons) {
      const reason = r.slice(r.indexOf(': ') + 2);
      expect(!latin.test(reason), `English in a Chinese rejection reason: ${r}`);
    }
    await page.locator('#lang-switch').click();
    await waitText(page.locator('#nav a[data-nav="jobs"]'), /^Jobs$/);
  }],

  ['an operator signs in with email and password and registers a sim site that appears on the map', async (page) => {
    // A cookie session: the site registration below is an unsafe request sent with its CSRF token.
    await page.goto(base + '/#/network');
    await page.click('#sign-out');
    await page.locator('#signin-password').waitFor();
    await page.locator('#signin-password').getByLabel('Email').fill(logins.operator.email);
    await page.locator('#signin-password').getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitText(page.locator('[data-field="password"] .field-error'), /wrong/);
    await page.locator('#signin-password').getByLabel('Password').fill(logins.operator.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('#nav').waitFor({ timeout: WAIT });
    const nav = await page.locator('#nav a').allTextContents();
    expect(nav.includes('Register site') && !nav.includes('New job') && !nav.includes('Data'), `operator navigation: ${nav}`);
    await page.goto(base + '/#/sites/new');
    // A problem from the gateway lands beside the field it names.
    await page.getByRole('button', { name: 'Register site' }).click();
    await page.locator('.field[data-field] .field-error:not(:empty), .form-error').first().waitFor({ timeout: WAIT });
    await page.getByLabel(/^Name$/).fill('E2E Lanzhou Test Center');
    await page.getByLabel('Region').selectOption('cn-gs-qingyang');
    await page.getByLabel('Kind').selectOption('ai');
    await page.getByLabel('PUE', { exact: true }).fill('1.15');
    await page.getByLabel('Power per accelerator (W)').fill('A800:380');
    await shot(page, '08-register-site');
    await page.getByRole('button', { name: 'Register site' }).click();
    await page.waitForURL(/#\/sites\/site_/, { timeout: WAIT });
    await page.locator('.pools, table').first().waitFor({ timeout: WAIT });
    await waitText(page.locator('main h1'), /E2E Lanzhou Test Center/);
    // The operator's energy figures, and the region's grid.
    await waitText(page.locator('dl.facts').first(), /PUE\s*1\.15.*A800 380 W/);
    await waitText(page.locator('dl.facts').first(), /477 g CO₂\/kWh/);
    await page.locator('#cap-title ~ div table').waitFor({ timeout: WAIT });
    await shot(page, '09-site');
    await page.goto(base + '/#/network');
    await waitText(page.locator('#map-sites li[data-region="cn-gs-qingyang"]'), /E2E Lanzhou Test Center/);
    await page.waitForFunction(() => (document.querySelector('.chart.map')?.getAttribute('aria-label') || '').includes('E2E Lanzhou Test Center'), null, { timeout: WAIT });
    // Drain and undrain it from the sites list.
    await page.goto(base + '/#/sites');
    const row = page.locator('tr', { hasText: 'E2E Lanzhou Test Center' });
    await row.getByRole('button', { name: 'Drain' }).click();
    await waitText(row.locator('.badge'), /draining/);
    await shot(page, '10-operator-sites');
    await row.getByRole('button', { name: 'Undrain' }).click();
    await row.getByRole('button', { name: 'Drain' }).waitFor({ timeout: WAIT });
    // Delete it from its page: gone from the list and from the API.
    // (The list is redrawn every 5 s: the site's page is opened from its link's address.)
    await open(page, (await row.getByRole('link', { name: 'E2E Lanzhou Test Center' }).getAttribute('href')).slice(2));
    await waitText(page.locator('main h1'), /E2E Lanzhou Test Center/);
    const siteId = decodeURIComponent(page.url().split('/').pop());
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Delete site' }).click();
    await page.waitForURL(/#\/sites$/, { timeout: WAIT });
    const gone = await fetch(`${base}/api/v1/sites/${siteId}`, { headers: { Authorization: `Bearer ${keys.operator}` } });
    expect(gone.status === 404, `a deleted site answers 404, not ${gone.status}`);
  }],

  ['the new-site form starts each adapter from its own defaults and shows every local error at once', async (page) => {
    await open(page, 'sites/new');
    await page.locator('form.site-form').waitFor({ timeout: WAIT });
    const gpuModels = () => page.locator('.row.gpu input[name="gpu_model"]').evaluateAll((els) => els.map((e) => e.value));
    expect((await gpuModels()).join() === 'A800', `the emulated site's accelerator prices: ${await gpuModels()}`);
    await page.getByLabel('Adapter').selectOption('slurm');
    expect((await gpuModels()).length === 0, `the Slurm form keeps another adapter's accelerator prices: ${await gpuModels()}`);
    expect(await page.getByLabel('CPU core-hour').inputValue() === '', 'the Slurm form starts with the emulated site\'s CPU price');
    expect(await page.locator('input[name="pool_name"]').count() === 0, 'the Slurm form shows emulated pools');
    await page.getByLabel('Adapter').selectOption('local');
    expect((await gpuModels()).length === 0, `the local form keeps accelerator prices: ${await gpuModels()}`);
    // Nothing is sent while a field is wrong; every wrong field says so beside itself, in its unit.
    await page.getByLabel('Adapter').selectOption('slurm');
    let posted = 0;
    const count = (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/sites')) posted++; };
    page.on('request', count);
    await page.getByLabel('slurmrestd URL').fill('slurm.example:6820');
    await page.getByLabel('Max walltime (hours)').fill('0');
    await page.getByRole('button', { name: 'Register site' }).click();
    const errorOf = (f) => page.locator(`[data-field="${f}"] .field-error`).first();
    await waitText(errorOf('name'), /name/);
    await waitText(errorOf('region'), /region/);
    await waitText(errorOf('adapter.endpoint'), /http:\/\//);
    await waitText(errorOf('adapter.options.partition'), /partition/);
    await waitText(errorOf('pricing.cpu_core_hour'), /¥/);
    await waitText(errorOf('policy.max_walltime_s'), /Hours/);
    expect(await page.getByLabel('slurmrestd URL').getAttribute('aria-invalid') === 'true', 'the endpoint is not marked invalid');
    page.off('request', count);
    expect(posted === 0, `the form was sent with ${posted} wrong fields`);
    await shot(page, '20-site-new-errors');
  }],

  ['an operator edits a site, a bad value is shown beside its field, and a refused delete names the active jobs', async (page) => {
    const site = await api(keys.operator, 'POST', '/api/v1/sites', {
      name: 'E2E Edit Center', region: 'cn-nx-zhongwei', kind: 'hpc',
      adapter: { type: 'sim', options: { pools: [{ name: 'cpu', cpus: 64, memory_gb: 256 }], lose_rate: 0 } },
      pricing: { cpu_core_hour: 0.05, gpu_hour: {} }, policy: { max_in_flight: 100 } });
    await open(page, `sites/${site.id}`);
    await page.locator('#edit-site').click();
    await page.waitForURL(new RegExp(`#/sites/${site.id}/edit$`));
    expect(await page.getByLabel(/^Name$/).inputValue() === 'E2E Edit Center', 'the edit form is not filled with the site');
    expect(await page.getByLabel('Adapter').isDisabled(), 'the adapter type of a registered site can be changed');
    await page.getByLabel(/^Name$/).fill('E2E Edited Center');
    await page.getByLabel('Max jobs in flight').fill('250');
    await page.getByLabel('CPU core-hour').fill('0.08');
    await page.getByLabel('PUE', { exact: true }).fill('5');
    await page.getByLabel('Max jobs in flight').press('Tab');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitText(page.locator('[data-field="energy.pue"] .field-error'), /PUE from 1 to 3/);
    expect(await page.getByLabel('PUE', { exact: true }).getAttribute('aria-invalid') === 'true', 'the PUE is not marked invalid');
    await shot(page, '21-site-edit-error');
    // What only the gateway can judge (the org has a site of that name): its problem lands beside the name.
    await page.getByLabel('PUE', { exact: true }).fill('1.2');
    await page.getByLabel(/^Name$/).fill(localSite.name);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitText(page.locator('[data-field="name"] .field-error'), /already has a site named/);
    expect(await page.locator('[data-field="energy.pue"] .field-error').textContent() === '', 'the fixed PUE still shows its error');
    await page.getByLabel(/^Name$/).fill('E2E Edited Center');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`#/sites/${site.id}$`), { timeout: WAIT });
    await waitText(page.locator('main h1'), /^E2E Edited Center$/);
    const after = await api(keys.operator, 'GET', `/api/v1/sites/${site.id}`);
    expect(after.name === 'E2E Edited Center' && after.policy.max_in_flight === 250 && after.pricing.cpu_core_hour === 0.08 && after.energy.pue === 1.2,
      `the site after editing: ${JSON.stringify({ name: after.name, policy: after.policy, pricing: after.pricing, energy: after.energy })}`);
    expect(after.adapter.options.lose_rate === 0 && after.adapter.options.pools.length === 1 && after.region === 'cn-nx-zhongwei',
      `the edit lost what the form does not show: ${JSON.stringify(after.adapter.options)}`);
    // A job running there: delete is refused, and the page names the job.
    const deadline = Date.now() + WAIT;
    while (!(await api(keys.operator, 'GET', `/api/v1/sites/${site.id}`)).capacity) {
      expect(Date.now() < deadline, 'the new site never reported its capacity');
      await new Promise((r) => setTimeout(r, 250));
    }
    const job = await api(keys.user, 'POST', '/api/v1/jobs', { name: 'e2e-blocks-delete', command: 'sleep 600',
      resources: { cpus: 1, memory_gb: 1, walltime_s: 3600 }, expected_runtime_s: 3000, constraints: { sites: [site.id] } });
    page.once('dialog', (d) => d.accept());
    await page.locator('#delete-site').click();
    const refused = page.locator('[data-testid="delete-refused"]');
    await refused.waitFor({ timeout: WAIT });
    await refused.locator(`li[data-job="${job.id}"] a`, { hasText: 'e2e-blocks-delete' }).waitFor();
    await waitText(refused, /active jobs/);
    await shot(page, '22-site-delete-refused');
    await api(keys.user, 'POST', `/api/v1/jobs/${job.id}/cancel`);
    const until = Date.now() + 60000;
    while ((await api(keys.user, 'GET', `/api/v1/jobs/${job.id}`)).state !== 'canceled') {
      expect(Date.now() < until, 'the blocking job was not canceled');
      await new Promise((r) => setTimeout(r, 250));
    }
    page.once('dialog', (d) => d.accept());
    await page.locator('#delete-site').click();
    await page.waitForURL(/#\/sites$/, { timeout: WAIT });
  }],

  ['an operator\'s account shows what its sites earned', async (page) => {
    await open(page, 'account');
    const earned = page.locator('[data-testid="earned"] .stat-value');
    await earned.waitFor({ timeout: WAIT });
    expect(/^¥\d[\d,]*\.\d\d$/.test((await earned.textContent()).trim()), `earned is not money: ${await earned.textContent()}`);
    await page.locator(`[data-testid="earnings"] tr[data-site="${localSite.id}"]`).waitFor({ timeout: WAIT });
    // The local site ran the user's jobs: what the table says it earned is what its settlement says.
    const st = await api(keys.operator, 'GET', `/api/v1/sites/${localSite.id}/settlement`);
    const cell = await page.locator(`[data-testid="earnings"] tr[data-site="${localSite.id}"] td.num`).last().textContent();
    expect(Number(cell.replace(/[¥,]/g, '')) === Math.round(st.totals.earnings_cny * 100) / 100, `the local site earned ${cell}, its settlement says ${st.totals.earnings_cny}`);
    await shot(page, '23-operator-account');
  }],

  ['an admin sees orgs, keys, regions and the network matrix', async (page) => {
    await signIn(page, keys.admin);
    await page.goto(base + '/#/orgs');
    await waitText(page.locator('main table'), /demo-user/);
    await page.locator('tr', { hasText: 'demo-user' }).getByRole('button', { name: 'Users' }).click();
    await waitText(page.locator('main section.panel').last(), /demo-user@demo\.local/);
    // Top up demo-user's prepaid credit: open the account, then the amount and the note.
    const answers = [null, '250', 'e2e bank ref'];
    const onDialog = (d) => { const a = answers.shift(); d.accept(a === null ? undefined : a); };
    page.on('dialog', onDialog);
    await page.locator('tr', { hasText: 'demo-user' }).getByRole('button', { name: 'Top up…' }).click();
    await waitText(page.locator('tr', { hasText: 'demo-user' }), /¥250\.00/);
    page.off('dialog', onDialog);
    expect(!answers.length, `dialogs left unanswered: ${answers}`);
    await shot(page, '11-admin-orgs');
    await page.goto(base + '/#/network-matrix');
    await page.locator('table.matrix td.num').first().waitFor({ timeout: WAIT });
    await shot(page, '12-admin-network');
    await page.goto(base + '/#/keys');
    await page.locator('main table tbody tr').first().waitFor({ timeout: WAIT });
    // A new key is shown once, with a copy button that puts exactly it on the clipboard.
    await page.getByRole('button', { name: 'Create key' }).click();
    await waitText(page.locator('[data-field="name"] .field-error'), /Name the key/);
    await page.getByLabel('Name', { exact: true }).fill('e2e-copy');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.locator('#new-key').textContent({ timeout: WAIT })).trim();
    expect(/^sw_/.test(secret), `the new key: ${secret}`);
    const copy = page.getByRole('button', { name: 'Copy the new key' });
    await copy.click();
    await waitText(copy, /^Copied$/);
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    expect(clip === secret, `the clipboard holds ${clip}, not the new key`);
    // demo-user now sees its prepaid balance and the top-up on its account page.
    await signIn(page, keys.user);
    await page.goto(base + '/#/account');
    await waitText(page.locator('[data-testid="credit"] .stat-value'), /^¥250\.00$/);
    await waitText(page.locator('main table caption'), /top-ups/);
    await waitText(page.locator('main table'), /e2e bank ref/);
    await shot(page, '13-account-credit');
  }],

  ['in 中文 every page reads in Chinese: no English sentence in what is shown', async (page) => {
    // Every page of every role, in Chinese; what a page shows must not contain a run of three or
    // more Latin-script words. Not counted: ids (site_…, job_…), URLs, emails, names with digits
    // (A800, Ascend910B), code, command lines and logs (code, pre, .mono) and what is marked
    // translate="no". Server-written text counts too: it is shown to the user.
    const pages = {
      user: ['network', 'submit', 'jobs', `jobs/${data.helloJob}`, 'data', `data/${data.id}`, 'keys', 'account'],
      operator: ['sites', `sites/${localSite.id}`, `sites/${localSite.id}/edit`, 'sites/new', 'jobs', 'account'],
      admin: ['orgs', 'network-matrix', 'sites', 'keys'],
    };
    const found = [];
    for (const [role, routes] of Object.entries(pages)) {
      await signIn(page, keys[role]);
      await page.evaluate(() => localStorage.setItem('suanwang.lang', 'zh'));
      for (const route of routes) {
        await open(page, route);
        await waitText(page.locator('#nav a[data-nav="jobs"]'), /^作业$/);
        await settle(page);
        if (route === 'submit') {
          await page.locator('input[name="command"]').fill('python train.py');
          await page.locator('select[name="accelerator_model"]').selectOption('A800');
          await page.locator('#quote .rejections li').first().waitFor({ timeout: WAIT });
        }
        if (route.startsWith('jobs/')) await page.locator('.timeline li').first().waitFor({ timeout: WAIT });
        if (route === 'orgs') {
          await page.locator('tr', { hasText: 'demo-user' }).getByRole('button', { name: '用户' }).click();
          await settle(page);
        }
        for (const text of await latinSentences(page)) found.push(`${role} #/${route}: “${text}”`);
      }
    }
    await page.evaluate(() => localStorage.setItem('suanwang.lang', 'en'));
    await signIn(page, keys.user);
    expect(!found.length, `English in 中文 mode (${found.length}):\n${found.join('\n')}`);
  }],
];

// ---- run --------------------------------------------------------------------------------------
let browser;
let failed = 0;
const problems = [];
try {
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const f of fs.readdirSync(shotsDir)) if (f.endsWith('.png')) fs.rmSync(path.join(shotsDir, f));
  base = await startGateway();
  keys.admin = fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
  const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-keys.json'), 'utf8'));
  keys.user = demo['demo-user'].api_key;
  keys.operator = demo['demo-operator'].api_key;
  logins.operator = demo['demo-operator'];
  logins.user = demo['demo-user'];
  localSite = (await api(keys.user, 'GET', '/api/v1/sites')).items.find((s) => s.adapter.type === 'local');
  if (!localSite) throw new Error('the demo federation has no local site');
  // Some work on the emulated centers, so that the map and the charts show load (real jobs
  // through the API; the sim sites run them for their expected runtime).
  const load = [['Ascend910B', 256], ['A800', 64], ['H100', 32], ['HygonDCU', 128], ['Ascend910B', 512],
    [null, 0], [null, 0], ['H20', 64]];
  for (const [i, [model, count]] of load.entries()) {
    const resources = { cpus: model ? 512 : 4096, memory_gb: 2048, walltime_s: 7200 };
    if (model) resources.accelerators = { model, count };
    await api(keys.user, 'POST', '/api/v1/jobs', {
      name: `training-run-${i + 1}`, command: 'python train.py', resources, expected_runtime_s: 3600,
      routing: { policy: i % 2 ? 'cheapest' : 'balanced' },
    });
  }

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-default-apps', '--disable-sync', '--no-first-run', '--disable-extensions',
      '--disable-dev-shm-usage', '--metrics-recording-only', '--mute-audio'],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  // Works offline: every request must go to the gateway itself.
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin === base) return route.continue();
    problems.push(`request to another host: ${u.href}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (e) => problems.push(`page error at ${page.url()}: ${e.stack || e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().startsWith('i18n:')) problems.push(m.text());
  });

  for (const [name, fn] of steps) {
    if (only && !name.includes(only)) continue;
    const started = Date.now();
    try {
      await fn(page);
      console.log(`e2e: ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`e2e: FAIL ${name}\n      ${String(e.message).split('\n').join('\n      ')}`);
      await page.screenshot({ path: path.join(shotsDir, `failed-${failed}.png`), fullPage: true }).catch(() => {});
    }
  }
  for (const p of problems) { failed++; console.log(`e2e: FAIL ${p}`); }
} catch (e) {
  failed++;
  console.log(`e2e: FAIL ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopGateway();
}

console.log(`e2e: screenshots in ${shotsDir}`);
if (updateDocs && !failed) {
  const docs = path.join(repo, 'docs/screenshots');
  fs.mkdirSync(docs, { recursive: true });
  const chosen = shots.filter((f) => README_SHOTS.includes(path.basename(f, '.png')));
  for (const f of chosen) fs.copyFileSync(f, path.join(docs, path.basename(f)));
  console.log(`e2e: copied ${chosen.length} screenshots to ${docs}`);
}
if (failed) {
  console.log(`e2e: ${failed} failure(s); the gateway's log is in ${path.join(dataDir, 'gateway.log')}`);
  process.exit(1);
}
fs.rmSync(dataDir, { recursive: true, force: true });
console.log('e2e: all steps passed');
