// Uploaded file names are kept for display and downloads only. Stored content
// is addressed by its hash, so a name never becomes a path on disk.

// C0 controls, DEL, C1 controls, and the bidi embeddings, overrides and isolates that can disguise an extension.
const UNSAFE_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;
const DRIVE_PREFIX = /^[A-Za-z]:/u;
const EDGE_SPACES_AND_DOTS = /^[\s.]+|[\s.]+$/gu;
// The last `.ext` of up to 10 characters without spaces or dots.
const EXTENSION = /\.[^.\s]{1,10}$/u;
const FALLBACK_NAME = 'file';

/**
 * Reduces an uploaded file name to a safe display name: the last path
 * component, without drive prefixes, `..` runs, control or bidi control
 * characters, or spaces and dots at either end. Names longer than `maxLength`
 * code points are shortened, keeping the extension and whole grapheme
 * clusters. Returns `file` when nothing is left.
 */
export function sanitiseFileName(raw: string, maxLength = 180): string {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a positive integer, got ${maxLength}.`);

  // Names from macOS file systems can arrive decomposed (NFD). NFC makes them compare and count like names from elsewhere.
  const cleaned = raw.toWellFormed().normalize('NFC').replace(UNSAFE_CHARACTERS, '');
  const lastComponent = cleaned.split(/[\\/]/u).at(-1) ?? '';
  const name = lastComponent.replace(DRIVE_PREFIX, '').replace(/\.{2,}/gu, '.').replace(EDGE_SPACES_AND_DOTS, '');
  if (name === '') return FALLBACK_NAME;

  const shortened = codePointLength(name) > maxLength ? shorten(name, maxLength) : name;
  return shortened === '' ? FALLBACK_NAME : shortened;
}

/**
 * Builds a Content-Disposition header for a download: an ASCII `filename`
 * for old clients and an RFC 5987 `filename*` with the full UTF-8 name.
 * The name should already have passed through sanitiseFileName.
 */
export function contentDisposition(fileName: string): string {
  const ascii = Array.from(fileName, (character) => (isPrintableAscii(character) ? character : '_'))
    .join('')
    .replace(/["\\]/gu, '');
  const fallback = ascii.trim() === '' ? FALLBACK_NAME : ascii;
  // toWellFormed: encodeURIComponent throws on a lone surrogate.
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(fileName.toWellFormed())}`;
}

function codePointLength(text: string): number {
  return Array.from(text).length;
}

/** Cuts `name` to at most `maxLength` code points, keeping its extension when it fits. */
function shorten(name: string, maxLength: number): string {
  const extension = name.match(EXTENSION)?.[0] ?? '';
  const keepExtension = extension !== '' && codePointLength(extension) < maxLength;
  const stem = keepExtension ? name.slice(0, -extension.length) : name;
  const budget = maxLength - (keepExtension ? codePointLength(extension) : 0);

  // Cut between grapheme clusters, so an emoji sequence or a letter with its accents is never split.
  let kept = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(stem)) {
    const length = codePointLength(segment);
    if (used + length > budget) break;
    kept += segment;
    used += length;
  }

  const trimmedStem = kept.replace(EDGE_SPACES_AND_DOTS, '');
  if (!keepExtension) return trimmedStem;
  if (trimmedStem !== '') return `${trimmedStem}${extension}`;
  return Array.from(`${FALLBACK_NAME}${extension}`).slice(0, maxLength).join('');
}

function isPrintableAscii(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code >= 0x20 && code <= 0x7e;
}

/** Percent-encodes UTF-8 for an RFC 5987 ext-value: encodeURIComponent leaves ' ( ) * unescaped, but attr-char excludes them. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/gu, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
