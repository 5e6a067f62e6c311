// The PDF uses the 14 standard fonts (nothing to ship, nothing to embed), which can only show
// the Windows-1252 ("WinAnsi") characters; pdfkit prints anything else as a wrong glyph without
// complaint. So every string goes through pdfSafe: accents outside the set are dropped
// ('Ł' -> 'L' is not possible, 'ő' -> 'o' is), a few symbols get ASCII stand-ins, and the rest
// becomes '?', which at least reads as "something was here".
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

const STAND_INS: Record<string, string> = {
  '−': '-', // minus sign
  '‐': '-',
  '‑': '-',
  '≤': '<=',
  '≥': '>=',
  '≈': '~',
  '→': '->',
  '′': "'",
  '″': '"',
  'Ł': 'L',
  'ł': 'l',
  'Đ': 'D',
  'đ': 'd',
  'ı': 'i',
};

function winAnsi(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.includes(ch);
}

export function pdfSafe(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (ch === '\n') out += ch;
    else if (winAnsi(ch)) out += ch;
    else if (STAND_INS[ch] !== undefined) out += STAND_INS[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base.length > 0 && [...base].every(winAnsi) ? base : '?';
    }
  }
  return out;
}
