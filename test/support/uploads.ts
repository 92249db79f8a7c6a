import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import type { TestApp } from './test-app.js';

/** A staff session with the CSRF cookie and token a back-office page gives it, as a browser holds them. */
export interface FormSession {
  /** The Cookie header: session and CSRF cookies. */
  cookie: string;
  token: string;
}

export async function formSession(t: TestApp, sessionCookie: string): Promise<FormSession> {
  const page = await t.app.inject({ url: '/admin', headers: { cookie: sessionCookie, accept: 'text/html' } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const set = [page.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]!);
  if (token === undefined) throw new Error(`no form token on /admin (${page.statusCode})`);
  return { cookie: [sessionCookie, ...set].join('; '), token };
}

export interface FilePart {
  /** The name the client gives the file: never trusted, never used. */
  filename: string;
  /** The type the client declares: never trusted either. */
  contentType: string;
  body: Buffer;
  field?: string;
}

/** A multipart/form-data body, fields in the order given, then the file (or files). */
export function multipart(fields: Record<string, string>, files: FilePart[] = []): { payload: Buffer; contentType: string } {
  const boundary = `----bastion${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\n\r\n`));
    chunks.push(f.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a multipart body as the staff API client of `session` would (token in the header unless `inForm`). */
export function postUpload(
  t: TestApp,
  url: string,
  session: FormSession | undefined,
  fields: Record<string, string>,
  files: FilePart[],
  options: { inForm?: boolean; html?: boolean } = {},
): Promise<LightMyRequestResponse> {
  const body = multipart(options.inForm && session ? { _csrf: session.token, ...fields } : fields, files);
  return t.app.inject({
    method: 'POST',
    url,
    payload: body.payload,
    headers: {
      'content-type': body.contentType,
      ...(session ? { cookie: session.cookie } : {}),
      ...(session && !options.inForm ? { 'x-csrf-token': session.token } : {}),
      ...(options.html ? { accept: 'text/html' } : {}),
    },
  });
}

/** Whether EXIF data holds a GPS block (the GPSInfo pointer, tag 0x8825, in either byte order). */
export function hasGpsTag(exif: Buffer | undefined): boolean {
  return exif !== undefined && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));
}

/** A photo-like JPEG (a gradient, so encoders have work to do) of the given size. */
export async function jpegOf(width: number, height: number, options: { gps?: boolean; orientation?: number } = {}): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#1F5C4A"/><stop offset="1" stop-color="#F2F0EB"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="30%" cy="40%" r="20%" fill="#B42318"/></svg>`;
  let image = sharp(Buffer.from(svg)).jpeg({ quality: 85 });
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  if (options.gps) {
    image = image.withExifMerge({
      IFD0: { Make: 'Bastion Phone', Model: 'Test 1', Copyright: 'EXIF-SECRET-OWNER' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2645/100', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 3956/100' },
    });
  }
  return image.toBuffer();
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A decompression bomb: a valid PNG of a few hundred bytes whose header declares `width` x `height`
 * pixels (one compressed row of zeros repeated, as zlib would shrink a blank canvas).
 */
export function pngBomb(width = 30_000, height = 30_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = deflateSync(Buffer.alloc((width + 1) * 64), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}
