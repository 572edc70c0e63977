import { maskAddress, maskIdNumber, maskPhone } from '../platform/privacy/mask';

/** The kinds of personal data a form field can hold (`x-sensitive` in its schema). */
export type SensitiveKind = 'id-number' | 'phone' | 'address';

const KINDS: ReadonlySet<string> = new Set<SensitiveKind>(['id-number', 'phone', 'address']);

/** Kinds with an exact-match blind index (addresses are free text: nobody searches them exactly). */
export const SEARCHABLE_KINDS: ReadonlySet<SensitiveKind> = new Set(['id-number', 'phone']);

/**
 * Where in a form's data a sensitive value lives: property names, with `*` for "every item" of an
 * array (a shareholder list holds one ID number per row).
 */
export interface SensitivePath {
  segments: string[];
  kind: SensitiveKind;
}

/** One sensitive value found in form data, with its concrete location (`['shareholders', '0', 'idNumber']`). */
export interface SensitiveValue {
  location: string[];
  kind: SensitiveKind;
  value: string;
}

type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode; 'x-sensitive'?: unknown };

/** Every `x-sensitive` property of a form schema, at any depth of objects and arrays. */
export function collectSensitivePaths(schema: object): SensitivePath[] {
  const out: SensitivePath[] = [];
  const walk = (node: SchemaNode | undefined, prefix: string[]) => {
    if (!node || typeof node !== 'object') return;
    const kind = node['x-sensitive'];
    if (prefix.length > 0 && typeof kind === 'string' && KINDS.has(kind)) {
      out.push({ segments: prefix, kind: kind as SensitiveKind });
      return;
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, [...prefix, name]);
    if (node.items) walk(node.items, [...prefix, '*']);
  };
  walk(schema as SchemaNode, []);
  return out;
}

/**
 * The key a sensitive value is known by: its location joined with dots (`idNumber`,
 * `shareholders.0.idNumber`). It binds the ciphertext to its place and names the field in reveal
 * requests and in the blind index.
 */
export const sensitiveKey = (location: string[]) => location.join('.');

/** A reveal request may name a field by key or by JSON pointer (`/shareholders/0/idNumber`). */
export function keyFromFieldName(name: string): string {
  if (!name.startsWith('/')) return name;
  return name
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

export function maskValue(kind: SensitiveKind, value: string): string {
  if (kind === 'address') return maskAddress(value);
  return kind === 'id-number' ? maskIdNumber(value) : maskPhone(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every string value at a sensitive path of `data`. */
export function readSensitive(data: Record<string, unknown>, paths: SensitivePath[]): SensitiveValue[] {
  const out: SensitiveValue[] = [];
  for (const { segments, kind } of paths) {
    const visit = (node: unknown, depth: number, location: string[]) => {
      if (depth === segments.length) {
        if (typeof node === 'string') out.push({ location, kind, value: node });
        return;
      }
      const segment = segments[depth] as string;
      if (segment === '*') {
        if (Array.isArray(node))
          for (const [i, item] of node.entries()) visit(item, depth + 1, [...location, String(i)]);
      } else if (isRecord(node) && Object.hasOwn(node, segment)) {
        visit(node[segment], depth + 1, [...location, segment]);
      }
    };
    visit(data, 0, []);
  }
  return out;
}

/**
 * A copy of `data` where each sensitive string is replaced by `replace`'s answer (undefined keeps it).
 * Objects and arrays on the way are copied only where something changed; when nothing changes the
 * same object comes back.
 */
export function mapSensitive(
  data: Record<string, unknown>,
  paths: SensitivePath[],
  replace: (value: string, kind: SensitiveKind, location: string[]) => string | undefined,
): Record<string, unknown> {
  let out = data;
  for (const { segments, kind } of paths) {
    const visit = (node: unknown, depth: number, location: string[]): unknown => {
      if (depth === segments.length) {
        if (typeof node !== 'string') return node;
        const next = replace(node, kind, location);
        return next === undefined ? node : next;
      }
      const segment = segments[depth] as string;
      if (segment === '*') {
        if (!Array.isArray(node)) return node;
        let copy: unknown[] | undefined;
        node.forEach((item, i) => {
          const next = visit(item, depth + 1, [...location, String(i)]);
          if (next !== item) {
            copy ??= [...node];
            copy[i] = next;
          }
        });
        return copy ?? node;
      }
      if (!isRecord(node) || !Object.hasOwn(node, segment)) return node;
      const child = node[segment];
      const next = visit(child, depth + 1, [...location, segment]);
      return next === child ? node : { ...node, [segment]: next };
    };
    out = visit(out, 0, []) as Record<string, unknown>;
  }
  return out;
}

/** The value at a concrete location, if it is a string. */
export function valueAt(data: Record<string, unknown>, location: string[]): string | undefined {
  let node: unknown = data;
  for (const segment of location) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isRecord(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return typeof node === 'string' ? node : undefined;
}
