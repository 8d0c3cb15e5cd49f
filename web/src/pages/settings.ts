// Settings (#/settings): the verifier key this browser trusts for this server. Verify checks a
// proof's checkpoint signature against it; without one, Verify uses the key sent along with the
// proof and says that this proves nothing on its own. The key is kept in localStorage (this
// browser, this server's origin), never sent anywhere.

import { api } from '../api.ts';
import { h, clear, notice } from '../dom.ts';
import { trustedKey, setTrustedKey, forgetTrustedKey } from '../trust.ts';
import type { PageContext } from '../main.ts';

export async function renderSettings(main: HTMLElement, ctx: PageContext): Promise<void> {
  const state = h('div', { 'data-testid': 'trusted-key-state' });
  const status = h('div', { class: 'settings-status', 'data-testid': 'trusted-key-status', 'aria-live': 'polite' });
  const serverArea = h('div');
  const input = h('input', { id: 'trusted-key', class: 'mono', size: 90, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'custodian/…+xxxxxxxx+…', 'aria-describedby': 'trusted-key-help' });
  let serverKey: string | undefined;

  const showState = () => {
    const key = trustedKey();
    clear(state, key
      ? notice('ok', 'Verify checks proofs against the key you trust: ', h('code', { class: 'break', 'data-testid': 'trusted-key-current' }, key))
      : notice('warn', 'No key is set: Verify checks each proof against the key the server sends with it, which shows the proof is consistent but not that it comes from your repository.'));
    if (key && serverKey && serverKey !== key) {
      state.appendChild(notice('error', 'This server sends another key than the one you trust: proofs from it will fail Verify. Check which key your organisation published.'));
    }
  };

  const form = h('form', {
    class: 'settings-form',
    novalidate: true,
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) {
        clear(status, notice('error', 'Paste the verifier key first.'));
        input.focus();
        return;
      }
      try {
        const key = await setTrustedKey(text);
        clear(status, notice('ok', `Saved. Verify now trusts ${key.name} (key id ${text.split('+')[1]}).`));
        input.value = '';
      } catch (e) {
        clear(status, notice('error', `Not saved: ${e instanceof Error ? e.message : String(e)}. A verifier key is one line: name+keyid+key, as custodian key prints it.`));
        input.focus();
      }
      showState();
    },
  },
    h('label', { for: 'trusted-key' }, 'Verifier key'),
    input,
    h('p', { id: 'trusted-key-help', class: 'muted small' },
      'One line, as ', h('code', null, 'custodian key'), ' prints it and as your organisation published it: the log\'s name, the key id and the Ed25519 key, joined by +.'),
    h('div', { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-trusted-key' }, 'Trust this key'),
      h('button', { type: 'button', 'data-testid': 'forget-trusted-key', onclick: () => {
        forgetTrustedKey();
        clear(status, notice('info', 'Forgotten. Verify uses the key sent with each proof again.'));
        showState();
      } }, 'Forget the key')));

  clear(main, h('h1', { tabindex: '-1' }, 'Settings'),
    h('section', { 'aria-labelledby': 'trust-h', class: 'panel' },
      h('h2', { id: 'trust-h' }, 'Trusted verifier key'),
      h('p', null, 'Verify checks in this browser that a ledger entry is in the ledger a checkpoint signs. Whose signature counts is up to you: paste the repository\'s verifier key as your organisation published it (the CLI prints it with ', h('code', null, 'custodian key'),
        '). It is kept in this browser only, for this server.'),
      state, form, status, serverArea));
  showState();

  try {
    serverKey = (await api.checkpoints()).verifier_key;
  } catch {
    return; // this account may not read checkpoints: nothing to compare with
  }
  if (!ctx.alive()) return;
  showState();
  clear(serverArea, h('details', null, h('summary', null, 'The key this server sends'),
    h('p', { class: 'muted small' }, 'For comparison with the published key. Trusting it because the server says so would prove nothing.'),
    h('code', { class: 'break', 'data-testid': 'server-key' }, serverKey)));
}
