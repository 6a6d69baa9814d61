/**
 * Request-body helpers shared by the emulators: bounded reading, media types, forms and multipart.
 * Multipart parsing uses the platform's own `Response#formData()` (undici), not a hand-written parser.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** A body read with a size cap. */
export interface ReadBody {
  /** The bytes kept (empty when the body was too large). */
  readonly bytes: Buffer;
  /** True when the body exceeded the cap; the rest was read and discarded so the connection stays usable. */
  readonly tooLarge: boolean;
  /** True when the client went away before the body ended. */
  readonly aborted: boolean;
}

/** Reads the whole request body, keeping at most `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve({ bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge, aborted: false }),
    );
    // 'close' after 'end' is a no-op for the settled promise; before 'end' it means the client left.
    req.on('close', () => resolve({ bytes: Buffer.alloc(0), tooLarge, aborted: true }));
    req.on('error', reject);
  });
}

/** The lower-case media type of a Content-Type header, without parameters (`''` when absent). */
export function mediaType(headers: IncomingHttpHeaders): string {
  const value = headers['content-type'] ?? '';
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

/** Parses `application/x-www-form-urlencoded` bytes. */
export function parseForm(bytes: Buffer): URLSearchParams {
  return new URLSearchParams(bytes.toString('utf8'));
}

/** One uploaded file of a multipart body. */
export interface UploadedFile {
  /** The form field name (`files[0]`, `file`...). */
  readonly field: string;
  /** The file name from Content-Disposition. */
  readonly filename: string;
  /** Size in bytes. */
  readonly size: number;
  /** The part's Content-Type. */
  readonly contentType: string;
}

/** Text fields and files of a multipart body. */
export interface MultipartBody {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: readonly UploadedFile[];
}

/** Parses `multipart/form-data`; `undefined` when the body is not valid multipart. */
export async function parseMultipart(bytes: Buffer, contentType: string): Promise<MultipartBody | undefined> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  const fields = new Map<string, string>();
  const files: UploadedFile[] = [];
  for (const [field, value] of form) {
    if (typeof value === 'string') fields.set(field, value);
    else files.push({ field, filename: value.name, size: value.size, contentType: value.type });
  }
  return { fields, files };
}

/** Parses JSON, returning `{ ok: false }` instead of throwing. */
export function parseJson(
  text: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A JSON object seen through the keys we read (a mapped type, so dot access type-checks). */
export type Fields<K extends string> = { readonly [P in K]?: unknown };

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
