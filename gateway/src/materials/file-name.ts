import type { MaterialKind } from './kinds';

const EXTENSIONS: Record<MaterialKind, string[]> = {
  pdf: ['pdf'],
  jpg: ['jpg', 'jpeg'],
  png: ['png'],
  ofd: ['ofd'],
  docx: ['docx'],
  xlsx: ['xlsx'],
};
const MAX_BASE_CHARS = 120;
// Controls (Cc), format characters (Cf: zero-width, bidi overrides that show "txt.exe" as
// "exe.txt", BOM) and lone surrogates (Cs).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

/**
 * The name a material is shown and downloaded under, for display only (storage is by hash): the
 * client's base name without any path, control or bidi characters, at most 120 characters, and
 * always ending in the extension of the sniffed kind (`证明.exe` holding a PDF becomes `证明.pdf`).
 */
export function displayName(clientName: string | undefined, kind: MaterialKind): string {
  const cleaned = (clientName ?? '')
    .replace(INVISIBLE, '')
    .normalize('NFC')
    .split(/[/\\]/)
    .pop()!
    .trim()
    .replace(/^\.+/, '');
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 ? cleaned.slice(dot + 1).toLowerCase() : '';
  const keep = EXTENSIONS[kind].includes(ext);
  let base = (dot > 0 ? cleaned.slice(0, dot) : cleaned).trim();
  base = Array.from(base).slice(0, MAX_BASE_CHARS).join('').trim() || '材料';
  return `${base}.${keep ? ext : EXTENSIONS[kind][0]}`;
}

/** `inline; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / RFC 8187). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
