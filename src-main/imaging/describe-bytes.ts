// What a file that is not an image seems to be, for "not an image" messages: its kind only, never
// its content (the first bytes of a file the user did not mean to show are not echoed back).
const KINDS: [RegExp, string][] = [
  [/^%PDF/, 'a PDF document'],
  [/^PK\x03\x04/, 'a ZIP archive (or an Office document)'],
  [/^\s*<(!doctype html|html)/i, 'an HTML page'],
  [/^\s*<\?xml/i, 'an XML file'],
  [/^\s*[{[]/, 'JSON or similar text'],
  [/^GIF8/, 'a GIF image (not supported)'],
  [/^RIFF....WEBP/s, 'a WebP image (not supported)'],
];

export function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 64);
  const text = String.fromCharCode(...head);
  for (const [re, kind] of KINDS) if (re.test(text)) return kind;
  const printable = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80);
  return printable ? 'text' : 'binary data of an unknown kind';
}
