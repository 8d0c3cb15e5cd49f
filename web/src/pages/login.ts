// The sign-in page: account and password, posted to /api/v1/session.

import { api, ApiError, type Session } from '../api.ts';
import { h, clear, notice } from '../dom.ts';

export function renderLogin(onLogin: (s: Session) => void, reason: string | null): HTMLElement {
  const status = h('div', { class: 'login-status' });
  if (reason === 'expired') status.appendChild(notice('info', 'Your session ended. Sign in again to continue.'));
  const account = h('input', { id: 'login-account', name: 'account', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', {
    class: 'login-form',
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      submit.disabled = true;
      clear(status, notice('info', 'Signing in…'));
      try {
        const s = await api.login(account.value.trim(), password.value);
        password.value = '';
        onLogin(s);
      } catch (e) {
        password.value = '';
        clear(status, notice('error', e instanceof ApiError ? e.readable : String(e)));
        password.focus();
      } finally {
        submit.disabled = false;
      }
    },
  },
    h('label', { for: 'login-account' }, 'Account'), account,
    h('label', { for: 'login-password' }, 'Password'), password,
    submit,
  );
  return h('main', { id: 'main', class: 'login-page' },
    h('div', { class: 'login-card' },
      h('h1', null, 'Custodian'),
      h('p', { class: 'muted' }, 'Sign in to the documentation repository.'),
      form,
      status,
      h('p', { class: 'muted small' }, 'Sealed identities are shown only with identity clearance and a stated purpose, and every viewing is recorded in the ledger.'),
    ),
  );
}
