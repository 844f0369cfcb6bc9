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

// Opens a portal page afresh (a hash change alone does not re-render the page on view).
async function open(page, route) {
  await page.goto(base + '/#/' + route);
  await page.reload();
}

async function waitText(locator, re, timeout = WAIT) {
  await locator.filter({ hasText: re }).first().waitFor({ timeout });
}

// Submits the job form with `command` on the local site; returns the new job's id.
async function submitLocalJob(page, { name, command, walltimeMin = 5 }) {
  await open(page, 'submit');
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('textbox', { name: 'Command' }).fill(command);
  await page.getByLabel(/^Walltime/).fill(String(walltimeMin));
  await page.getByLabel(/^Site$/).selectOption(localSite.id);
  // The live quote ranks the local site alone.
  await page.locator(`#quote tr[data-site="${localSite.id}"]`).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.waitForURL(/#\/jobs\/job_/, { timeout: WAIT });
  return decodeURIComponent(page.url().split('#/jobs/')[1]);
}

let localSite;

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
    expect(nav.includes('New job') && nav.includes('Jobs'), `user navigation: ${nav}`);
    expect(!nav.includes('Register site') && !nav.includes('Orgs'), `a user sees operator/admin pages: ${nav}`);
  }],

  ['the network page shows national capacity, the map and the sites', async (page) => {
    await page.goto(base + '/#/network');
    await page.locator('main[data-ready], main [data-site]').first().waitFor({ timeout: WAIT });
    await page.waitForFunction(() => document.querySelectorAll('#map-sites .site-names li a').length >= 11, null, { timeout: WAIT });
    const label = await page.locator('.chart.map').getAttribute('aria-label');
    expect(label.includes(localSite.name), 'the map description does not name the local site');
    expect(await page.locator('.chart.map canvas').count() > 0, 'the map did not draw');
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
    await shot(page, '03-submit-quote');
    await page.getByLabel('CPU cores').fill('0');
    await waitText(page.locator('[data-field="resources.cpus"] .field-error'), /cpus/);
    expect(await page.getByLabel('CPU cores').getAttribute('aria-invalid') === 'true', 'cpus not marked invalid');
  }],

  ['a job on the local site is placed, succeeds, and its output is in the logs view', async (page) => {
    const id = await submitLocalJob(page, { name: 'e2e-hello', command: 'echo hello-from-the-e2e-test; echo done' });
    await page.locator('main [data-state="succeeded"]').first().waitFor({ timeout: 90000 });
    await waitText(page.locator('#log'), /hello-from-the-e2e-test/);
    await page.locator('#log[data-eof="true"]').waitFor({ timeout: WAIT });
    const events = await page.locator('.timeline li').evaluateAll((lis) => lis.map((li) => li.dataset.type));
    for (const e of ['created', 'placed', 'succeeded']) expect(events.includes(e), `timeline without ${e}: ${events}`);
    await waitText(page.locator('.decision .summary'), new RegExp(localSite.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
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
    await shot(page, '06-account');
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
    await waitText(page.locator('#nav a[data-nav="jobs"]'), /^Jobs$/);
    await page.locator('#lang-switch').click();
    await waitText(page.locator('#nav a[data-nav="jobs"]'), /^作业$/);
    expect(await page.locator('html').getAttribute('lang') === 'zh-CN', 'html lang not zh-CN');
    await page.reload();
    await waitText(page.locator('#nav a[data-nav="jobs"]'), /^作业$/);
    await waitText(page.locator('main h1'), /算力网络概览/);
    await page.waitForFunction(() => document.querySelectorAll('#map-sites .site-names li a').length >= 11, null, { timeout: WAIT });
    await page.waitForTimeout(300);
    await shot(page, '07-network-zh');
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
    expect(nav.includes('Register site') && !nav.includes('New job'), `operator navigation: ${nav}`);
    await page.goto(base + '/#/sites/new');
    // A problem from the gateway lands beside the field it names.
    await page.getByRole('button', { name: 'Register site' }).click();
    await page.locator('.field[data-field] .field-error:not(:empty), .form-error').first().waitFor({ timeout: WAIT });
    await page.getByLabel(/^Name$/).fill('E2E Lanzhou Test Center');
    await page.getByLabel('Region').selectOption('cn-gs-qingyang');
    await page.getByLabel('Kind').selectOption('ai');
    await shot(page, '08-register-site');
    await page.getByRole('button', { name: 'Register site' }).click();
    await page.waitForURL(/#\/sites\/site_/, { timeout: WAIT });
    await page.locator('.pools, table').first().waitFor({ timeout: WAIT });
    await waitText(page.locator('main h1'), /E2E Lanzhou Test Center/);
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
    // demo-user now sees its prepaid balance and the top-up on its account page.
    await signIn(page, keys.user);
    await page.goto(base + '/#/account');
    await waitText(page.locator('[data-testid="credit"] .stat-value'), /^¥250\.00$/);
    await waitText(page.locator('main table caption'), /top-ups/);
    await waitText(page.locator('main table'), /e2e bank ref/);
    await shot(page, '13-account-credit');
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
