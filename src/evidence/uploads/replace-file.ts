import type { LoadedStandard } from '../../standards/standard-registry.ts';
import { lockApplication } from '../edit-lock.ts';
import type { Evidence } from '../evidence.entity.ts';
import { EvidenceSchema } from '../evidence.entity.ts';
import { updateEvidence } from '../evidence-writes.ts';
import type { UploadedPart } from './read-multipart.ts';
import { checkApplicationTotal, checkUploadedFile, type UploadDeps } from './upload-files.ts';

/**
 * Gives a file item a new file as its next revision: the file is checked as any
 * upload is, and a larger file counts against APPLICATION_MAX_BYTES by the size it adds.
 */
export async function replaceEvidenceFile(deps: UploadDeps, applicationId: string, evidenceId: string, authorId: string, standard: LoadedStandard, part: UploadedPart): Promise<Evidence> {
  const file = await checkUploadedFile(part, deps.config.imageMaxPixels);

  return deps.em.transactional(async (tx) => {
    await lockApplication(tx, applicationId);
    const current = await tx.findOne(EvidenceSchema, { id: evidenceId, application: applicationId, deletedAt: null });
    const adding = file.size - (current?.size ?? 0);
    if (current?.kind === 'file' && adding > 0) await checkApplicationTotal(tx, applicationId, adding, deps.config.applicationMaxBytes);

    await deps.contentStore.put(tx, file.sha256, file.bytes, file.mediaType);
    const { bytes: _bytes, ...content } = file;
    return updateEvidence(tx, applicationId, evidenceId, authorId, standard, {}, content);
  });
}
