// app.js — the portal's shell: sign-in state, role-aware navigation, the language switch and
// a hash router (#/jobs/<id> …) that gives each page a context whose timers and listeners end
// when the user leaves the page. Every page is one module under pages/ exporting render().
import * as api from './api.js';
import { t, lang, setLang, onLangChange } from './i18n.js';
import { h, clear, errorBox, loading } from './ui.js';
import { utcOffset, zoneName } from './format.js';

// Route table: pattern, page module, roles that see it (null = everyone signed in), its
// navigation label and, when narrower than `roles`, the roles whose navigation shows it.
const routes = [
  { path: 'network', page: () => import('./pages/network.js'), roles: null, nav: 'nav.network' },
  { path: 'submit', page: () => import('./pages/submit.js'), roles: ['user', 'admin'], nav: 'nav.submit' },
  { path: 'jobs', page: () => import('./pages/jobs.js'), roles: null, nav: 'nav.jobs' },
  { path: 'jobs/:id', page: () => import('./pages/job.js'), roles: null },
  { path: 'data', page: () => import('./pages/data.js'), roles: ['user', 'admin'], nav: 'nav.data' },
  { path: 'data/:id', page: () => import('./pages/dataset.js'), roles: ['user', 'admin'] },
  { path: 'sites', page: () => import('./pages/sites.js'), roles: ['operator', 'admin'], nav: 'nav.sites' },
  { path: 'sites/new', page: () => import('./pages/site_new.js'), roles: ['operator', 'admin'], nav: 'nav.register', navRoles: ['operator'] },
  { path: 'sites/:id', page: () => import('./pages/site.js'), roles: null },
  { path: 'sites/:id/edit', page: () => import('./pages/site_edit.js'), roles: ['operator', 'admin'] },
  { path: 'orgs', page: () => import('./pages/orgs.js'), roles: ['admin'], nav: 'nav.orgs' },
  { path: 'keys', page: () => import('./pages/keys.js'), roles: null, nav: 'nav.keys' },
  { path: 'network-matrix', page: () => import('./pages/matrix.js'), roles: ['admin'], nav: 'nav.matrix' },
  { path: 'account', page: () => import('./pages/account.js'), roles: null, nav: 'nav.account' },
];

const state = { session: null, cleanups: [], renderSeq: 0 };

function match(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  for (const r of routes) {
    const pat = r.path.split('/');
    if (pat.length !== parts.length) continue;
    const params = {};
    if (pat.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = parts[i]), true) : p === parts[i]))) {
      return { route: r, params };
    }
  }
  return null;
}

export function navigate(path) {
  location.hash = '#/' + path;
}

function visible(route) {
  return !route.roles || (state.session && route.roles.includes(state.session.role));
}

function renderShell() {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
  document.querySelector('.skip-link').textContent = t('app.skip');
  const header = document.getElementById('topbar');
  clear(header);
  const full = location.hash.replace(/^#\/?/, '') || 'network';
  const inNav = (r) => r.nav && visible(r) && (!r.navRoles || r.navRoles.includes(state.session.role));
  const navs = state.session ? routes.filter(inNav) : [];
  const current = navs.filter((r) => full === r.path || full.startsWith(r.path + '/'))
    .sort((a, b) => b.path.length - a.path.length)[0];
  header.append(
    h('a.brand', { href: '#/network' }, h('span.brand-mark', { 'aria-hidden': 'true' }, '算'),
      h('span.brand-name', t('app.name'))),
    state.session
      ? h('nav#nav', { 'aria-label': t('nav.label') },
        h('ul', navs.map((r) => h('li',
          h('a', {
            href: '#/' + r.path,
            dataset: { nav: r.path },
            'aria-current': r === current ? 'page' : null,
          }, t(r.nav))))))
      : h('span.spacer'),
    h('div.top-right',
      // Every time the portal shows is the browser's local time: said once, on every page.
      h('span#tz-note.tz', { title: t('time.zone_title', { zone: zoneName() || utcOffset(), offset: utcOffset() }) },
        t('time.zone', { offset: utcOffset() })),
      h('button#lang-switch.ghost', {
        type: 'button',
        lang: lang() === 'zh' ? 'en' : 'zh-CN',
        'aria-label': t('lang.switch_label'),
        onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh'),
      }, lang() === 'zh' ? 'English' : '中文'),
      state.session ? h('span.who', { title: state.session.org_id },
        h('span.who-org', state.session.org_name), ' ', h('span.role', { class: `role role-${state.session.role}` }, t('role.' + state.session.role))) : null,
      state.session ? h('button#sign-out.ghost', { type: 'button', onclick: signOut }, t('action.sign_out')) : null));
}

async function signOut() {
  await api.signOut();
  state.session = null;
  navigate('signin');
  render();
}

async function render() {
  const seq = ++state.renderSeq;
  for (const fn of state.cleanups.splice(0)) {
    try { fn(); } catch { /* a page's cleanup must not stop the next page */ }
  }
  const main = document.getElementById('main');
  renderShell();
  const hash = location.hash || '#/network';
  if (!state.session) {
    const { render: signin } = await import('./pages/signin.js');
    if (seq !== state.renderSeq) return;
    clear(main);
    signin(main, { onSignedIn });
    return;
  }
  if (hash === '#/signin') { navigate('network'); return; }
  const m = match(hash);
  clear(main);
  if (!m) {
    main.append(h('div.state.empty', h('h1', t('notfound.title')), h('p', t('notfound.page')),
      h('a.button', { href: '#/network' }, t('nav.network'))));
    return;
  }
  if (!visible(m.route)) {
    main.append(h('div.state.empty', h('h1', t('forbidden.title')), h('p', t('forbidden.page'))));
    return;
  }
  main.append(loading());
  const ctx = {
    session: state.session,
    params: m.params,
    navigate,
    onCleanup: (fn) => state.cleanups.push(fn),
    get active() { return seq === state.renderSeq; },
  };
  try {
    const mod = await m.route.page();
    if (seq !== state.renderSeq) return;
    clear(main);
    await mod.render(main, ctx);
  } catch (e) {
    if (seq !== state.renderSeq) return;
    clear(main).append(errorBox(e, render));
  }
  if (seq === state.renderSeq && document.activeElement === document.body) main.focus({ preventScroll: true });
}

async function onSignedIn(session) {
  state.session = api.adoptSession(session);
  if (!location.hash || location.hash === '#/signin') navigate('network');
  render();
}

async function start() {
  api.onUnauthenticated(() => {
    if (!state.session) return;
    api.forgetCredentials();
    state.session = null;
    sessionStorage.setItem('suanwang.signed_out_reason', 'expired');
    render();
  });
  onLangChange(render);
  window.addEventListener('hashchange', render);
  // A stored key, or a session cookie from an earlier sign-in (the gateway says which).
  api.loadStoredKey();
  try {
    state.session = api.adoptSession(await api.get('/api/v1/session'));
  } catch {
    api.forgetCredentials();
    state.session = null;
  }
  render();
}

start();
