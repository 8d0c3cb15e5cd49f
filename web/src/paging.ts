// Paging by cursor (the records list's `after`, the audit's `before`): the hash keeps the
// cursors of the pages walked through, comma-separated and oldest first, so that a page can link
// back one step ("Previous", "Newer") or to the first page, and knows its position.

/** The cursors in the hash: `a,b,c` → ['a', 'b', 'c']. */
export function cursorStack(value: string | null): string[] {
  return (value ?? '').split(',').map((c) => c.trim()).filter(Boolean);
}

/** A hash with its query; commas are left readable, as record ids and ledger entries hold none. */
export function hashWith(path: string, params: URLSearchParams): string {
  const s = params.toString().replace(/%2C/gi, ',');
  return s ? `${path}?${s}` : path;
}
