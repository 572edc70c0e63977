/**
 * Handwritten signatures as form values.
 *
 * A signature is stored as an SVG image in a data URL: every platform (WeChat / DingTalk image
 * components, browsers, the departments' OA systems) can show it, it needs no canvas export (which
 * differs per platform and cannot run in tests), and it is small (a name is a few KB; the shipped
 * forms allow 200,000 characters). Only markup that this module produces is ever shown as an image:
 * {@link isDrawnSignature} checks the decoded SVG against the exact shape written here, so a crafted
 * value cannot smuggle script or remote references into the staff page.
 */

export interface Point {
  x: number;
  y: number;
}
export type Stroke = Point[];

export const SIGNATURE_PREFIX = 'data:image/svg+xml;base64,';

/** Points closer than this (in pad pixels) to the previous one add nothing visible. */
const MIN_STEP = 1.5;

const round = (n: number) => Math.round(n);

/** Adds a point unless it is too close to the last one (keeps values small on 120 Hz touch screens). */
export function addPoint(stroke: Stroke, p: Point): Stroke {
  const last = stroke[stroke.length - 1];
  if (last && Math.hypot(last.x - p.x, last.y - p.y) < MIN_STEP) return stroke;
  return [...stroke, p];
}

/** The path data: "M x y L x y …" per stroke; a tap becomes a dot (a zero-length line with round caps). */
export function pathOf(strokes: Stroke[], width: number, height: number): string {
  const clamp = (v: number, max: number) => Math.min(Math.max(round(v), 0), round(max));
  const parts: string[] = [];
  for (const s of strokes) {
    if (s.length === 0) continue;
    const [first, ...rest] = s.map((p) => `${clamp(p.x, width)} ${clamp(p.y, height)}`);
    parts.push(`M${first}${(rest.length ? rest : [first]).map((p) => `L${p}`).join('')}`);
  }
  return parts.join('');
}

export function svgOf(strokes: Stroke[], width: number, height: number): string {
  const w = round(width);
  const h = round(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">` +
    `<path d="${pathOf(strokes, w, h)}" fill="none" stroke="#111" stroke-width="3" ` +
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
  );
}

/** The form value for a drawing, or '' when nothing was drawn. */
export function signatureValue(strokes: Stroke[], width: number, height: number): string {
  if (!strokes.some((s) => s.length > 0)) return '';
  return SIGNATURE_PREFIX + toBase64(svgOf(strokes, width, height));
}

const SHAPE =
  /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d{1,4} \d{1,4}" width="\d{1,4}" height="\d{1,4}"><path d="(M\d{1,4} \d{1,4}(L\d{1,4} \d{1,4})+)+" fill="none" stroke="#111" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"\/><\/svg>$/;

/** True only for a drawing made by {@link signatureValue}; anything else is shown as text. */
export function isDrawnSignature(value: unknown): value is string {
  if (typeof value !== 'string' || !value.startsWith(SIGNATURE_PREFIX)) return false;
  const svg = fromBase64(value.slice(SIGNATURE_PREFIX.length));
  return svg !== undefined && SHAPE.test(svg);
}

// Mini-program runtimes have no btoa/atob; the SVG written here is ASCII, so a small codec will do.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(ascii: string): string {
  let out = '';
  for (let i = 0; i < ascii.length; i += 3) {
    const a = ascii.charCodeAt(i);
    const b = i + 1 < ascii.length ? ascii.charCodeAt(i + 1) : Number.NaN;
    const c = i + 2 < ascii.length ? ascii.charCodeAt(i + 2) : Number.NaN;
    const n = (a << 16) | ((b || 0) << 8) | (c || 0);
    const digit = (shift: number) => ALPHABET.charAt((n >> shift) & 63);
    out += digit(18) + digit(12);
    out += Number.isNaN(b) ? '=' : digit(6);
    out += Number.isNaN(c) ? '=' : digit(0);
  }
  return out;
}

/** Decodes ASCII-only base64; undefined for anything malformed or non-ASCII. */
export function fromBase64(b64: string): string | undefined {
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  let out = '';
  for (let i = 0; i < b64.length; i += 4) {
    const quad = b64.slice(i, i + 4);
    const [a = 0, b = 0, c = 0, d = 0] = [...quad].map((ch) => (ch === '=' ? 0 : ALPHABET.indexOf(ch)));
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    const bytes = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    const keep = b64[i + 3] !== '=' ? 3 : b64[i + 2] !== '=' ? 2 : 1;
    for (const byte of bytes.slice(0, keep)) {
      if (byte > 127) return undefined;
      out += String.fromCharCode(byte);
    }
  }
  return out;
}
