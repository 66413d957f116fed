import { Readable } from 'node:stream';

import busboy from 'busboy';

import { AppError } from '../../errors.ts';

export type UploadedPart = { field: string; fileName: string; declaredType: string | null; bytes: Uint8Array };
export type MultipartBody = { fields: Map<string, string>; files: UploadedPart[] };
export type MultipartLimits = { fileMaxBytes: number; maxFiles: number; fieldMaxBytes?: number };

export function isMultipart(contentType: string | undefined): boolean {
  return contentType !== undefined && /^multipart\/form-data\s*(;|$)/i.test(contentType);
}

/**
 * Reads a multipart/form-data request as it streams in. A file over
 * `fileMaxBytes` stops the read at once with a 413, so a large upload is not
 * read to its end. Malformed multipart is a 400, never a 500.
 */
export async function readMultipart(request: Request, limits: MultipartLimits): Promise<MultipartBody> {
  if (request.body === null) throw new AppError('malformed_body', 'The multipart body is empty. Send at least one part.');

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
      defParamCharset: 'utf8',
      limits: { fileSize: limits.fileMaxBytes, files: limits.maxFiles, fields: 50, fieldSize: limits.fieldMaxBytes ?? 100_000, parts: limits.maxFiles + 50 },
    });
  } catch (error) {
    throw new AppError('malformed_body', `The multipart body cannot be read (${(error as Error).message}). Send multipart/form-data with a boundary.`);
  }

  const source = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream);
  const fields = new Map<string, string>();
  const files: UploadedPart[] = [];

  return new Promise<MultipartBody>((resolve, reject) => {
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      // Stop reading: the rest of the body is never consumed.
      source.unpipe(parser);
      source.destroy();
      reject(error);
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new AppError('payload_too_large', `The field "${name}" is longer than ${limits.fieldMaxBytes ?? 100_000} bytes. Send a shorter value.`));
      else fields.set(name, value);
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => fail(new AppError('malformed_body', `The file part "${info.filename ?? name}" is malformed (${error.message}). Send valid multipart/form-data.`)));
      stream.on('limit', () =>
        fail(new AppError('payload_too_large', `The file "${info.filename ?? name}" is larger than ${limits.fileMaxBytes} bytes (UPLOAD_MAX_BYTES). Upload a smaller file, or split it.`)),
      );
      stream.on('end', () => {
        if (failed) return;
        files.push({ field: name, fileName: info.filename ?? '', declaredType: info.mimeType ?? null, bytes: new Uint8Array(Buffer.concat(chunks)) });
      });
    });
    parser.on('filesLimit', () => fail(new AppError('payload_too_large', `More than ${limits.maxFiles} files were sent in one request. Send at most ${limits.maxFiles} at a time.`)));
    parser.on('partsLimit', () => fail(new AppError('payload_too_large', 'The multipart body has too many parts. Send fewer fields and files.')));
    parser.on('error', (error: Error) => fail(new AppError('malformed_body', `The multipart body is malformed (${error.message}). Send valid multipart/form-data.`)));
    parser.on('close', () => {
      if (!failed) resolve({ fields, files });
    });
    source.on('error', (error) => fail(new AppError('malformed_body', `The request body could not be read (${error.message}).`)));
    source.pipe(parser);
  });
}
