import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** XML above this size is refused before parsing. */
export const MAX_XML_BYTES = 256 * 1024;

/** Why a text was refused as XML. */
export type XmlRefusal = 'too-large' | 'unsafe' | 'malformed';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Only the five predefined entities and character references remain once DOCTYPE is refused.
  processEntities: true,
  htmlEntities: false,
});

/**
 * Parse untrusted XML into plain objects (namespace prefixes removed, attributes dropped, values kept
 * as strings). Any `<!DOCTYPE` or `<!ENTITY` is refused before parsing (XXE, billion laughs).
 */
export function parseSafeXml(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: XmlRefusal } {
  if (Buffer.byteLength(text) > MAX_XML_BYTES) return { ok: false, reason: 'too-large' };
  if (/<!\s*(doctype|entity)/i.test(text)) return { ok: false, reason: 'unsafe' };
  if (!text.trimStart().startsWith('<') || XMLValidator.validate(text) !== true) {
    return { ok: false, reason: 'malformed' };
  }
  try {
    const value: unknown = parser.parse(text);
    return typeof value === 'object' && value !== null
      ? { ok: true, value: value as Record<string, unknown> }
      : { ok: false, reason: 'malformed' };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/** Escape text for an XML element body or attribute. */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Drop the code points XML 1.0 forbids even escaped (C0 controls other than tab/LF/CR, U+FFFE,
 * U+FFFF): they could not reach the OA intact anyway.
 */
export function stripInvalidXmlChars(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
    if (!control && code !== 0xfffe && code !== 0xffff) out += char;
  }
  return out;
}

/** Walk `path` through nested objects; undefined when any step is missing. */
export function pick(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const step of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}
