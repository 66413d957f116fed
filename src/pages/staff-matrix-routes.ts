import { Hono, type Context } from 'hono';

import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { exportCsv, exportXlsx } from '../evidence/matrix/export-matrix.ts';
import { readMatrixRows } from '../evidence/matrix/export-rows.ts';
import { importMatrix, type ImportReport } from '../evidence/matrix/import-matrix.ts';
import type { MatrixError } from '../evidence/matrix/matrix-types.ts';
import { readMultipart } from '../evidence/uploads/read-multipart.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { checkFormPost } from './csrf.ts';
import { requireSignIn } from './page-session.ts';
import { stateInWords } from './page-templates.ts';
import { errorMessage, loadStaffApplication, showStaffPage } from './staff-access.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type MatrixPageState = { message?: unknown; report?: ImportReport | null; rowErrors?: MatrixError[]; fileError?: string | null };

/** Builds the evidence-matrix page: import with a dry run, and the CSV and XLSX exports. */
export function staffMatrixPages(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const staff = requireSignIn('library_staff');

  const showMatrix = (c: Context<AppEnv>, state: MatrixPageState = {}, status = 200) => {
    const application = c.get('application');
    const standard = standardOf(deps.standards, application);
    const report = state.report ?? null;
    const view = {
      application: { id: application.id, standardTitle: standard.title, state: stateInWords(application.state) },
      report: report === null ? null : { rows: report.rows, created: report.created, columns: report.columns.map((column) => ({ column: column.column, field: column.field ?? 'Ignored' })) },
      rowErrors: state.rowErrors ?? [],
      hasRowErrors: (state.rowErrors ?? []).length > 0,
      fileError: state.fileError ?? null,
      ...(state.message === undefined ? {} : { message: state.message }),
    };
    return showStaffPage(c, 'staff-matrix', `Evidence matrix: ${standard.title}`, view, status);
  };

  router.get('/applications/:id/matrix', staff, loadStaffApplication, (c) => showMatrix(c));

  router.post('/applications/:id/matrix', staff, loadStaffApplication, async (c) => {
    const body = await readMultipart(c.req.raw, { fileMaxBytes: deps.config.uploadMaxBytes, maxFiles: 1 });
    checkFormPost(c, body.fields.get('_csrf'), c.get('pageSession').csrfToken);

    const dryRun = body.fields.get('mode') !== 'import';
    const part = body.files.find((file) => file.field === 'file' && !(file.fileName === '' && file.bytes.byteLength === 0));
    if (part === undefined) {
      c.get('log').info({ applicationId: c.get('application').id }, 'evidence matrix form sent without a file');
      return showMatrix(c, { fileError: 'Choose the evidence matrix file (CSV or XLSX).' }, 422);
    }

    const application = c.get('application');
    let report: ImportReport;
    try {
      report = await importMatrix(c.get('em'), application.id, c.get('person').id, standardOf(deps.standards, application), part, dryRun);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      c.get('log').info({ applicationId: application.id, code: error.code, dryRun }, 'evidence matrix rejected');
      // An invalid matrix is rejected with the whole report, whose row errors the page lists as a table.
      const rowErrors = Array.isArray(error.extra.errors) ? (error.extra.errors as MatrixError[]) : [];
      return showMatrix(c, { message: errorMessage(error), rowErrors }, error.status);
    }

    c.get('log').info({ applicationId: application.id, rows: report.rows, created: report.created, dryRun }, 'evidence matrix imported');
    if (!dryRun) return c.redirect(`/applications/${application.id}/matrix?done=matrix-imported`, 303);
    // A dry run changes nothing, so its report is shown at once rather than after a redirect.
    const text = `The check found no problems: ${report.created} evidence item${report.created === 1 ? '' : 's'} would be imported. Choose “Import” to add them.`;
    return showMatrix(c, { report, message: { kind: 'success', text } });
  });

  router.get('/applications/:id/matrix.csv', staff, loadStaffApplication, async (c) => {
    const { items } = await readMatrixRows(c.get('em'), c.get('application').id);
    return c.body(exportCsv(items), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="evidence-matrix.csv"' });
  });

  router.get('/applications/:id/matrix.xlsx', staff, loadStaffApplication, async (c) => {
    const { items, assessments } = await readMatrixRows(c.get('em'), c.get('application').id);
    const bytes = await exportXlsx(items, assessments);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': XLSX_TYPE, 'content-disposition': 'attachment; filename="evidence-matrix.xlsx"' });
  });

  return router;
}
