import { escapeXml, parseSafeXml, pick, type XmlRefusal } from '../shared/safe-xml';

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Namespace of EKP's optional WebService auth header (platforms.md §4.3). */
const AUTH_HEADER_NS = 'http://sys.webservice.client';

/** One SOAP 1.1 call: `op` in namespace `ns`, with a single `arg0` (text, or a form of text fields). */
export interface SoapCall {
  ns: string;
  op: string;
  arg0: string | Record<string, string | undefined>;
  auth?: { user: string; password: string };
}

/** Build the request envelope; every text is escaped. */
export function buildSoapEnvelope(call: SoapCall): string {
  const arg0 =
    typeof call.arg0 === 'string'
      ? escapeXml(call.arg0)
      : Object.entries(call.arg0)
          .filter((entry): entry is [string, string] => entry[1] !== undefined)
          .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
          .join('');
  const header = call.auth
    ? `<soapenv:Header><tns:RequestSOAPHeader xmlns:tns="${AUTH_HEADER_NS}"><tns:user>${escapeXml(call.auth.user)}</tns:user><tns:password>${escapeXml(call.auth.password)}</tns:password></tns:RequestSOAPHeader></soapenv:Header>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:web="${escapeXml(call.ns)}">${header}<soapenv:Body><web:${call.op}><arg0>${arg0}</arg0></web:${call.op}></soapenv:Body></soapenv:Envelope>`;
}

/** What a SOAP answer said. */
export type SoapResult =
  | { kind: 'return'; value: string }
  | { kind: 'fault'; faultcode: string; faultstring: string }
  | { kind: 'refused'; reason: XmlRefusal | 'not-soap' };

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Read the answer to `op`: its `<return>` text (empty when absent), a Fault, or why it was refused. */
export function parseSoapResponse(xml: string, op: string): SoapResult {
  const parsed = parseSafeXml(xml);
  if (!parsed.ok) return { kind: 'refused', reason: parsed.reason };
  const body = pick(parsed.value, 'Envelope', 'Body');
  if (typeof body !== 'object' || body === null) return { kind: 'refused', reason: 'not-soap' };
  const fault = pick(body, 'Fault');
  if (fault !== undefined) {
    return {
      kind: 'fault',
      faultcode: text(pick(fault, 'faultcode')) ?? '',
      faultstring: text(pick(fault, 'faultstring')) ?? '',
    };
  }
  const response = pick(body, `${op}Response`);
  if (response === undefined) return { kind: 'refused', reason: 'not-soap' };
  if (response === '') return { kind: 'return', value: '' };
  const value = pick(response, 'return');
  if (value === undefined) return { kind: 'return', value: '' };
  const returned = text(value);
  return returned === undefined
    ? { kind: 'refused', reason: 'not-soap' }
    : { kind: 'return', value: returned };
}

/** Read a request envelope (simulator side): the operation, its `arg0` and the auth header. */
export function parseSoapRequest(
  xml: string,
):
  | { ok: true; op: string; arg0: unknown; auth?: { user: string; password: string } }
  | { ok: false; reason: XmlRefusal | 'not-soap' } {
  const parsed = parseSafeXml(xml);
  if (!parsed.ok) return parsed;
  const body = pick(parsed.value, 'Envelope', 'Body');
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'not-soap' };
  const op = Object.keys(body)[0];
  if (op === undefined) return { ok: false, reason: 'not-soap' };
  const header = pick(parsed.value, 'Envelope', 'Header', 'RequestSOAPHeader');
  const user = text(pick(header, 'user'));
  const password = text(pick(header, 'password'));
  const arg0 = pick((body as Record<string, unknown>)[op], 'arg0');
  return {
    ok: true,
    op,
    arg0,
    ...(user !== undefined && password !== undefined ? { auth: { user, password } } : {}),
  };
}

/** A SOAP 1.1 answer envelope carrying `<return>` for `op` (simulator side). */
export function soapReturn(ns: string, op: string, value: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENV}"><soap:Body><ns2:${op}Response xmlns:ns2="${escapeXml(ns)}"><return>${escapeXml(value)}</return></ns2:${op}Response></soap:Body></soap:Envelope>`;
}

/** A SOAP 1.1 Fault envelope (simulator side; sent with HTTP 500 as SOAP 1.1 requires). */
export function soapFault(faultcode: 'soap:Client' | 'soap:Server', faultstring: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENV}"><soap:Body><soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></soap:Fault></soap:Body></soap:Envelope>`;
}
