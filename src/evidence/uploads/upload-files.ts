import { createHash } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { LoadedStandard } from '../../standards/standard-registry.ts';
import { assertEditable, lockApplication } from '../edit-lock.ts';
import type { Evidence } from '../evidence.entity.ts';
import { checkMappings, insertEvidence, type FileContent, type NewEvidence } from '../evidence-writes.ts';
import { claimContradicts, detectFileType, imageSize } from '../files/detect-file-type.ts';
import { sanitiseFileName } from '../files/file-name.ts';
import type { ContentStore } from '../storage/content-store.ts';
import type { UploadedPart } from './read-multipart.ts';

export type UploadDeps = { em: EntityManager; contentStore: ContentStore; config: Pick<Config, 'applicationMaxBytes' | 'imageMaxPixels'> };
export type CheckedFile = FileContent & { bytes: Uint8Array };

const TYPE_WORDS: [RegExp, string][] = [
  [/^application\/pdf/, 'a PDF'],
  [/wordprocessingml|msword|opendocument\.text/, 'a word-processor document'],
  [/spreadsheetml|ms-excel|opendocument\.spreadsheet/, 'a spreadsheet'],
  [/presentationml|ms-powerpoint/, 'a presentation'],
  [/^image\/png/, 'a PNG image'],
  [/^image\/(jpeg|jpg|pjpeg)/, 'a JPEG image'],
  [/^text\/csv/, 'a CSV file'],
  [/^text\//, 'plain text'],
];

/** Describes a media type in words a librarian uses, and falls back to the type itself for one not listed. */
function describeType(mediaType: string | null): string {
  const found = TYPE_WORDS.find(([pattern]) => pattern.test(mediaType ?? ''));
  return found === undefined ? `of type ${mediaType}` : found[1];
}

/** Parses the `elements` form field: element codes separated by commas (or semicolons), blanks ignored. */
export function parseElementList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(/[,;]/)
    .map((code) => code.trim())
    .filter((code) => code !== '');
}

/**
 * Checks one uploaded file by its bytes: empty (400), a kind Waymark does not
 * take or a declared type the bytes contradict (415), an image over the pixel
 * limit (422). Returns its display name, hash and detected type.
 */
export async function checkUploadedFile(part: UploadedPart, imageMaxPixels: number): Promise<CheckedFile> {
  const fileName = sanitiseFileName(part.fileName);
  if (part.bytes.byteLength === 0) throw new AppError('empty_file', `The file "${fileName}" is empty. Choose the file again, or upload another.`);

  const detected = await detectFileType(part.bytes, fileName);
  if (!detected.accepted) {
    throw new AppError('unsupported_media_type', `The file "${fileName}" was not accepted: ${detected.reason}`, { detectedType: detected.detected });
  }
  // The multipart standard (RFC 7578) makes text/plain the type of a part without a Content-Type, and busboy
  // reports it that way, so text/plain counts as no claim. The detected type is the one stored and served.
  const claim = part.declaredType !== null && /^text\/plain\s*(;|$)/i.test(part.declaredType) ? null : part.declaredType;
  if (claimContradicts(claim, detected)) {
    throw new AppError(
      'unsupported_media_type',
      `The file "${fileName}" is not really ${describeType(claim)}: its content is ${describeType(detected.mediaType)}. Save it again in its real format, or upload it under its real name.`,
      { detectedType: detected.mediaType },
    );
  }

  if (detected.kind === 'png' || detected.kind === 'jpeg') {
    const size = imageSize(part.bytes, detected.kind);
    if (size === null) throw AppError.invalid(`The image "${fileName}" has no readable size. Save it again and upload the new file.`);
    if (size.width * size.height > imageMaxPixels) {
      throw AppError.invalid(`The image "${fileName}" is ${size.width}×${size.height} pixels, more than the ${imageMaxPixels} pixels allowed (IMAGE_MAX_PIXELS). Scale it down and upload it again.`);
    }
  }

  const sha256 = createHash('sha256').update(part.bytes).digest('hex');
  return { fileName, sha256, size: part.bytes.byteLength, mediaType: detected.mediaType, bytes: part.bytes };
}

/** Rejects (413) files that would take an application's stored evidence past APPLICATION_MAX_BYTES. */
export async function checkApplicationTotal(em: EntityManager, applicationId: string, adding: number, applicationMaxBytes: number): Promise<void> {
  const rows = await em
    .getConnection()
    .execute<{ total: string | number | null }[]>("select coalesce(sum(size), 0) as total from evidence where application_id = ? and kind = 'file' and deleted_at is null", [applicationId], 'all', em.getTransactionContext());
  const total = Number(rows[0]?.total ?? 0);
  if (total + adding > applicationMaxBytes) {
    throw new AppError(
      'payload_too_large',
      `Application ${applicationId} holds ${total} bytes of files; ${adding} more would pass the ${applicationMaxBytes} bytes allowed (APPLICATION_MAX_BYTES). Delete files that are no longer needed, or upload smaller ones.`,
    );
  }
}

/**
 * Stores each uploaded file as its own evidence item, all or none: every file is
 * checked before anything is written, and the items, content and revisions are
 * written in one transaction.
 */
export async function uploadFiles(deps: UploadDeps, applicationId: string, authorId: string, standard: LoadedStandard, fields: Map<string, string>, parts: UploadedPart[]): Promise<Evidence[]> {
  const strays = parts.filter((part) => part.field !== 'file').map((part) => part.field);
  if (strays.length > 0) throw AppError.invalid(`Unknown file field "${strays[0]}": send files in parts named "file".`);
  if (parts.length === 0) throw AppError.invalid('No file was sent: add one or more parts named "file".');
  const unknownFields = [...fields.keys()].filter((name) => name !== 'title' && name !== 'elements');
  if (unknownFields.length > 0) throw AppError.invalid(`Unknown field "${unknownFields[0]}": the fields are title and elements.`);

  const elements = parseElementList(fields.get('elements')).map((code) => ({ code }));
  checkMappings(standard, elements);
  const title = fields.get('title')?.trim() ?? '';
  if (title.length > 500) throw AppError.invalid('title is longer than 500 characters. Shorten it.');

  const files: CheckedFile[] = [];
  for (const part of parts) files.push(await checkUploadedFile(part, deps.config.imageMaxPixels));

  return deps.em.transactional(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    assertEditable(application);
    await checkApplicationTotal(tx, applicationId, files.reduce((sum, file) => sum + file.size, 0), deps.config.applicationMaxBytes);

    const inputs: NewEvidence[] = [];
    for (const file of files) {
      await deps.contentStore.put(tx, file.sha256, file.bytes, file.mediaType);
      const itemTitle = title === '' ? file.fileName : files.length > 1 ? `${title}: ${file.fileName}` : title;
      inputs.push({ kind: 'file', title: itemTitle, file: { fileName: file.fileName, sha256: file.sha256, size: file.size, mediaType: file.mediaType }, elements });
    }
    return insertEvidence(tx, applicationId, authorId, inputs);
  });
}
