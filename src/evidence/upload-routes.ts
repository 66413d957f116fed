import { Hono, type Context } from 'hono';

import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { withMappings } from './evidence-reads.ts';
import { isMultipart, readMultipart } from './uploads/read-multipart.ts';
import { replaceEvidenceFile } from './uploads/replace-file.ts';
import { uploadFiles } from './uploads/upload-files.ts';

const MAX_FILES_PER_REQUEST = 20;

// Runs access middleware inside a handler, so that a JSON request can fall through to the JSON route untouched.
async function checkWriter(c: Context<AppEnv>): Promise<void> {
  const pass = async () => undefined;
  await requireRole('library_staff')(c, pass);
  await loadApplication(c, pass);
}

/**
 * Builds the multipart routes: files uploaded as new items, and a new file for
 * an existing item. They read the body as a stream, so they sit beside the JSON
 * routes rather than behind their body validators.
 */
export function uploadRoutes(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const limits = { fileMaxBytes: deps.config.uploadMaxBytes, maxFiles: MAX_FILES_PER_REQUEST };

  router.post('/api/applications/:id/evidence', async (c, next) => {
    if (!isMultipart(c.req.header('content-type'))) return next();
    await checkWriter(c);

    const application = c.get('application');
    const body = await readMultipart(c.req.raw, limits);
    const standard = standardOf(deps.standards, application);
    const created = await uploadFiles({ em: c.get('em'), contentStore: deps.contentStore, config: deps.config }, application.id, c.get('person').id, standard, body.fields, body.files);

    c.get('log').info({ applicationId: application.id, evidenceIds: created.map((item) => item.id) }, 'evidence files uploaded');
    return c.json(await withMappings(c.get('em'), created), 201);
  });

  router.put('/api/applications/:id/evidence/:evidenceId/file', async (c) => {
    await checkWriter(c);
    if (!isMultipart(c.req.header('content-type'))) {
      throw new AppError('unsupported_media_type', `Content-Type "${c.req.header('content-type') ?? 'none'}" is not accepted here. Send the new file as multipart/form-data in a part named "file".`);
    }

    const application = c.get('application');
    const evidenceId = c.req.param('evidenceId');
    if (!isUuid(evidenceId)) throw AppError.notFound('evidence item', evidenceId);
    const body = await readMultipart(c.req.raw, { ...limits, maxFiles: 1 });
    const [part] = body.files;
    if (part === undefined || part.field !== 'file' || body.fields.size > 0) throw AppError.invalid('Send exactly one part named "file" and no other fields.');

    const uploadDeps = { em: c.get('em'), contentStore: deps.contentStore, config: deps.config };
    const evidence = await replaceEvidenceFile(uploadDeps, application.id, evidenceId, c.get('person').id, standardOf(deps.standards, application), part);

    c.get('log').info({ applicationId: application.id, evidenceId, revision: evidence.revision }, 'evidence file replaced');
    const [json] = await withMappings(c.get('em'), [evidence]);
    return c.json(json, 200);
  });

  return router;
}
