import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { errors } from '../platform/errors';
import { materialErrors } from './materials.errors';

export interface MultipartFile {
  data: Buffer;
  /** As the client sent it (UTF-8); for display only, after sanitising. */
  fileName: string;
}

export interface MultipartUpload {
  file?: MultipartFile;
  /** The text fields named in `fieldNames`; others are ignored. */
  fields: Record<string, string>;
}

export interface MultipartOptions {
  /** The form field that carries the file. */
  fileField: string;
  fieldNames: readonly string[];
  /** Absolute ceiling for the file; also bounds the whole body via Content-Length. */
  hardCapBytes: number;
  /**
   * The file's limit, asked when the file part starts (text fields sent before it are known then).
   * May throw an AppError (a bad field), which fails the upload.
   */
  limitAtFileStart: (fieldsSoFar: Record<string, string>) => number;
}

/** Room for the multipart framing and a few small text fields around a file at the hard cap. */
const FRAMING_ALLOWANCE = 64 * 1024;
/** After a refusal, how much more of the body is read and thrown away, and for how long, before hanging up. */
const LINGER_BYTES = 4 * 1024 * 1024;
const LINGER_MS = 3000;

/**
 * Reads a multipart/form-data body holding one file into memory. Parsing stops as soon as the file
 * passes its limit (413 `material_too_large`); a body whose Content-Length already says so is
 * refused before a byte is parsed. What the client still sends is then discarded, not parsed nor
 * kept, for at most {@link LINGER_BYTES} / {@link LINGER_MS} so that it can read the answer (a
 * "lingering close", RFC 9112 §9.6), and then the connection is cut.
 * Malformed multipart → 400 `malformed_multipart`; a second file or a file in another field → 400.
 */
export function readMultipart(
  req: IncomingMessage,
  res: ServerResponse,
  options: MultipartOptions,
): Promise<MultipartUpload> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.hardCapBytes + FRAMING_ALLOWANCE) {
    discardRest(req, res);
    return Promise.reject(materialErrors.tooLarge(options.hardCapBytes));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: {
          fileSize: options.hardCapBytes,
          files: 1,
          fields: 20,
          fieldSize: 1024,
          parts: 24,
          headerPairs: 20,
        },
      });
    } catch {
      reject(materialErrors.malformedMultipart()); // e.g. no boundary
      return;
    }
    const fields: Record<string, string> = {};
    let file: MultipartFile | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      discardRest(req, res);
      reject(error);
    };
    const onlyOneFile = () =>
      errors.validation(
        [{ pointer: '/file', code: 'max_files', message: '每次只能上传一个文件，且须放在 file 字段中' }],
        '每次只能上传一个文件',
      );

    parser.on('file', (name, stream, info) => {
      stream.on('error', () => {}); // a truncated body errors this stream too; `fail` has answered
      if (name !== options.fileField || settled) {
        stream.resume();
        fail(onlyOneFile());
        return;
      }
      let limit: number;
      try {
        limit = Math.min(options.limitAtFileStart(fields), options.hardCapBytes);
      } catch (error) {
        stream.resume();
        fail(error);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          stream.resume();
          fail(materialErrors.tooLarge(limit));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(materialErrors.tooLarge(limit)));
      // busboy destroys the part's stream with the parse error when the body ends mid-part.
      stream.on('error', () => fail(materialErrors.malformedMultipart()));
      stream.on('end', () => {
        if (!settled && !stream.truncated)
          file = { data: Buffer.concat(chunks, size), fileName: info.filename ?? '' };
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) {
        fail(
          errors.validation([
            {
              pointer: `/${name.slice(0, 64)}`,
              code: 'maxLength',
              message: '字段内容过长（不超过 1024 字节）',
            },
          ]),
        );
        return;
      }
      if (options.fieldNames.includes(name)) fields[name] = value;
    });
    parser.on('filesLimit', () => fail(onlyOneFile()));
    parser.on('fieldsLimit', () => fail(materialErrors.malformedMultipart()));
    parser.on('partsLimit', () => fail(materialErrors.malformedMultipart()));
    parser.on('error', () => fail(materialErrors.malformedMultipart()));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      resolve({ file, fields });
    });
    req.on('error', () => fail(materialErrors.malformedMultipart()));
    req.pipe(parser);
  });
}

/**
 * Throws away the rest of a refused request body as it arrives, then cuts the connection once the
 * answer has been sent and either {@link LINGER_BYTES} more arrived or {@link LINGER_MS} passed.
 * A client that stops sending in time keeps its connection.
 */
function discardRest(req: IncomingMessage, res: ServerResponse): void {
  if (req.readableEnded) return;
  let discarded = 0;
  let cut = false;
  const hangUp = () => {
    if (cut || req.readableEnded) return;
    cut = true;
    const destroy = () => req.socket.destroy();
    if (res.writableFinished) destroy();
    else res.once('finish', destroy).once('close', destroy);
  };
  const timer = setTimeout(hangUp, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) hangUp();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
