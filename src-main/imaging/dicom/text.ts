// Decodes DICOM text values in the file's declared character set. dicom-parser reads bytes as
// Latin-1, which garbles UTF-8 names (common in non-English clinics).

// (0008,0005) defined terms → WHATWG encoding labels understood by TextDecoder.
const CHARSETS: Record<string, string> = {
  ISO_IR_6: 'latin1',
  ISO_IR_100: 'latin1',
  ISO_IR_101: 'iso-8859-2',
  ISO_IR_109: 'iso-8859-3',
  ISO_IR_110: 'iso-8859-4',
  ISO_IR_144: 'iso-8859-5',
  ISO_IR_127: 'iso-8859-6',
  ISO_IR_126: 'iso-8859-7',
  ISO_IR_138: 'iso-8859-8',
  ISO_IR_148: 'iso-8859-9',
  ISO_IR_203: 'iso-8859-15',
  ISO_IR_166: 'windows-874',
  ISO_IR_13: 'shift_jis',
  ISO_IR_192: 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/** A TextDecoder for the (first) value of SpecificCharacterSet; Latin-1 when absent or unknown. */
export function decoderFor(specificCharacterSet: string | undefined): TextDecoder {
  const terms = (specificCharacterSet ?? '').split('\\').map((t) => t.trim().replace(/^ISO 2022 /, '').replace(/ /g, '_'));
  // With code extensions the first term is the default repertoire; a later UTF-8 term wins.
  const label = terms.includes('ISO_IR_192') ? 'utf-8' : (CHARSETS[terms.find((t) => t.length > 0) ?? ''] ?? 'latin1');
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('latin1');
  }
}

/** Strips the padding DICOM uses (trailing spaces and NULs) and maps empty to undefined. */
export function cleanText(text: string | undefined): string | undefined {
  const t = text?.replace(/[\s\0]+$/u, '').replace(/^\s+/u, '');
  return t ? t : undefined;
}
