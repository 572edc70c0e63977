import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { isCredentialErrorCode } from './errors';
import {
  buildEventAck,
  eventAckStatus,
  MAX_FRAME_BYTES,
  parseStreamAck,
  parseStreamFrame,
  StreamFrameError,
  toStreamEvent,
} from './frames';

// The EVENT sample of developerpedia docs/learn/stream/protocol.md.
const EVENT_FRAME = JSON.stringify({
  specVersion: '1.0',
  type: 'EVENT',
  headers: {
    topic: 'dingTalk',
    messageId: '213d841d_972_1898bb26334_70a7',
    contentType: 'application/json',
    time: '167123345',
    eventType: 'user_add_org',
    eventId: 'c7c7120f2c07419ebdba0318c8',
    eventCorpId: 'ding9f50b15b16741',
    eventBornTime: '1683533823336',
    eventUnifiedAppId: 'bbb381b6-f01-58daac',
  },
  data: '{"timestamp" : "1685501863357", "userId" : ["015xxxx227"]}',
});

describe('parseStreamFrame', () => {
  it('reads the documented EVENT frame', () => {
    const event = toStreamEvent(parseStreamFrame(EVENT_FRAME));
    expect(event).toMatchObject({
      eventId: 'c7c7120f2c07419ebdba0318c8',
      eventType: 'user_add_org',
      corpId: 'ding9f50b15b16741',
      bornTime: 1683533823336,
      data: { timestamp: '1685501863357', userId: ['015xxxx227'] },
    });
  });

  it('reads the documented disconnect frame (no messageId) and numeric header values', () => {
    const frame = parseStreamFrame(
      '{"type":"SYSTEM","headers":{"topic":"disconnect","contentType":"application/json","time":1683279456460},' +
        '"data":"{\\"reason\\":\\"persistent connection is timeout\\"}"}',
    );
    expect(frame).toMatchObject({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'disconnect' } });
    expect(frame.headers.time).toBe('1683279456460');
  });

  it('accepts the `header` spelling of the developerpedia sample', () => {
    const frame = parseStreamFrame(EVENT_FRAME.replace('"headers"', '"header"'));
    expect(frame.headers.eventId).toBe('c7c7120f2c07419ebdba0318c8');
  });

  it.each([
    ['not JSON', 'hello'],
    ['an array', '[1]'],
    ['unknown type', '{"type":"PUSH","headers":{"topic":"x","messageId":"m"},"data":"{}"}'],
    ['no headers', '{"type":"EVENT","data":"{}"}'],
    ['no topic', '{"type":"SYSTEM","headers":{"messageId":"m"},"data":"{}"}'],
    ['EVENT without messageId', '{"type":"EVENT","headers":{"topic":"*"},"data":"{}"}'],
    ['object data', '{"type":"EVENT","headers":{"topic":"*","messageId":"m"},"data":{}}'],
  ])('refuses %s with a StreamFrameError', (_name, raw) => {
    expect(() => parseStreamFrame(raw)).toThrow(StreamFrameError);
  });

  it('refuses frames above MAX_FRAME_BYTES', () => {
    expect(() => parseStreamFrame(`"${'x'.repeat(MAX_FRAME_BYTES)}"`)).toThrow('too large');
  });

  it('an EVENT without eventId or with non-object data is no StreamEvent', () => {
    const noId = parseStreamFrame(EVENT_FRAME.replace('"eventId"', '"eventIdX"'));
    expect(() => toStreamEvent(noId)).toThrow('eventId');
    const badData = parseStreamFrame(EVENT_FRAME.replace(/"data":".*"}$/, '"data":"[1,2]"}'));
    expect(() => toStreamEvent(badData)).toThrow('JSON object');
  });

  it('garbage never escapes as anything but StreamFrameError (property)', () => {
    const frameLike = fc.record(
      {
        specVersion: fc.oneof(fc.constant('1.0'), fc.anything()),
        type: fc.oneof(fc.constantFrom('SYSTEM', 'EVENT', 'CALLBACK'), fc.anything()),
        headers: fc.oneof(
          fc.dictionary(
            fc.constantFrom(
              'topic',
              'messageId',
              'eventId',
              'eventType',
              'eventBornTime',
              '__proto__',
              'constructor',
            ),
            fc.oneof(fc.string(), fc.integer(), fc.double(), fc.anything()),
          ),
          fc.anything(),
        ),
        data: fc.oneof(fc.json(), fc.string(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const raw = fc.oneof(
      fc.string(),
      fc.json(),
      frameLike.map((value) => {
        try {
          return JSON.stringify(value) ?? 'null';
        } catch {
          return '{}';
        }
      }),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    );
    fc.assert(
      fc.property(raw, (input) => {
        try {
          const frame = parseStreamFrame(input);
          expect(typeof frame.headers.topic).toBe('string');
          if (frame.type === 'EVENT') {
            try {
              const event = toStreamEvent(frame);
              expect(typeof event.data).toBe('object');
              expect(Number.isFinite(event.bornTime)).toBe(true);
            } catch (error) {
              expect(error).toBeInstanceOf(StreamFrameError);
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(StreamFrameError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseStreamAck', () => {
  it('round-trips an event ack', () => {
    const ack = parseStreamAck(JSON.stringify(buildEventAck('m1', 'SUCCESS', 'success')));
    expect(ack).toEqual({
      code: 200,
      headers: { messageId: 'm1', contentType: 'application/json' },
      message: 'OK',
      data: '{"status":"SUCCESS","message":"success"}',
    });
    expect(eventAckStatus(ack)).toBe('SUCCESS');
  });

  it('anything but code 200 with status SUCCESS counts as LATER', () => {
    expect(eventAckStatus(buildEventAck('m', 'LATER', 'x'))).toBe('LATER');
    expect(eventAckStatus({ ...buildEventAck('m', 'SUCCESS', 'x'), code: 500 })).toBe('LATER');
    expect(eventAckStatus({ ...buildEventAck('m', 'SUCCESS', 'x'), data: 'nope' })).toBe('LATER');
  });

  it('garbage never escapes as anything but StreamFrameError (property)', () => {
    const ackLike = fc
      .record(
        {
          code: fc.oneof(fc.constant(200), fc.anything()),
          headers: fc.oneof(
            fc.record({ messageId: fc.anything(), contentType: fc.anything() }),
            fc.anything(),
          ),
          message: fc.anything(),
          data: fc.oneof(fc.json(), fc.anything()),
        },
        { requiredKeys: [] },
      )
      .map((value) => {
        try {
          return JSON.stringify(value) ?? 'null';
        } catch {
          return '{}';
        }
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), ackLike), (input) => {
        try {
          const ack = parseStreamAck(input);
          expect(typeof ack.headers.messageId).toBe('string');
          expect(['SUCCESS', 'LATER']).toContain(eventAckStatus(ack));
        } catch (error) {
          expect(error).toBeInstanceOf(StreamFrameError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('backoffDelay', () => {
  it('stays within [minMs, maxMs] and grows towards maxMs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 200 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, minMs, extra, r) => {
          const maxMs = minMs + extra;
          const delay = backoffDelay(attempt, { minMs, maxMs }, () => r);
          expect(delay).toBeGreaterThanOrEqual(minMs);
          expect(delay).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
    expect(backoffDelay(1, { minMs: 100, maxMs: 10_000 }, () => 0.999)).toBeLessThanOrEqual(100);
    expect(backoffDelay(20, { minMs: 100, maxMs: 10_000 }, () => 0)).toBe(5000);
  });
});

describe('isCredentialErrorCode', () => {
  it('flags credential codes only', () => {
    expect(isCredentialErrorCode('invalidClientIdOrSecret')).toBe(true);
    expect(isCredentialErrorCode('AuthenticationFailed.MissingParameter')).toBe(true);
    expect(isCredentialErrorCode('Forbidden.AccessDenied.QpsLimitForAppkeyAndApi')).toBe(false);
    expect(isCredentialErrorCode(undefined)).toBe(false);
  });
});
