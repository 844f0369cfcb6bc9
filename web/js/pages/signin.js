// Sign-in: with an email and password (POST /api/v1/session: an HttpOnly cookie plus a CSRF
// token), or with an org's API key (checked with GET /api/v1/session). Either way the session
// tells the portal the caller's org and role.
import * as api from '../api.js';
import { t } from '../i18n.js';
import { h, field, showError, showFieldErrors, clearErrors } from '../ui.js';

export function render(root, { onSignedIn }) {
  const reason = sessionStorage.getItem('suanwang.signed_out_reason');
  sessionStorage.removeItem('suanwang.signed_out_reason');

  // Email and password.
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password' });
  const pwSubmit = h('button.primary', { type: 'submit' }, t('signin.submit'));
  const pwForm = h('form#signin-password', { novalidate: true, 'aria-labelledby': 'signin-title' },
    field({ label: t('signin.email'), name: 'email', control: email }),
    field({ label: t('signin.password'), name: 'password', control: password }),
    h('div.actions', pwSubmit));
  pwForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(pwForm);
    // Both fields checked at once, before anything is sent.
    const errs = [];
    const address = email.value.trim();
    if (!address) errs.push({ field: 'email', message: t('signin.email_missing') });
    else if (!/^[^@\s]+@[^@\s]+$/.test(address)) errs.push({ field: 'email', message: t('signin.email_invalid') });
    if (!password.value) errs.push({ field: 'password', message: t('signin.password_missing') });
    if (errs.length) return showFieldErrors(pwForm, errs);
    pwSubmit.disabled = true;
    try {
      const session = await api.signInWithPassword(email.value.trim(), password.value);
      onSignedIn(session);
    } catch (e) {
      const err = e.status === 401 ? new api.ApiError(401, { detail: t('signin.password_rejected'), field: 'password' }) : e;
      showError(pwForm, err);
    } finally {
      pwSubmit.disabled = false;
    }
  });

  // An API key.
  const key = h('input', { type: 'password', name: 'api_key', autocomplete: 'off', spellcheck: 'false' });
  const remember = h('input', { type: 'checkbox', name: 'remember' });
  const keySubmit = h('button.secondary', { type: 'submit' }, t('signin.submit_key'));
  const keyForm = h('form#signin-key', { novalidate: true, 'aria-labelledby': 'signin-key-title' },
    h('h2#signin-key-title.or', t('signin.or_key')),
    field({ label: t('signin.key'), name: 'api_key', control: key, hint: t('signin.key_hint') }),
    h('label.choice.plain', remember, h('span', t('signin.remember'))),
    h('div.actions', keySubmit));
  keyForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(keyForm);
    const value = key.value.trim();
    if (!value) return showError(keyForm, new api.ApiError(400, { detail: t('signin.key_missing'), field: 'api_key' }));
    keySubmit.disabled = true;
    api.setKey(value, remember.checked);
    try {
      onSignedIn(await api.get('/api/v1/session'));
    } catch (e) {
      api.forgetCredentials();
      const err = e.status === 401 ? new api.ApiError(401, { detail: t('signin.rejected'), field: 'api_key' }) : e;
      showError(keyForm, err);
    } finally {
      keySubmit.disabled = false;
    }
  });

  root.append(h('div.signin-wrap',
    h('div.card.signin',
      h('h1#signin-title', t('signin.title')),
      reason ? h('div.form-error', { role: 'alert' }, t('signin.expired')) : null,
      pwForm, keyForm),
    h('aside.signin-about', h('h2', t('signin.about_title')), h('p', t('signin.about')),
      h('p.muted.small', t('signin.demo_hint')))));
  email.focus();
}
