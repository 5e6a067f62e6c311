// The renderer's Content Security Policy: no remote content, no inline script, no eval (wasm
// codecs need 'wasm-unsafe-eval'). Sent as a header by the loopback server and written into the
// built index.html as a meta tag for Electron, which loads the page from file:// without headers.
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
