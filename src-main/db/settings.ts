// The app's own settings, kept in the case database so they travel with it and survive a crash
// like everything else there. Each key has a schema: a value is checked when written and again
// when read back, and a value that no longer parses (a file written by a newer version) reads as
// unset rather than as something the app cannot use.
import { z } from 'zod';
import { DicomReceiverConfigSchema, PacsConfigSchema } from '../../src-shared/api/contract.js';
import { AppError } from '../../src-shared/errors.js';
import type { Db } from './open.js';
import { parseInput } from './inputs.js';

export const SETTINGS = {
  /** the folder an X-ray device writes into, watched while the app runs */
  'watch.folder': z.string().min(1),
  /** the clinic model in use (a folder name under clinic-models/ beside the database); unset: the shipped model */
  'clinic.model': z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** the DICOM receiver's setup (storage SCP) */
  'dicom.receiver': DicomReceiverConfigSchema,
  /** the PACS: query, retrieve, and where results are sent */
  'dicom.pacs': PacsConfigSchema,
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;

const SettingRow = z.object({ value: z.string() });

function schemaOf(key: string): z.ZodType {
  const s = (SETTINGS as Record<string, z.ZodType>)[key];
  if (!s) throw new AppError('bad_request', `unknown setting ${JSON.stringify(key)}`);
  return s;
}

export function createSettingsRepository(db: Db, now: () => Date) {
  const q = {
    get: db.prepare('SELECT value FROM settings WHERE key = ?'),
    put: db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    remove: db.prepare('DELETE FROM settings WHERE key = ?'),
  };
  return {
    get<K extends SettingKey>(key: K): SettingValue<K> | null {
      const schema = schemaOf(key);
      const row = q.get.get(key);
      if (row === undefined) return null;
      // the column is CHECK (json_valid(value)): what is stored always parses as JSON
      const r = schema.safeParse(JSON.parse(SettingRow.parse(row).value));
      return r.success ? (r.data as SettingValue<K>) : null;
    },
    /** null clears the setting */
    set<K extends SettingKey>(key: K, value: SettingValue<K> | null): void {
      const schema = schemaOf(key);
      if (value === null) {
        q.remove.run(key);
        return;
      }
      const checked = parseInput(schema, value, `setting ${key}`);
      q.put.run(key, JSON.stringify(checked), now().toISOString());
    },
  };
}
