import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CallbackCipherError } from './errors';

/** Callback bodies are a few KB; anything far larger is refused before parsing. */
export const MAX_CALLBACK_XML_CHARS = 1024 * 1024;

const FORBIDDEN = /<!DOCTYPE|<!ENTITY/i;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

/**
 * Parse a callback XML document and return the children of its single root element (`<xml>` on
 * WeChat/WeCom), e.g. `{ ToUserName: 'ww…', Encrypt: '…', AgentID: '1000002' }`.
 *
 * Values stay strings (no number coercion: `MsgId` and `CreateTime` keep their digits), CDATA is
 * plain text, attributes are ignored, an empty element is `''`, nested elements are objects and
 * repeated elements arrays. Whitespace between elements is dropped.
 *
 * @throws CallbackCipherError `ParseXml` for DOCTYPE/ENTITY declarations (checked before parsing:
 *   XXE, billion laughs), malformed XML, several roots, a text-only root, or input over
 *   {@link MAX_CALLBACK_XML_CHARS}.
 */
export function parseSafeXml(xml: string): Record<string, unknown> {
  if (typeof xml !== 'string') throw new CallbackCipherError('ParseXml', 'not a string');
  if (xml.length > MAX_CALLBACK_XML_CHARS) throw new CallbackCipherError('ParseXml', 'too large');
  if (FORBIDDEN.test(xml)) throw new CallbackCipherError('ParseXml', 'DOCTYPE/ENTITY refused');
  let parsed: Record<string, unknown>;
  try {
    if (XMLValidator.validate(xml) !== true) throw new Error('invalid');
    parsed = parser.parse(xml) as Record<string, unknown>;
  } catch {
    throw new CallbackCipherError('ParseXml', 'malformed');
  }
  const roots = Object.keys(parsed);
  if (roots.length !== 1) throw new CallbackCipherError('ParseXml', 'expected one root element');
  const root = dropWhitespaceText(parsed[roots[0]!]);
  if (root === '') return {};
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new CallbackCipherError('ParseXml', 'root has no child elements');
  }
  return root as Record<string, unknown>;
}

/** False for characters XML 1.0 cannot carry at all, not even inside CDATA (controls, lone surrogates, U+FFFE/F). */
function isXmlText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) return false;
    if (unit === 0xfffe || unit === 0xffff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

function dropWhitespaceText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropWhitespaceText);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '#text' && typeof child === 'string' && child.trim() === '') continue;
    out[key] = dropWhitespaceText(child);
  }
  return out;
}

/**
 * Build `<xml><K><![CDATA[v]]></K>…</xml>`: strings in CDATA (a `]]>` inside is split across two CDATA
 * sections), finite numbers bare. For passive replies and simulated pushes.
 *
 * @throws TypeError on a key that is not an XML name, a non-finite number, or a string holding
 *   characters XML 1.0 cannot carry (a programming error, not bad input from a platform).
 */
export function buildXml(fields: Record<string, string | number>): string {
  const parts = ['<xml>'];
  for (const [key, value] of Object.entries(fields)) {
    if (!NAME.test(key) || /^xml/i.test(key)) throw new TypeError(`buildXml: invalid element name "${key}"`);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError(`buildXml: ${key} is not a finite number`);
      parts.push(`<${key}>${String(value)}</${key}>`);
    } else if (typeof value === 'string') {
      if (!isXmlText(value)) throw new TypeError(`buildXml: ${key} holds characters XML cannot carry`);
      parts.push(`<${key}><![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${key}>`);
    } else {
      throw new TypeError(`buildXml: ${key} must be a string or a number`);
    }
  }
  parts.push('</xml>');
  return parts.join('');
}
