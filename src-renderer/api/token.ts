// The loopback server hands its token to the page in the URL fragment (never sent over the
// wire). Take it once, keep it for this tab only, and clear it from the address bar so it does
// not end up in history, bookmarks or screenshots.
const KEY = 'medsapiens.token';

export function takeToken(loc: Location = window.location, store: Storage = window.sessionStorage, hist: History = window.history): string | null {
  const fromHash = new URLSearchParams(loc.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    store.setItem(KEY, fromHash);
    hist.replaceState(null, '', loc.pathname + loc.search);
    return fromHash;
  }
  return store.getItem(KEY);
}
