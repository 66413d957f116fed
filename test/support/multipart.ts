/** One part of a hand-built multipart body; `disposition` overrides the Content-Disposition line to test unusual forms. */
export type Part = { name: string; fileName?: string; type?: string; body: Uint8Array | string; disposition?: string };

/** Builds a multipart/form-data body byte by byte, so that tests control every header as other clients write them. */
export function buildMultipart(parts: Part[], boundary = `----waymark${Math.random().toString(16).slice(2)}`): { body: Uint8Array; contentType: string } {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = part.disposition ?? `form-data; name="${part.name}"${part.fileName === undefined ? '' : `; filename="${part.fileName}"`}`;
    let head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n`;
    if (part.type !== undefined) head += `Content-Type: ${part.type}\r\n`;
    chunks.push(encoder.encode(`${head}\r\n`));
    chunks.push(typeof part.body === 'string' ? encoder.encode(part.body) : part.body);
    chunks.push(encoder.encode('\r\n'));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));

  const body = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
