import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallbackCipherError } from './errors';
import { buildXml, MAX_CALLBACK_XML_CHARS, parseSafeXml } from './xml';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CallbackCipherError) return error.code;
    throw error;
  }
  return 'none';
}

describe('parseSafeXml', () => {
  it('reads a WeCom envelope: CDATA as text, digits stay strings, whitespace between tags dropped', () => {
    const xml =
      '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[abc+/=]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n<MsgId>0012345678901234567</MsgId><Empty/></xml>';
    expect(parseSafeXml(xml)).toEqual({
      ToUserName: 'ww1436e0e65a779aee',
      Encrypt: 'abc+/=',
      AgentID: '1000002',
      MsgId: '0012345678901234567',
      Empty: '',
    });
  });

  it('keeps nested elements as objects and decodes the XML entities', () => {
    expect(parseSafeXml('<?xml version="1.0"?><xml><A><B>1</B></A><C>&lt;b&gt; &amp;</C></xml>')).toEqual({
      A: { B: '1' },
      C: '<b> &',
    });
  });

  it('refuses DOCTYPE and ENTITY before parsing (XXE, billion laughs)', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>';
    const laughs = '<!doctype lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml>&lol2;</xml>';
    expect(codeOf(() => parseSafeXml(xxe))).toBe('ParseXml');
    expect(codeOf(() => parseSafeXml(laughs))).toBe('ParseXml');
    expect(codeOf(() => parseSafeXml('<xml><A><![CDATA[<!ENTITY x>]]></A></xml>'))).toBe('ParseXml');
  });

  it('refuses malformed, multi-root, text-only and oversized input', () => {
    for (const bad of ['', 'text', '<xml>', '<a>1</a><b>2</b>', '<xml>plain</xml>', '<xml><A></B></xml>']) {
      expect(codeOf(() => parseSafeXml(bad))).toBe('ParseXml');
    }
    expect(codeOf(() => parseSafeXml(`<xml><A>${'a'.repeat(MAX_CALLBACK_XML_CHARS)}</A></xml>`))).toBe(
      'ParseXml',
    );
    expect(codeOf(() => parseSafeXml(undefined as any))).toBe('ParseXml');
  });

  it('does not let element names reach the prototype', () => {
    // fast-xml-parser refuses the name outright; either way nothing is polluted.
    expect(codeOf(() => parseSafeXml('<xml><__proto__><polluted>1</polluted></__proto__></xml>'))).toBe(
      'ParseXml',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('garbage in → CallbackCipherError only, never a crash or hang', () => {
    const xmlish = fc
      .array(
        fc.constantFrom(
          '<',
          '>',
          '/',
          'xml',
          'A',
          '<![CDATA[',
          ']]>',
          '&',
          ';',
          '"',
          '=',
          ' ',
          '?',
          '!',
          'x',
        ),
        {
          maxLength: 60,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), xmlish), (input) => {
        try {
          const out = parseSafeXml(input);
          expect(typeof out).toBe('object');
        } catch (error) {
          expect(error).toBeInstanceOf(CallbackCipherError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('survives deep nesting', () => {
    const deep = `<xml>${'<a>'.repeat(5000)}x${'</a>'.repeat(5000)}</xml>`;
    try {
      parseSafeXml(deep);
    } catch (error) {
      expect(error).toBeInstanceOf(CallbackCipherError);
    }
  });
});

describe('buildXml', () => {
  it('wraps strings in CDATA and writes numbers bare', () => {
    expect(buildXml({ ToUserName: 'ww1', CreateTime: 1476422779, Content: '你好' })).toBe(
      '<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1476422779</CreateTime><Content><![CDATA[你好]]></Content></xml>',
    );
  });

  it('splits "]]>" safely', () => {
    const xml = buildXml({ A: 'a]]>b]]>' });
    expect(xml).toBe('<xml><A><![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]></A></xml>');
    expect(parseSafeXml(xml)).toEqual({ A: 'a]]>b]]>' });
  });

  it('refuses bad names, non-finite numbers and XML-illegal characters', () => {
    expect(() => buildXml({ 'a b': 'x' })).toThrow(TypeError);
    expect(() => buildXml({ A: Number.NaN })).toThrow(TypeError);
    expect(() => buildXml({ A: '\u0001' })).toThrow(TypeError);
  });

  it('round-trips through parseSafeXml (strings without DOCTYPE/ENTITY markers)', () => {
    const name = fc.stringMatching(/^[A-Za-wyzA-WYZ][A-Za-z0-9_]{0,10}$/);
    const text = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom('<', '>', '&', ']', '!', ' ', '\n', '👋'),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        ),
        maxLength: 40,
      })
      .filter((s) => !/<!DOCTYPE|<!ENTITY/i.test(s) && [...s].every((c) => c >= ' ' || c === '\n'));
    fc.assert(
      fc.property(fc.dictionary(name, text, { maxKeys: 6 }), (fields) => {
        const parsed = parseSafeXml(buildXml(fields));
        expect(parsed).toEqual(fields);
      }),
    );
  });
});
