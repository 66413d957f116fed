import { fileTypeFromBuffer } from 'file-type';
import type { FileTypeResult } from 'file-type';
import { imageSize as readImageSize } from 'image-size';

export type FileKind = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'png' | 'jpeg' | 'csv' | 'text';
/** A file whose bytes are one of the accepted kinds; `mediaType` includes the charset for text. */
export type AcceptedFile = { accepted: true; kind: FileKind; mediaType: string; extension: string; textEncoding?: 'utf-8' | 'windows-1252' };
/** A file whose bytes are not accepted. `detected` is a media type or a plain name, and `reason` is a sentence for the uploader. */
export type RejectedFile = { accepted: false; detected: string; reason: string };

type TextEncoding = 'utf-8' | 'windows-1252';
type KindInfo = { mediaType: string; extension: string; claims: readonly string[] };

// Declared types that claim nothing about the content. Some HTTP clients send binary/octet-stream in place of application/octet-stream.
const NO_CLAIM = new Set(['', 'application/octet-stream', 'binary/octet-stream']);
// Bytes cannot tell CSV from other plain text, so every text claim fits both kinds.
// Excel installs map .csv to application/vnd.ms-excel, and browsers send that.
const TEXT_CLAIMS = ['text/plain', 'text/csv', 'text/comma-separated-values', 'text/x-csv', 'text/x-comma-separated-values', 'application/csv', 'application/x-csv', 'application/vnd.ms-excel', 'text/tab-separated-values', 'text/markdown', 'text/x-markdown'];
// Office files are ZIP containers, so a ZIP claim is true of their bytes.
const ZIP_CLAIMS = ['application/zip', 'application/x-zip-compressed'];
const OOXML = 'application/vnd.openxmlformats-officedocument';

const KINDS: Record<FileKind, KindInfo> = {
  pdf: { mediaType: 'application/pdf', extension: '.pdf', claims: ['application/pdf', 'application/x-pdf', 'application/acrobat', 'text/pdf', 'text/x-pdf'] },
  docx: { mediaType: `${OOXML}.wordprocessingml.document`, extension: '.docx', claims: [`${OOXML}.wordprocessingml.document`, 'application/msword', ...ZIP_CLAIMS] },
  xlsx: { mediaType: `${OOXML}.spreadsheetml.sheet`, extension: '.xlsx', claims: [`${OOXML}.spreadsheetml.sheet`, 'application/vnd.ms-excel', 'application/excel', 'application/x-excel', 'application/x-msexcel', ...ZIP_CLAIMS] },
  pptx: { mediaType: `${OOXML}.presentationml.presentation`, extension: '.pptx', claims: [`${OOXML}.presentationml.presentation`, 'application/vnd.ms-powerpoint', ...ZIP_CLAIMS] },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', extension: '.odt', claims: ['application/vnd.oasis.opendocument.text', 'application/x-vnd.oasis.opendocument.text', ...ZIP_CLAIMS] },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', extension: '.ods', claims: ['application/vnd.oasis.opendocument.spreadsheet', 'application/x-vnd.oasis.opendocument.spreadsheet', ...ZIP_CLAIMS] },
  png: { mediaType: 'image/png', extension: '.png', claims: ['image/png', 'image/x-png', 'image/apng'] },
  jpeg: { mediaType: 'image/jpeg', extension: '.jpg', claims: ['image/jpeg', 'image/jpg', 'image/pjpeg'] },
  csv: { mediaType: 'text/csv', extension: '.csv', claims: TEXT_CLAIMS },
  text: { mediaType: 'text/plain', extension: '.txt', claims: TEXT_CLAIMS },
};

// file-type extensions of accepted binary kinds. An animated PNG (apng) is still a valid PNG.
const BINARY_KINDS = new Map<string, FileKind>([['pdf', 'pdf'], ['png', 'png'], ['apng', 'png'], ['jpg', 'jpeg'], ['docx', 'docx'], ['xlsx', 'xlsx'], ['pptx', 'pptx'], ['odt', 'odt'], ['ods', 'ods']]);
// Entries that must exist before a ZIP counts as that office kind, because file-type trusts [Content_Types].xml or `mimetype` alone.
const OFFICE_PARTS: Partial<Record<FileKind, readonly string[]>> = {
  docx: ['[content_types].xml', 'word/'],
  xlsx: ['[content_types].xml', 'xl/'],
  pptx: ['[content_types].xml', 'ppt/'],
  odt: ['mimetype', 'content.xml'],
  ods: ['mimetype', 'content.xml'],
};
const MACRO_EXTENSIONS = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'pptm', 'potm', 'ppsm']);
const ARCHIVE_EXTENSIONS = new Set(['zip', 'gz', 'tar.gz', '7z', 'rar', 'tar', 'bz2', 'xz', 'zst', 'lz', 'lz4', 'lzh', 'cab', 'ar', 'deb', 'rpm', 'Z', 'arj', 'ace', 'cpio', 'jar', 'apk', 'xpi']);
// file-type names ELF as application/x-elf, but `file --mime-type` names an ELF program application/x-executable, the better-known name.
const PROGRAMS = new Map<string, [string, string]>([
  ['exe', ['application/x-msdownload', 'A Windows program']],
  ['elf', ['application/x-executable', 'A Linux program (ELF)']],
  ['macho', ['application/x-mach-binary', 'A macOS program (Mach-O)']],
]);

const ACCEPTED_LIST = 'PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT) and spreadsheet (ODS), PNG, JPEG, CSV and plain text';
const UNKNOWN_BINARY = 'application/octet-stream (unknown binary)';
const MACRO_FILE = 'macro-enabled office file';
// Bytes undefined in Windows-1252, so text that contains them is not Windows-1252.
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
// C0 controls other than tab, LF, FF and CR, then DEL and the C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/u;
// Tab, LF, FF and CR.
const ALLOWED_C0 = new Set([0x09, 0x0a, 0x0c, 0x0d]);
const MARKUP_PREFIX_BYTES = 1024;

/** Returns the accepted kinds as a phrase for messages. */
export function describeAccepted(): string {
  return ACCEPTED_LIST;
}

/**
 * Detects the type of an uploaded file from its bytes alone. The name only
 * chooses between `csv` and `text` for plain text.
 */
export async function detectFileType(bytes: Uint8Array, fileName: string): Promise<AcceptedFile | RejectedFile> {
  if (bytes.byteLength === 0) return { accepted: false, detected: 'application/x-empty', reason: 'empty' };

  const found = await fileTypeFromBuffer(bytes);
  const kind = found === undefined ? undefined : BINARY_KINDS.get(found.ext);
  if (kind !== undefined && OFFICE_PARTS[kind] !== undefined) return checkOfficeFile(bytes, kind);
  if (kind !== undefined) return accept(kind);
  if (found !== undefined && MACRO_EXTENSIONS.has(found.ext)) return rejectMacroFile(found.mime);

  // Some file-type signatures are two printable bytes (MZ for exe, BM for bmp) that ordinary text can start with.
  // Real binary files have NUL or control bytes near the start, so bytes that pass every text check count as text.
  const text = sniffText(bytes, fileName);
  if (text !== null) return text;
  if (found !== undefined) return rejectDetected(found);
  return reject(UNKNOWN_BINARY, notAccepted('Binary data of no recognised type', 'application/octet-stream'), '');
}

/** Returns true when `declared` names a type that the detected bytes are not. Parameters and case are ignored. */
export function claimContradicts(declared: string | null | undefined, file: AcceptedFile): boolean {
  const claim = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (NO_CLAIM.has(claim)) return false;
  return !KINDS[file.kind].claims.includes(claim);
}

/**
 * Reads the pixel size of a PNG or JPEG, or returns null when the header is
 * missing, damaged or of another type.
 */
export function imageSize(bytes: Uint8Array, kind: 'png' | 'jpeg'): { width: number; height: number } | null {
  // image-size 2.1 builds DataViews on `bytes.buffer`, so on a view into a larger buffer (a pooled Buffer) it would read past the end of the file.
  const ownBuffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  let size: ReturnType<typeof readImageSize>;
  try {
    size = readImageSize(ownBuffer);
  } catch (error) {
    // image-size 2.1 raises TypeError for unknown or corrupt headers and RangeError when a read runs past the end.
    if (error instanceof TypeError || error instanceof RangeError) return null;
    throw error;
  }

  // NOTE: image-size 2.1 reads only SOF0, SOF1 and SOF2 frames, so a lossless or arithmetic-coded JPEG returns null here.
  const expectedType = kind === 'png' ? 'png' : 'jpg';
  if (size.type !== expectedType) return null;
  const { width, height } = size;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) return null;
  return { width, height };
}

function accept(kind: FileKind, textEncoding?: TextEncoding): AcceptedFile {
  const info = KINDS[kind];
  if (textEncoding === undefined) return { accepted: true, kind, mediaType: info.mediaType, extension: info.extension };
  return { accepted: true, kind, mediaType: `${info.mediaType}; charset=${textEncoding}`, extension: info.extension, textEncoding };
}

/** Builds a rejection whose reason is `sentence`, then `advice` (empty or ending in a space), then the accepted types. */
function reject(detected: string, sentence: string, advice: string): RejectedFile {
  return { accepted: false, detected, reason: `${sentence} ${advice}Accepted types are ${ACCEPTED_LIST}.` };
}

function notAccepted(what: string, mediaType: string): string {
  return `${what} (${mediaType}) is not accepted as evidence.`;
}

function rejectMacroFile(mediaType: string): RejectedFile {
  return reject(MACRO_FILE, notAccepted('A macro-enabled office file', mediaType), 'Save it without macros, as DOCX, XLSX, PPTX, ODT or ODS. ');
}

function rejectDetected(found: FileTypeResult): RejectedFile {
  const program = PROGRAMS.get(found.ext);
  if (program !== undefined) return reject(program[0], notAccepted(program[1], program[0]), '');
  if (ARCHIVE_EXTENSIONS.has(found.ext)) return reject(found.mime, notAccepted(`A ${found.ext.toUpperCase()} archive`, found.mime), 'Upload the files inside it one at a time. ');
  if (found.ext === 'cfb') {
    const what = 'An older Microsoft Office file (DOC, XLS or PPT), a password-protected office file or another Compound File Binary file';
    return reject(found.mime, notAccepted(what, found.mime), 'Save it as DOCX, XLSX or PPTX without a password. ');
  }
  return reject(found.mime, notAccepted(`A ${found.ext.toUpperCase()} file`, found.mime), '');
}

/** Accepts a ZIP that file-type named an office kind only when its entries agree and it carries no macros. */
function checkOfficeFile(bytes: Uint8Array, kind: FileKind): AcceptedFile | RejectedFile {
  const entries = listZipEntries(bytes);
  if (entries === null) return reject('application/zip', notAccepted('A damaged ZIP or office file', 'application/zip'), 'Save the file again and upload the new copy. ');
  if (entries.some(isMacroEntry)) return rejectMacroFile(`${KINDS[kind].mediaType} with macros`);

  const required = OFFICE_PARTS[kind] ?? [];
  const complete = required.every((part) => entries.some((entry) => (part.endsWith('/') ? entry.startsWith(part) : entry === part)));
  if (!complete) return reject('application/zip', notAccepted('A ZIP archive that is not a complete office file', 'application/zip'), 'Upload the files inside it one at a time. ');
  return accept(kind);
}

/** Lists the lower-case entry names from a ZIP central directory, or returns null when `readZipDirectory` does. */
function listZipEntries(bytes: Uint8Array): string[] | null {
  return readZipDirectory(bytes)?.entries.map((entry) => entry.name.toLowerCase()) ?? null;
}

/**
 * One entry of a ZIP central directory. The sizes are those the directory declares, which a crafted file can
 * falsify. A 32-bit field set to 0xFFFFFFFF is replaced by its value from the entry's ZIP64 extra field.
 */
export type ZipEntry = {
  name: string;
  /** Compression method: 0 is stored, 8 is deflate. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
};

/**
 * A ZIP central directory: its entries, where it starts and ends, the size that the end-of-central-directory
 * record declares for it, and where that record is. In a well-formed archive the directory fills exactly the
 * bytes between `directoryOffset` and `endRecordOffset`.
 */
export type ZipDirectory = {
  entries: ZipEntry[];
  directoryOffset: number;
  declaredDirectorySize: number;
  /** Offset just past the last entry read. */
  directoryEnd: number;
  endRecordOffset: number;
};

const MAX_UINT32 = 0xffffffff;
const ZIP64_EXTRA_FIELD = 0x0001;

/**
 * Reads the central directory of a ZIP archive, as many entries as the end-of-central-directory record counts.
 * Returns null when the directory is missing or truncated, when an entry's extra field runs past its end, or
 * when the end record marks a ZIP64 or multi-disk archive, whose directory this reader cannot locate.
 */
export function readZipDirectory(bytes: Uint8Array): ZipDirectory | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65535 bytes.
  const lowest = Math.max(0, bytes.byteLength - 22 - 0xffff);
  let end = -1;
  for (let offset = bytes.byteLength - 22; offset >= lowest; offset--) {
    if (view.getUint32(offset, true) === 0x06054b50) {
      end = offset;
      break;
    }
  }
  if (end < 0) return null;

  const disk = view.getUint16(end + 4, true);
  const directoryDisk = view.getUint16(end + 6, true);
  const countOnDisk = view.getUint16(end + 8, true);
  const count = view.getUint16(end + 10, true);
  const declaredDirectorySize = view.getUint32(end + 12, true);
  const directoryOffset = view.getUint32(end + 16, true);
  // 0xFFFF and 0xFFFFFFFF mean that the real value is in a ZIP64 record (ZIP readers such as JSZip then read that).
  if (disk !== 0 || directoryDisk !== 0 || countOnDisk !== count || count === 0xffff) return null;
  if (declaredDirectorySize === MAX_UINT32 || directoryOffset === MAX_UINT32) return null;

  let offset = directoryOffset;
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  for (let index = 0; index < count; index++) {
    if (offset + 46 > end || view.getUint32(offset, true) !== 0x02014b50) return null;
    const nameLength = view.getUint16(offset + 28, true);
    const extraStart = offset + 46 + nameLength;
    const extraEnd = extraStart + view.getUint16(offset + 30, true);
    const nextOffset = extraEnd + view.getUint16(offset + 32, true);
    if (nextOffset > end) return null;

    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(offset + 46, extraStart)),
      method: view.getUint16(offset + 10, true),
      compressedSize: view.getUint32(offset + 20, true),
      uncompressedSize: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    };
    if (!applyZip64Extra(view, extraStart, extraEnd, entry)) return null;
    entries.push(entry);
    offset = nextOffset;
  }
  return { entries, directoryOffset, declaredDirectorySize, directoryEnd: offset, endRecordOffset: end };
}

/**
 * Replaces each 32-bit field of `entry` set to 0xFFFFFFFF with its 64-bit value from the ZIP64 extra field
 * (id 0x0001). That field contains only the replaced values, in the order uncompressed size, compressed size,
 * local header offset, as PKWARE's APPNOTE.TXT defines it. When the field appears twice the last one counts,
 * as in JSZip 3.10. Returns false when an extra field runs past the end of the entry's extra data.
 */
function applyZip64Extra(view: DataView, start: number, end: number, entry: ZipEntry): boolean {
  let zip64: { start: number; end: number } | null = null;
  for (let field = start; field + 4 <= end; ) {
    const dataEnd = field + 4 + view.getUint16(field + 2, true);
    if (dataEnd > end) return false;
    if (view.getUint16(field, true) === ZIP64_EXTRA_FIELD) zip64 = { start: field + 4, end: dataEnd };
    field = dataEnd;
  }
  if (zip64 === null) return true;

  let value = zip64.start;
  for (const key of ['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const) {
    if (entry[key] !== MAX_UINT32 || value + 8 > zip64.end) continue;
    entry[key] = Number(view.getBigUint64(value, true));
    value += 8;
  }
  return true;
}

/**
 * Matches entries that hold macros: VBA projects and Excel 4.0 macro sheets
 * in OOXML, and Basic modules or scripts in OpenDocument.
 */
function isMacroEntry(name: string): boolean {
  if (name.endsWith('vbaproject.bin') || name.startsWith('xl/macrosheets/')) return true;
  if (name.startsWith('scripts/')) return true;
  // NOTE: the Basic/ layout follows LibreOffice output. script-lb.xml and dialog-lb.xml only list libraries and hold no code.
  return /^basic\/[^/]+\/[^/]+\.xml$/u.test(name) && !/\/(script|dialog)-lb\.xml$/u.test(name);
}

/**
 * Accepts CSV or plain text, rejects HTML, SVG and #! scripts, and returns
 * null for bytes that are not text.
 */
function sniffText(bytes: Uint8Array, fileName: string): AcceptedFile | RejectedFile | null {
  if (bytes.includes(0)) return null;

  // windows-1252 decodes any byte, so tags are found whatever the real encoding is.
  const prefix = new TextDecoder('windows-1252').decode(bytes.subarray(0, MARKUP_PREFIX_BYTES)).replace(/^\u00EF\u00BB\u00BF/u, '');
  const markup = findMarkup(prefix);
  if (markup === 'html') return reject('text/html', notAccepted('An HTML page', 'text/html'), 'Save it as PDF instead. ');
  if (markup === 'svg') return reject('image/svg+xml', notAccepted('An SVG image', 'image/svg+xml'), 'Save it as PNG or PDF instead. ');
  if (prefix.startsWith('#!')) return reject('text/x-shellscript', notAccepted('A script starting with #!', 'text/x-shellscript'), '');

  const encoding = textEncodingOf(bytes);
  if (encoding === null) return null;
  return accept(fileName.toLowerCase().endsWith('.csv') ? 'csv' : 'text', encoding);
}

/** Returns UTF-8 (BOM optional) when the bytes are valid UTF-8, else Windows-1252 when valid there, else null. */
function textEncodingOf(bytes: Uint8Array): TextEncoding | null {
  let decoded: string | null = null;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  if (decoded !== null) return CONTROL_CHARACTERS.test(decoded) ? null : 'utf-8';

  // In Windows-1252 the bytes 0x80-0x9F are printable apart from the undefined five, so only C0 controls and DEL count as controls.
  for (const byte of bytes) {
    if (UNDEFINED_IN_1252.has(byte) || byte === 0x7f) return null;
    if (byte < 0x20 && !ALLOWED_C0.has(byte)) return null;
  }
  return 'windows-1252';
}

/**
 * Finds HTML or SVG at the start of text. The HTML start tags are those in the
 * WHATWG MIME Sniffing Standard's HTML patterns, and `<html` or `<script`
 * anywhere in the prefix also counts. Unlike the standard, a leading comment
 * is skipped rather than taken as HTML.
 */
function findMarkup(prefix: string): 'html' | 'svg' | null {
  const lower = prefix.toLowerCase();
  let rest = lower.trimStart();
  // Skip comments, XML declarations and processing instructions, and note an SVG doctype on the way.
  for (;;) {
    const skipped = rest.match(/^(<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!doctype\s+svg[^>]*>)\s*/u);
    if (skipped === null) break;
    if (skipped[1].startsWith('<!doctype')) return 'svg';
    rest = rest.slice(skipped[0].length);
  }

  if (/^<!doctype\s+html/u.test(rest)) return 'html';
  if (/^<(html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p)[\s>/]/u.test(rest)) return 'html';
  if (/^<svg[\s>/]/u.test(rest)) return 'svg';
  if (lower.includes('<html') || lower.includes('<script')) return 'html';
  if (lower.trimStart().startsWith('<') && lower.includes('<svg')) return 'svg';
  return null;
}
