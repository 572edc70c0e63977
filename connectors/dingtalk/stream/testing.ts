// Helpers for Stream-mode tests: a gateway on 127.0.0.1 with short timings, raw sockets, polling.
import WebSocket from 'ws';
import { postJson } from '../../core/testing/raw-http';
import { OPEN_CONNECTION_PATH } from './open-connection';
import type { StreamGatewaySimulatorOptions } from './simulator';
import { type RunningStreamGateway, startStreamGatewaySimulator } from './simulator-server';

export const APP = { clientId: 'dingstreamsimkey01', clientSecret: 'sim-stream-secret-0123456789abcdef' };
export const EVENTS_ALL = [{ type: 'EVENT' as const, topic: '*' }];

/** Short timings so redelivery and reconnects happen within a test. */
export function startTestGateway(options: StreamGatewaySimulatorOptions = {}): Promise<RunningStreamGateway> {
  return startStreamGatewaySimulator({
    credentials: APP,
    ackTimeoutMs: 300,
    redelivery: { minMs: 20, maxMs: 100 },
    pingIntervalMs: 0,
    disconnectGraceMs: 300,
    ...options,
  });
}

export async function openTicket(base: string, subscriptions: unknown = EVENTS_ALL) {
  return postJson(base, OPEN_CONNECTION_PATH, { ...APP, subscriptions, ua: 'test/1.0', localIp: '10.0.0.1' });
}

/** A downstream frame as a raw test socket sees it. */
export interface RawFrame {
  specVersion: string;
  type: string;
  headers: Record<string, string>;
  data: string;
}

/** A raw socket that keeps every text frame it receives. */
export interface RawSocket {
  ws: WebSocket;
  frames: RawFrame[];
  closed: Promise<number>;
}

/** Open `endpoint?ticket=`; resolves with the socket, or rejects with the HTTP status of a refused upgrade. */
export function connectRaw(endpoint: string, ticket: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${endpoint}?ticket=${encodeURIComponent(ticket)}`);
    const frames: RawFrame[] = [];
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString('utf8'))));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('open', () => resolve({ ws, frames, closed }));
  });
}

/** Poll `check` until it returns a value other than undefined/false. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error('waitFor timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let eventCounter = 0;

export function testEvent(data: Record<string, unknown> = {}) {
  eventCounter += 1;
  return {
    eventType: 'bpms_instance_change',
    eventId: `evt${String(eventCounter).padStart(6, '0')}`,
    corpId: 'dingcorpsim0001',
    bornTime: 1_700_000_000_000 + eventCounter,
    data: { processInstanceId: `pi-${eventCounter}`, type: 'finish', result: 'agree', ...data },
  };
}
