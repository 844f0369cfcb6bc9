// api.js — the portal's one door to the gateway's public REST API (/api/v1).
//
// Two ways to be signed in, as the gateway offers them:
// - an API key, sent as `Authorization: Bearer <key>` and kept in sessionStorage (or
//   localStorage when the user asks to be remembered);
// - a session cookie from POST /api/v1/session {email, password}: HttpOnly, so the portal never
//   sees it; every unsafe request then carries the CSRF token the gateway returned (and returns
//   again from GET /api/v1/session after a reload).
//
// Errors are thrown as ApiError, built from the gateway's application/problem+json
// (RFC 9457): `detail` for humans, `code` for programs and `field` naming the request field
// to blame, so forms can show the message beside that field.
//
// Every request says the portal's language (Accept-Language), so what the gateway writes for
// people — errors, placement summaries and reasons, job events — comes in that language.

import { lang } from './i18n.js';

const KEY_STORE = 'suanwang.api_key';

const auth = { key: null, csrf: null };

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status === 0 ? 'network' : 'http_' + status);
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.field = problem.field || null;
    this.requestId = problem.request_id || null;
    this.problem = problem;
  }
  get notFound() { return this.status === 404; }
}

export function loadStoredKey() {
  auth.key = sessionStorage.getItem(KEY_STORE) || localStorage.getItem(KEY_STORE);
  return auth.key;
}

export function setKey(key, remember) {
  auth.key = key;
  sessionStorage.setItem(KEY_STORE, key);
  if (remember) localStorage.setItem(KEY_STORE, key);
  else localStorage.removeItem(KEY_STORE);
}

export function forgetCredentials() {
  auth.key = null;
  auth.csrf = null;
  sessionStorage.removeItem(KEY_STORE);
  localStorage.removeItem(KEY_STORE);
}

// Takes what GET/POST /api/v1/session answered: a cookie session brings its CSRF token.
export function adoptSession(session) {
  if (session && session.auth === 'session' && session.csrf_token) auth.csrf = session.csrf_token;
  return session;
}

export async function signInWithPassword(email, password) {
  forgetCredentials();
  return adoptSession(await post('/api/v1/session', { email, password }));
}

// Ends a cookie session at the gateway (best effort) and forgets every credential.
export async function signOut() {
  if (auth.csrf) await del('/api/v1/session').catch(() => {});
  forgetCredentials();
}

// Listeners for a rejected sign-in (401 from any call), so the shell can ask again.
const unauthenticated = new Set();
export function onUnauthenticated(fn) { unauthenticated.add(fn); }

function url(path, query) {
  const u = new URL(path.startsWith('/') ? path : '/api/v1/' + path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.searchParams.set(k, String(v));
  }
  return u.pathname + u.search;
}

// The portal's language switch as the gateway negotiates it (zh for any zh-*, else en).
function acceptLanguage() {
  return lang() === 'zh' ? 'zh-CN,zh;q=0.9' : 'en';
}

// One request; resolves to the parsed JSON body (null for 204), throws ApiError.
export async function request(method, path, { body, query, signal, headers } = {}) {
  const h = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': acceptLanguage(),
    ...headers,
  };
  if (auth.key) h.Authorization = 'Bearer ' + auth.key;
  if (auth.csrf && method !== 'GET') h['X-CSRF-Token'] = auth.csrf;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url(path, query), {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { detail: 'network' });
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const err = new ApiError(res.status, data || {});
    if (res.status === 401) for (const fn of unauthenticated) fn(err);
    throw err;
  }
  return data;
}

// The headers that authenticate a request made outside request() (tus uploads, downloads):
// the key, or for a cookie session the CSRF token that unsafe methods need.
export function authHeaders(method = 'GET') {
  const h = { 'Accept-Language': acceptLanguage() };
  if (auth.key) h.Authorization = 'Bearer ' + auth.key;
  else if (auth.csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = auth.csrf;
  return h;
}

// True when the browser's cookie alone authenticates a GET (a plain link then works).
export function cookieSession() {
  return !auth.key && Boolean(auth.csrf);
}

// Saves what a GET answers as a file: a plain link for a cookie session (the browser streams
// it to disk), else fetched with the key into a blob first (a link cannot carry the key).
export async function download(path, filename) {
  const a = document.createElement('a');
  a.download = filename;
  let blobUrl = null;
  if (cookieSession()) {
    a.href = path;
  } else {
    let res;
    try {
      res = await fetch(path, { headers: authHeaders('GET'), credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, { detail: 'network' });
    }
    if (!res.ok) {
      const data = await res.json().catch(() => null);
      throw new ApiError(res.status, data || {});
    }
    blobUrl = URL.createObjectURL(await res.blob());
    a.href = blobUrl;
  }
  document.body.append(a);
  a.click();
  a.remove();
  if (blobUrl) setTimeout(() => URL.revokeObjectURL(blobUrl), 60000);
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
export const put = (path, body, opts = {}) => request('PUT', path, { ...opts, body });
export const del = (path, opts = {}) => request('DELETE', path, opts);

// For endpoints other work may not have added yet: the body, or null when the gateway has no
// such route (a 404 whose message code says so, in any language, or a 405). Other errors are
// thrown.
export async function optional(path, query) {
  try {
    return await get(path, query);
  } catch (e) {
    const noRoute = e instanceof ApiError && e.status === 404 &&
      (e.problem.message_code === 'http.no_route' || /^no route/.test(e.detail));
    if (e instanceof ApiError && (e.status === 405 || noRoute)) {
      return null;
    }
    throw e;
  }
}

// Every page of a list endpoint, up to `maxPages` pages (bounded on purpose).
export async function all(path, query = {}, { maxPages = 20, pageSize = 500 } = {}) {
  const items = [];
  let token = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await get(path, { ...query, page_size: pageSize, page_token: token });
    items.push(...page.items);
    token = page.next_page_token;
    if (!token) return { items, complete: true };
  }
  return { items, complete: false };
}
