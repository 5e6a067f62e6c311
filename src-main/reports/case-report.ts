// Reports for a case in the database: what the API's 'reports.create' and the CLI both call.
// Loads the case and (for a PDF only) its image from the app's image library, and reports the
// model recorded with the case's current landmark set (none when the set has no model output).
import { API, type ApiRequest, type ApiResponse } from '../../src-shared/api/contract.js';
import { AppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { ImageLibrary } from '../services/image-library.js';
import { type CreatedReport, createReport } from './create-report.js';
import type { ReportFormat } from './file-name.js';
import { checkAnalysisIds, requireLandmarks } from './report-data.js';
import type { DatePrecision } from './anonymise.js';

export interface CaseReportRequest {
  imageId: number;
  analyses: string[];
  format: ReportFormat;
  anonymise?: boolean;
  anonymiseDates?: DatePrecision;
  normSet?: string;
  generatedAt?: Date;
}

export interface CaseReportDeps {
  store: CaseStore;
  library: Pick<ImageLibrary, 'load'>;
}

export async function reportForCase(deps: CaseReportDeps, req: CaseReportRequest): Promise<CreatedReport> {
  const c = deps.store.getCase(req.imageId);
  // refuse bad requests before decoding a large image
  checkAnalysisIds(req.analyses);
  const { set, modelPoints } = requireLandmarks(c);
  const image = req.format === 'pdf' ? await deps.library.load(c.image.sha256, c.image.sourcePath) : undefined;
  return createReport({
    case: c,
    image,
    analyses: req.analyses,
    format: req.format,
    anonymise: req.anonymise ?? false,
    anonymiseDates: req.anonymiseDates,
    // a set traced entirely by hand has no model output: no model is named for it
    model: modelPoints.length > 0 ? { name: set.modelName, version: set.modelVersion } : null,
    normSet: req.normSet,
    generatedAt: req.generatedAt,
  });
}

export type ReportHandler = (req: ApiRequest<'reports.create'>) => Promise<ApiResponse<'reports.create'>>;

/** The implementation of the API's 'reports.create', for HandlerDeps.createReport. */
export function createReportHandler(app: CaseReportDeps): ReportHandler {
  return async (req) => {
    const parsed = API['reports.create'].request.safeParse(req);
    if (!parsed.success) {
      throw new AppError('bad_request', 'invalid report request', {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      });
    }
    const r = await reportForCase(app, parsed.data);
    return { fileName: r.fileName, mimeType: r.mimeType, dataBase64: r.bytes.toString('base64') };
  };
}
