// Property tests shared by the DingTalk and WeCom simulators: random requests never crash them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** A running simulator as the fuzz tests use it (read once the simulator listens). */
export interface FuzzTarget {
  base: string;
  /** A valid access token, sent on half of the wire requests. */
  token: string;
  clearFaults(): void;
}

export interface SimulatorFuzzOptions {
  /** Wire paths (their answers carry a numeric errcode), possibly one unknown to the simulator. */
  wire: string[];
  sandbox: string[];
  /** Query parameter names (and body keys) the routes read. */
  names: string[];
  /** More body keys the routes read. */
  bodyKeys: string[];
  /** Values that reach the routes' interesting branches. */
  values: (string | number)[];
}

/** Request bodies: strings, JSON, and JSON objects over `keys` with `values`. */
export function fuzzBody(keys: string[], values: (string | number)[]): fc.Arbitrary<string> {
  const value = fc.oneof(fc.anything(), fc.integer(), fc.constantFrom(...values));
  return fc.oneof(
    fc.string(),
    fc.json(),
    fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), value).map((record) => {
      try {
        return JSON.stringify(record) ?? 'null';
      } catch {
        return '{}';
      }
    }),
  );
}

/** Wire paths answer the platform's shape (JSON with a numeric errcode); sandbox paths 200/400/404 JSON. */
export async function expectWellFormed(wire: string[], path: string, response: Response) {
  const text = await response.text();
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (path.startsWith('/__sandbox/')) {
    expect([200, 400, 404]).toContain(response.status);
  } else if (wire.includes(path)) {
    // 404 only for a wrong method (or DingTalk's unknown path); it carries an errcode too.
    expect([200, 404]).toContain(response.status);
    expect(typeof parsed.errcode).toBe('number');
  } else {
    expect([200, 404]).toContain(response.status);
  }
}

/** Register the robustness properties against `target()` (called inside each run). */
export function describeSimulatorFuzz(target: () => FuzzTarget, options: SimulatorFuzzOptions) {
  const { wire, sandbox, names } = options;
  const body = fuzzBody([...names, ...options.bodyKeys], options.values);

  describe('simulator robustness (property)', () => {
    it('random bodies and queries on wire and sandbox paths never crash it', async () => {
      const { base, token } = target();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...wire, ...sandbox),
          fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), fc.string()), {
            maxLength: 5,
          }),
          fc.boolean(),
          body,
          async (path, method, params, withToken, payload) => {
            const url = new URL(path, base);
            for (const [key, v] of params) url.searchParams.append(key, v);
            if (withToken) url.searchParams.set('access_token', token);
            const init: RequestInit = { method };
            if (method !== 'GET') init.body = payload;
            await expectWellFormed(wire, path, await fetch(url, init));
            // An accepted fuzzed fault (up to 60 s of latency) must not stall the next runs.
            target().clearFaults();
          },
        ),
        { numRuns: 300 },
      );
    });

    it('random raw paths never crash it', async () => {
      const { base } = target();
      await fc.assert(
        fc.asyncProperty(fc.webPath(), fc.constantFrom('GET', 'POST'), async (path, method) => {
          const response = await fetch(`${base}${path.startsWith('/') ? '' : '/'}${path}`, { method });
          const text = await response.text();
          expect([200, 400, 404]).toContain(response.status);
          expect(() => JSON.parse(text)).not.toThrow();
        }),
        { numRuns: 100 },
      );
    });
  });
}
