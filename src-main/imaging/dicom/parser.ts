// dicom-parser is a UMD bundle whose named exports Node's ESM loader cannot see; load it as
// CommonJS and keep its own type declarations.
import { createRequire } from 'node:module';
import type * as DicomParser from 'dicom-parser';

const require = createRequire(import.meta.url);

export const dicomParser = require('dicom-parser') as typeof DicomParser;
export type DataSet = DicomParser.DataSet;
export type Element = DicomParser.Element;
