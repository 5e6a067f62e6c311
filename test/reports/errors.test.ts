// Requests a report cannot serve fail early as typed AppErrors, through createReport, the case
// service and the API handler alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src-shared/errors.js';
import { createReport, createReportHandler, reportForCase } from '../../src-main/reports/index.js';
import { buildRealCase, isbiImage } from './helpers.js';

const isAppError = (code: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AppError, `an AppError, got ${String(e)}`);
  assert.equal(e.code, code);
  if (message) assert.match(e.message, message);
  return true;
};

test('a case without landmarks: bad_request saying to detect or place them', async (t) => {
  const c = await buildRealCase(t, { landmarks: false });
  const detail = c.store.getCase(c.imageId);
  assert.equal(detail.landmarks, null);
  for (const format of ['pdf', 'csv', 'json'] as const) {
    await assert.rejects(
      createReport({ case: detail, image: c.image, analyses: ['steiner'], format, anonymise: false, model: null }),
      isAppError('bad_request', /has no landmarks: detect or place them/),
    );
  }
  // the case service refuses before it decodes the image
  let loads = 0;
  const library = { load: async () => (loads++, isbiImage()) };
  await assert.rejects(reportForCase({ store: c.store, library }, { imageId: c.imageId, analyses: ['steiner'], format: 'pdf' }), isAppError('bad_request', /no landmarks/));
  assert.equal(loads, 0);
});

test('an unknown analysis id, or none: bad_request listing the known ones', async (t) => {
  const c = await buildRealCase(t);
  const detail = c.store.getCase(c.imageId);
  const base = { case: detail, image: c.image, format: 'pdf' as const, anonymise: false, model: null };
  await assert.rejects(createReport({ ...base, analyses: ['steiner', 'nope'] }), (e: unknown) => {
    isAppError('bad_request', /unknown analysis 'nope'/)(e);
    assert.ok(((e as AppError).detail!.known as string[]).includes('downs'));
    return true;
  });
  await assert.rejects(createReport({ ...base, analyses: [] }), isAppError('bad_request'));
  await assert.rejects(createReport({ ...base, analyses: ['toString'] }), isAppError('bad_request'), 'not fooled by Object.prototype');
  await assert.rejects(createReport({ ...base, analyses: ['steiner'], format: 'docx' as never }), isAppError('bad_request', /format/));
});

test("the 'reports.create' handler: base64 report, validated request, store errors passed on", async (t) => {
  const c = await buildRealCase(t);
  const handler = createReportHandler({ store: c.store, library: { load: () => isbiImage() } });
  const r = await handler({ imageId: c.imageId, analyses: ['steiner'], format: 'csv' });
  assert.equal(r.mimeType, 'text/csv; charset=utf-8');
  const csv = Buffer.from(r.dataBase64, 'base64').toString('utf8');
  assert.ok(csv.includes('case,patient_name,Jane Testpatient'));

  const pdf = await handler({ imageId: c.imageId, analyses: ['steiner', 'tweed'], format: 'pdf', anonymise: true });
  assert.match(pdf.fileName, /^ceph-report_anon_/);
  assert.equal(Buffer.from(pdf.dataBase64, 'base64').subarray(0, 5).toString('latin1'), '%PDF-');

  await assert.rejects(handler({ imageId: c.imageId, analyses: [], format: 'pdf' }), isAppError('bad_request'));
  await assert.rejects(handler({ imageId: c.imageId, analyses: ['steiner'], format: 'xml' as never }), isAppError('bad_request'));
  await assert.rejects(handler({ imageId: c.imageId, analyses: ['bogus'], format: 'json' }), isAppError('bad_request', /bogus/));
  await assert.rejects(handler({ imageId: 9999, analyses: ['steiner'], format: 'json' }), isAppError('not_found'));
});
