import { fileTypeFromBuffer } from 'file-type';
import { KIND_MIME, type MaterialKind } from './kinds';
import { zipEntryNames } from './zip-entries';

export interface SniffedType {
  kind: MaterialKind;
  mime: string;
}

const BY_EXTENSION: Partial<Record<string, MaterialKind>> = {
  pdf: 'pdf',
  jpg: 'jpg',
  png: 'png',
  docx: 'docx',
  xlsx: 'xlsx',
};

/**
 * What a file is, judged by its bytes alone (magic numbers via file-type, plus the ZIP central
 * directory for OFD). The client's file name and Content-Type are never consulted. Returns null for
 * anything that is not one of the {@link MaterialKind}s: executables, text, other archives,
 * macro-enabled Office files (docm/xlsm) and animated PNG (apng) are all refused.
 */
export async function sniff(data: Buffer): Promise<SniffedType | null> {
  if (data.length === 0) return null;
  let detected: { ext: string } | undefined;
  try {
    detected = await fileTypeFromBuffer(data);
  } catch {
    // file-type gives up on some malformed containers by throwing; such a file is simply not allowed.
    return null;
  }
  if (!detected) return null;
  const kind = detected.ext === 'zip' ? (isOfd(data) ? 'ofd' : undefined) : BY_EXTENSION[detected.ext];
  return kind ? { kind, mime: KIND_MIME[kind] } : null;
}

/** OFD: a ZIP whose central directory lists `OFD.xml` at the root (the package entry point). */
export function isOfd(data: Buffer): boolean {
  return zipEntryNames(data)?.includes('OFD.xml') ?? false;
}
