/**
 * Reads a request body within a byte limit, undoing gzip/deflate with the same limit on the output,
 * so a 100 MB upload or a compression bomb is a 413 and never an allocation of its size.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { gunzip, inflate } from 'node:zlib';

/** The body, or why it was refused (with the status to answer). */
export type BodyResult =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly status: 400 | 408 | 413 | 415; readonly message: string };

/** Reads the whole body of `req`, refusing more than `maxBytes` (before and after decompression). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return tooLarge(maxBytes);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'deflate') {
    return {
      ok: false,
      status: 415,
      message: `content-encoding "${encoding}" is not supported (use gzip, deflate or none)`,
    };
  }
  const raw = await readRaw(req, maxBytes);
  if (!raw.ok) return raw;
  if (encoding === 'identity') return raw;
  return new Promise((resolve) => {
    const done = (error: Error | null, out: Buffer): void => {
      if (!error) resolve({ ok: true, bytes: out });
      else if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') resolve(tooLarge(maxBytes));
      else resolve({ ok: false, status: 400, message: `the ${encoding} body cannot be decompressed` });
    };
    if (encoding === 'gzip') gunzip(raw.bytes, { maxOutputLength: maxBytes }, done);
    else inflate(raw.bytes, { maxOutputLength: maxBytes }, done);
  });
}

function readRaw(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop buffering; the reply carries `connection: close`, so the rest is never read.
        req.pause();
        settle(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      settle({ ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }),
    );
    req.once('aborted', () => settle({ ok: false, status: 400, message: 'the request was aborted' }));
    req.once('error', () =>
      settle({ ok: false, status: 400, message: 'the request body could not be read' }),
    );
  });
}

function tooLarge(maxBytes: number): BodyResult {
  return { ok: false, status: 413, message: `the body is larger than maxBodyBytes (${maxBytes} bytes)` };
}
