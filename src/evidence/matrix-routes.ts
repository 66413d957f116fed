import { Hono } from 'hono';

import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { exportCsv, exportXlsx } from './matrix/export-matrix.ts';
import { readMatrixRows } from './matrix/export-rows.ts';
import { importMatrix } from './matrix/import-matrix.ts';
import { isMultipart, readMultipart } from './uploads/read-multipart.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Evidence-matrix import (multipart, read as a stream) and its CSV and XLSX exports. */
export function matrixRoutes(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const readers = [requireRole('library_staff', 'mentor', 'quality_group'), loadApplication] as const;

  router.post('/api/applications/:id/evidence-matrix', requireRole('library_staff'), loadApplication, async (c) => {
    if (!isMultipart(c.req.header('content-type'))) {
      throw new AppError('unsupported_media_type', `Content-Type "${c.req.header('content-type') ?? 'none'}" is not accepted here. Send the matrix as multipart/form-data in a part named "file".`);
    }
    const dryRunParam = c.req.query('dryRun');
    if (dryRunParam !== undefined && dryRunParam !== 'true' && dryRunParam !== 'false') throw AppError.invalid(`dryRun "${dryRunParam}" is invalid: use true or false.`);

    const application = c.get('application');
    const body = await readMultipart(c.req.raw, { fileMaxBytes: deps.config.uploadMaxBytes, maxFiles: 1 });
    const [part] = body.files;
    if (part === undefined || part.field !== 'file' || body.fields.size > 0) throw AppError.invalid('Send exactly one part named "file" holding the CSV or XLSX matrix, and no other fields.');

    // An invalid matrix is a 422 problem that carries the whole report: rows, created (0), errors and columns.
    const report = await importMatrix(c.get('em'), application.id, c.get('person').id, standardOf(deps.standards, application), part, dryRunParam === 'true');
    c.get('log').info({ applicationId: application.id, rows: report.rows, created: report.created, dryRun: dryRunParam === 'true' }, 'evidence matrix imported');
    return c.json(report, 200);
  });

  router.get('/api/applications/:id/evidence-matrix.csv', ...readers, async (c) => {
    const { items } = await readMatrixRows(c.get('em'), c.get('application').id);
    return c.body(exportCsv(items), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="evidence-matrix.csv"', 'x-content-type-options': 'nosniff' });
  });

  router.get('/api/applications/:id/evidence-matrix.xlsx', ...readers, async (c) => {
    const { items, assessments } = await readMatrixRows(c.get('em'), c.get('application').id);
    const bytes = await exportXlsx(items, assessments);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': XLSX_TYPE, 'content-disposition': 'attachment; filename="evidence-matrix.xlsx"', 'x-content-type-options': 'nosniff' });
  });

  return router;
}
