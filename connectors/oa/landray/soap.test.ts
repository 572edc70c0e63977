import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafeXml, stripInvalidXmlChars } from '../shared/safe-xml';
import { buildSoapEnvelope, parseSoapRequest, parseSoapResponse, soapFault, soapReturn } from './soap';

const NS = 'http://webservice.review.km.kmss.landray.com/';
// XML 1.0 cannot carry these; escapeXml drops them and parsers normalise CR.
const xmlText = fc
  .string({ unit: 'grapheme', maxLength: 60 })
  .map((s) => stripInvalidXmlChars(s).replace(/\r/g, ''));
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><soap:Envelope xmlns:soap="x"><soap:Body><addReviewResponse><return>&lol9;</return></addReviewResponse></soap:Body></soap:Envelope>`;

describe('SOAP envelopes', () => {
  it('escape every text: a built request reads back the same values (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('docSubject', 'formValues', 'docCreator', 'fdKeyword'), xmlText),
        xmlText,
        xmlText,
        (form, user, password) => {
          const parsed = parseSoapRequest(
            buildSoapEnvelope({ ns: NS, op: 'addReview', arg0: form, auth: { user, password } }),
          );
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          expect(parsed.op).toBe('addReview');
          expect(parsed.auth).toEqual({ user, password });
          for (const [name, value] of Object.entries(form))
            expect((parsed.arg0 as Record<string, unknown>)[name] ?? '').toBe(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads returns and Faults', () => {
    expect(parseSoapResponse(soapReturn(NS, 'addReview', 'a&<b>'), 'addReview')).toEqual({
      kind: 'return',
      value: 'a&<b>',
    });
    expect(parseSoapResponse(soapFault('soap:Server', '模板不存在'), 'addReview')).toEqual({
      kind: 'fault',
      faultcode: 'soap:Server',
      faultstring: '模板不存在',
    });
    expect(parseSoapResponse(soapReturn(NS, 'other', 'x'), 'addReview')).toEqual({
      kind: 'refused',
      reason: 'not-soap',
    });
  });

  it('refuses DOCTYPE, ENTITY and billion laughs before parsing, fast', () => {
    const started = Date.now();
    expect(parseSoapResponse(BILLION_LAUGHS, 'addReview')).toEqual({ kind: 'refused', reason: 'unsafe' });
    expect(parseSafeXml('<a/><!ENTITY x "y">')).toEqual({ ok: false, reason: 'unsafe' });
    expect(parseSafeXml('<!doctype html><a/>')).toEqual({ ok: false, reason: 'unsafe' });
    expect(parseSafeXml(`<a>${'x'.repeat(300_000)}</a>`)).toEqual({ ok: false, reason: 'too-large' });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('garbage in → a refusal or a result, never a throw or a hang (property)', () => {
    const fragment = fc.constantFrom(
      '<',
      '>',
      '</',
      '/>',
      '<soap:Envelope>',
      '<Body>',
      '<Fault>',
      '<return>',
      '&amp;',
      '&',
      '<!',
      '<![CDATA[',
      ']]>',
      '<?xml?>',
      '"',
      '=',
      'x',
      '\u0000',
    );
    const input = fc.oneof(
      fc.string(),
      fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(input, (text) => {
        const result = parseSoapResponse(text, 'addReview');
        expect(['return', 'fault', 'refused']).toContain(result.kind);
        const request = parseSoapRequest(text);
        expect(typeof request.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
