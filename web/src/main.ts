// The web app's entry: the session, the top bar and the hash router. Each page renders into
// <main> and is given `alive()`, which turns false once the user has moved on, so that a slow
// answer never draws over the next page.

import './style.css';
import { api, ApiError, setUnauthenticatedHandler, type Session } from './api.ts';
import { h, clear, notice } from './dom.ts';
import { renderLogin } from './pages/login.ts';
import { renderDashboard } from './pages/dashboard.ts';
import { renderSearch } from './pages/search.ts';
import { renderRecord } from './pages/record.ts';
import { renderBrowse } from './pages/browse.ts';
import { renderTestimony } from './pages/testimony.ts';
import { renderLink } from './pages/link.ts';
import { renderNew } from './pages/new.ts';
import { renderAudit } from './pages/audit.ts';
import { renderSettings } from './pages/settings.ts';
import { AUDITORS, mayWrite, forgetSchema } from './schema.ts';

export interface PageContext {
  session: Session;
  params: URLSearchParams;
  /** The path after the page's name: the record id for #/record/ID. */
  rest: string;
  alive: () => boolean;
  navigate: (hash: string) => void;
}

type Page = (main: HTMLElement, ctx: PageContext) => void | Promise<void>;

const PAGES: Record<string, { page: Page; title: string }> = {
  '': { page: renderDashboard, title: 'Dashboard' },
  search: { page: renderSearch, title: 'Search' },
  record: { page: renderRecord, title: 'Record' },
  browse: { page: renderBrowse, title: 'Browse' },
  testimony: { page: renderTestimony, title: 'Record a testimony' },
  link: { page: renderLink, title: 'Linking' },
  new: { page: renderNew, title: 'New claim or dossier' },
  audit: { page: renderAudit, title: 'Access audit' },
  settings: { page: renderSettings, title: 'Settings' },
  // The map and its outlines are a chunk of their own, loaded when the page is first opened.
  map: { page: (main, ctx) => import('./pages/map.ts').then((m) => m.renderMap(main, ctx)), title: 'Map' },
};

/** The top bar's links; `show` leaves out a link that the account's role could not use. */
const NAV: { href: string; label: string; show?: (s: Session) => boolean }[] = [
  { href: '#/', label: 'Dashboard' },
  { href: '#/search', label: 'Search' },
  { href: '#/browse?kind=act', label: 'Browse' },
  { href: '#/map', label: 'Map' },
  { href: '#/testimony', label: 'Record a testimony' },
  { href: '#/new/claim', label: 'New claim', show: (s) => mayWrite(s.role, 'claim') },
  { href: '#/link', label: 'Linking' },
  { href: '#/audit', label: 'Audit', show: (s) => AUDITORS.has(s.role) },
];

/** Roles that may add records (user guide, permission matrix). */
export const WRITERS = new Set(['admin', 'investigator']);
/** Roles that may sign checkpoints. */
export const SIGNERS = new Set(['admin', 'legal_officer']);
/** Roles that may reveal, given clearance. */
export const REVEALERS = new Set(['admin', 'investigator', 'legal_officer']);

const app = document.getElementById('app') as HTMLElement;
let session: Session | null = null;
let generation = 0;

function parseHash(): { name: string; rest: string; params: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?', 2);
  const [name, ...rest] = path.split('/');
  return { name, rest: rest.map(decodeURIComponent).join('/'), params: new URLSearchParams(query) };
}

function navigate(hash: string): void {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

function topBar(s: Session, current: string): HTMLElement {
  const logout = h('button', { type: 'button', class: 'link-button', onclick: () => void signOut() }, 'Sign out');
  return h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' }, 'Custodian'),
    h('nav', { 'aria-label': 'Main' },
      h('ul', null, NAV.filter((item) => !item.show || item.show(s)).map(({ href, label }) => {
        const name = href.replace(/^#\/?/, '').split(/[/?]/)[0];
        return h('li', null, h('a', { href, 'aria-current': name === current ? 'page' : undefined }, label));
      })),
    ),
    h('div', { class: 'who' },
      h('span', { class: 'account', 'data-testid': 'account' }, s.account),
      h('span', { class: 'role' }, s.role),
      s.clearance ? h('span', { class: 'badge badge-clearance', title: 'This account may see sealed identities, with a purpose' }, 'identity clearance') : null,
      h('a', { href: '#/settings', 'aria-current': current === 'settings' ? 'page' : undefined }, 'Settings'),
      logout,
    ),
  );
}

async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch {
    // The session may already be gone; either way, show the login page.
  }
  session = null;
  forgetSchema();
  location.hash = '#/login';
  void route();
}

async function route(): Promise<void> {
  const my = ++generation;
  const alive = () => my === generation;
  const { name, rest, params } = parseHash();

  if (!session) {
    try {
      session = await api.session();
      // A session without its CSRF token (signed in from another tab) could read but not
      // write, so this tab signs in again; the other tab's session is left alone.
      if (!api.hasCsrf()) session = null;
    } catch {
      session = null;
    }
    if (!alive()) return;
  }

  if (!session || name === 'login') {
    if (session && name === 'login') {
      navigate('#/');
      return;
    }
    document.title = 'Sign in · Custodian';
    clear(app, renderLogin(async (s) => {
      session = s;
      const back = params.get('next');
      navigate(back && back.startsWith('#/') && !back.startsWith('#/login') ? back : '#/');
    }, name === 'login' ? params.get('reason') : null));
    return;
  }

  const entry = PAGES[name];
  const main = h('main', { id: 'main', tabindex: '-1' });
  clear(app, topBar(session, name), main);
  if (!entry) {
    clear(main, h('h1', null, 'Not found'), notice('error', `There is no page '${name}'. `, h('a', { href: '#/' }, 'Go to the dashboard')));
    return;
  }
  document.title = `${entry.title} · Custodian`;
  try {
    await entry.page(main, { session, params, rest, alive, navigate });
  } catch (e) {
    if (!alive()) return;
    main.appendChild(notice('error', e instanceof ApiError ? e.readable : `Something went wrong: ${String(e)}`));
  }
}

setUnauthenticatedHandler(() => {
  if (!session) return;
  session = null;
  const next = location.hash;
  location.hash = `#/login?reason=expired&next=${encodeURIComponent(next)}`;
});

window.addEventListener('hashchange', () => {
  void route().then(() => document.getElementById('main')?.focus({ preventScroll: true }));
});
void route();
