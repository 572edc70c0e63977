import { describe, expect, it } from 'vitest';
import { createFaultRegistry, MAX_FAULT_LATENCY_MS, type SimulatorFault } from './faults';
import { BASE_FAULT_FIELDS, flagField, parseFault } from './parse-fault';

describe('createFaultRegistry', () => {
  it('fires a fault `times` times (default 1), then it is gone', () => {
    const faults = createFaultRegistry();
    faults.add({ path: '/a', errcode: 1, times: 2 });
    faults.add({ path: '/b', drop: true });
    expect(faults.take('/a')?.errcode).toBe(1);
    expect(faults.take('/a')?.errcode).toBe(1);
    expect(faults.take('/a')).toBeUndefined();
    expect(faults.take('/b')?.drop).toBe(true);
    expect(faults.take('/b')).toBeUndefined();
  });

  it('queues faults per path in order; clear drops all', () => {
    const faults = createFaultRegistry();
    faults.add({ path: '/a', errcode: 1 });
    faults.add({ path: '/a', errcode: 2 });
    expect(faults.take('/c')).toBeUndefined();
    expect(faults.take('/a')?.errcode).toBe(1);
    faults.add({ path: '/b', errcode: 3 });
    faults.clear();
    expect(faults.take('/a')).toBeUndefined();
    expect(faults.take('/b')).toBeUndefined();
  });
});

describe('parseFault', () => {
  it('accepts a valid description and copies only known fields', () => {
    expect(parseFault({ path: '/a', errcode: -1, latencyMs: 5, times: 3, other: 1 })).toEqual({
      path: '/a',
      errcode: -1,
      latencyMs: 5,
      times: 3,
    });
  });

  it('explains what is wrong', () => {
    expect(parseFault([])).toBe('body must be an object');
    expect(parseFault({ path: 'a', errcode: 1 })).toBe('path must start with /');
    expect(parseFault({ path: '/a', errcode: 1.5 })).toBe('errcode must be an integer');
    expect(parseFault({ path: '/a', latencyMs: MAX_FAULT_LATENCY_MS + 1 })).toBe(
      `latencyMs must be 0..${MAX_FAULT_LATENCY_MS}`,
    );
    expect(parseFault({ path: '/a', drop: 'yes' })).toBe('drop must be a boolean');
    expect(parseFault({ path: '/a', errcode: 1, times: 0 })).toBe('times must be a positive integer');
    expect(parseFault({ path: '/a', drop: false, times: 2 })).toBe(
      'one of errcode, latencyMs, drop is required',
    );
  });

  it('takes extra platform fields in order', () => {
    const fields = [...BASE_FAULT_FIELDS, flagField('x5')];
    expect(parseFault<SimulatorFault & { x5?: boolean }>({ path: '/a', x5: true }, fields)).toEqual({
      path: '/a',
      x5: true,
    });
    expect(parseFault({ path: '/a' }, fields)).toBe('one of errcode, latencyMs, drop, x5 is required');
  });
});
