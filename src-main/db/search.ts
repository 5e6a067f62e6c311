// Case search: the text folding shared by the SQL function and the query builder, and the
// translation of what a user types into LIKE patterns.

/** Name of the SQL function registered on every connection (see open.ts). */
export const FOLD_SQL_FUNCTION = 'ms_fold';

/**
 * Case- and accent-insensitive form of a name or id. SQLite's own LIKE only folds ASCII, so
 * "MÜLLER" would not find "Müller". DICOM writes names as FAMILY^GIVEN, hence '^' -> space.
 */
export function fold(s: string | null): string | null {
  if (s === null) return null;
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\^/g, ' ');
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * Dates are stored as YYYY-MM-DD. Users type them as 20210315 (DICOM), 2021-03-15, 2021/03/15,
 * 15.03.2021 (European) or partially (2021-03). Returns the ISO fragment to look for, or null
 * when the token is not date-like. '/' with the year last is ambiguous (US vs EU) and not guessed.
 */
export function dateFragment(token: string): string | null {
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(token);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(token);
  if (m) return `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  if (/^\d{4}([-/.]\d{1,2}){0,2}$/.test(token)) {
    const [y, ...rest] = token.split(/[-/.]/);
    return [y, ...rest.map((p) => p.padStart(2, '0'))].join('-');
  }
  if (/^\d{1,4}$/.test(token) || /^[\d-]+$/.test(token)) return token;
  return null;
}

export interface SearchClause {
  sql: string;
  params: Record<string, string>;
}

/**
 * Every whitespace-separated token must match the patient name, the patient id, the study
 * date or the file name, so "doe john" finds DOE^JOHN and "doe 2021" finds Doe's 2021 studies.
 */
export function buildSearch(search: string | undefined, cols: { name: string; externalId: string; studyDate: string; fileName?: string }): SearchClause {
  const tokens = (search ?? '').trim().split(/\s+/).filter(Boolean);
  const parts: string[] = [];
  const params: Record<string, string> = {};
  tokens.forEach((tok, i) => {
    params[`t${i}`] = `%${escapeLike(fold(tok) ?? '')}%`;
    const alts = [
      `${FOLD_SQL_FUNCTION}(${cols.name}) LIKE @t${i} ESCAPE '\\'`,
      `${FOLD_SQL_FUNCTION}(${cols.externalId}) LIKE @t${i} ESCAPE '\\'`,
    ];
    // images without DICOM identity (JPEG, PNG exports) are found by their file name
    if (cols.fileName) alts.push(`${FOLD_SQL_FUNCTION}(${cols.fileName}) LIKE @t${i} ESCAPE '\\'`);
    const d = dateFragment(tok);
    if (d !== null) {
      params[`d${i}`] = `%${escapeLike(d)}%`;
      alts.push(`${cols.studyDate} LIKE @d${i} ESCAPE '\\'`);
    }
    parts.push(`(${alts.join(' OR ')})`);
  });
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}
