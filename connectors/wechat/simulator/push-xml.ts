// XML bodies of simulated pushes: nested objects become elements, arrays repeated elements (`<List>`).

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function cdata(value: string): string {
  return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function element(name: string, value: unknown): string {
  if (!NAME.test(name)) throw new TypeError('element names must be XML names');
  if (Array.isArray(value)) return value.map((item) => element(name, item)).join('');
  if (typeof value === 'number' || typeof value === 'boolean') return `<${name}>${String(value)}</${name}>`;
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  if (typeof value === 'object' && value !== null) {
    const inner = Object.entries(value).map(([key, child]) => element(key, child));
    return `<${name}>${inner.join('')}</${name}>`;
  }
  return `<${name}></${name}>`;
}

/** `<xml>…</xml>` for `fields`; throws TypeError on a key that is not an XML name. */
export function pushXml(fields: Record<string, unknown>): string {
  return `<xml>${Object.entries(fields)
    .map(([key, value]) => element(key, value))
    .join('')}</xml>`;
}
