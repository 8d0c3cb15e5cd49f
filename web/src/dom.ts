// A small DOM toolkit: element creation without innerHTML, and the one place where HTML from the
// server (search snippets) is turned into nodes, keeping only text and <b>.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown>;

/** Creates an element. Attributes starting with "on" are event listeners; `class`, `for`,
 *  boolean and string attributes are set as such; children are appended as nodes or text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
      } else if (key === 'value' && 'value' in el) {
        (el as unknown as { value: string }).value = String(value);
      } else if (key === 'checked' && el instanceof HTMLInputElement) {
        el.checked = Boolean(value);
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** SVG elements need their namespace. */
export function svg(tag: string, attrs: Record<string, string | number>, ...children: Child[]): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  append(el, children);
  return el;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/**
 * Turns a search snippet into nodes. The server escapes the text and adds only <b> around
 * matches, but this does not rely on it: the HTML is parsed inertly (DOMParser runs no scripts
 * and loads nothing), and only text nodes and <b> elements without attributes are rebuilt;
 * any other element contributes its text only.
 */
export function safeSnippet(html: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const out = document.createDocumentFragment();
  const copy = (from: Node, to: Node): void => {
    for (const node of Array.from(from.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(node.textContent ?? ''));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = (node as Element).tagName.toLowerCase();
        if (tag === 'b') {
          const b = document.createElement('b');
          copy(node, b);
          to.appendChild(b);
        } else if (tag !== 'script' && tag !== 'style' && tag !== 'template') {
          copy(node, to);
        }
      }
    }
  };
  copy(parsed.body, out);
  return out;
}

/** A short status line: role="status" for success and progress, role="alert" for errors. */
export function notice(kind: 'error' | 'ok' | 'info' | 'warn', ...children: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // ISO-like and unambiguous across locales: 2026-11-29 10:25 UTC.
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
