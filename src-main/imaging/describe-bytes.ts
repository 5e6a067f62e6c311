// A short, safe rendering of a file's first bytes for "not an image" messages, which helps
// tell a renamed text file, an HTML error page or an archive apart at a glance.
export function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  const printable = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  if (printable) return `text "${String.fromCharCode(...head).replace(/\s+/g, ' ').trim()}"`;
  return `bytes ${Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}
