/**
 * The platform side of `bench:sync`: the WeCom simulator (in this process or a child process), a
 * corp of bench members, the real WeCom client, and what the simulator received.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  createMemoryTokenCache,
  createWecomClient,
  createWecomSimulator,
  WecomApiError,
  type WecomClient,
  type WecomDeliveredMessage,
  type WecomOrgFixture,
} from '@gcrm/connectors/wecom';

export const CORP_ID = 'wwbenchsync000001';
export const CORP_SECRET = 'bench-sync-secret-not-real';
export const AGENT_ID = 1000002;
export const MEMBERS = 50;
export const MESSAGE_PATH = '/cgi-bin/message/send';

/** Members `bench-u0` … (fictitious staff; the bench sends each case's messages to one of them). */
export const BENCH_ORG: WecomOrgFixture = {
  departments: [{ id: 1, name: '临江市人民政府（压测）', parentId: 0 }],
  users: Array.from({ length: MEMBERS }, (_, i) => ({
    userid: `bench-u${i}`,
    name: `压测人员${i}`,
    departments: [1],
  })),
};

export interface SimulatorSetup {
  /** `message/send` calls per minute before 45009 (the simulator's own knob). Default unlimited. */
  callsPerMinute?: number;
  /** `message/send` calls in any 1 s before 45009. Default unlimited. */
  callsPerSecond?: number;
}

/** The simulator options of a bench run: per-member limits off (they are not what is measured). */
export function simulatorOptions(setup: SimulatorSetup) {
  return {
    corpId: CORP_ID,
    corpSecret: CORP_SECRET,
    agentId: AGENT_ID,
    org: BENCH_ORG,
    rateLimits: {
      callsPerMinute: setup.callsPerMinute ?? 1_000_000_000,
      ...(setup.callsPerSecond ? { callsPerSecond: setup.callsPerSecond } : {}),
    },
    messageLimits: { perMemberPerMinute: 1_000_000_000, perMemberPerHour: 1_000_000_000 },
  };
}

export interface Received {
  messages: WecomDeliveredMessage[];
  dropped: unknown[];
  duplicatesSuppressed: number;
}

export interface Platform {
  url: string;
  mode: 'in-process' | 'child';
  /** What the simulator delivered, in arrival order (through its sandbox endpoint). */
  received(): Promise<Received>;
  close(): Promise<void>;
}

/** Starts a WeCom simulator in this process or in a child process (its own core). */
export async function startPlatform(mode: Platform['mode'], setup: SimulatorSetup = {}): Promise<Platform> {
  let url: string;
  let close: () => Promise<void>;
  if (mode === 'in-process') {
    const simulator = createWecomSimulator(simulatorOptions(setup));
    url = await simulator.listen(0);
    close = () => simulator.close();
  } else {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'simulator-main.ts'), JSON.stringify(setup)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    url = await firstLine(child);
    close = async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    };
  }
  return {
    url,
    mode,
    async received() {
      const response = await fetch(`${url}/__sandbox/messages`);
      return (await response.json()) as Received;
    },
    close,
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`simulator child exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) resolveLine(text.slice(0, newline).trim());
    });
  });
}

/** The production WeCom client of the bench app, against `apiBase`. */
export function benchClient(apiBase: string): WecomClient {
  return createWecomClient(
    { corpId: CORP_ID, corpSecret: CORP_SECRET, apiBase, agentId: AGENT_ID },
    { tokenCache: createMemoryTokenCache() },
  );
}

/** The same client, counting the rate-limit answers (45009/45033) it got from the platform. */
export function countingClient(apiBase: string): { client: WecomClient; rateLimitErrors: () => number } {
  const inner = benchClient(apiBase);
  let errors = 0;
  const client: WecomClient = {
    ...inner,
    sendMessage: async (input) => {
      try {
        return await inner.sendMessage(input);
      } catch (error) {
        if (error instanceof WecomApiError && (error.errcode === 45009 || error.errcode === 45033)) errors++;
        throw error;
      }
    },
  };
  return { client, rateLimitErrors: () => errors };
}

/** What one message of case `caseIndex` carries to its member: the member and the text. */
export function messageFor(caseIndex: number, n: number) {
  return {
    touser: `bench-u${caseIndex % MEMBERS}`,
    content: `【办件进度】压测办件 bench-${caseIndex} 第${n}条进度通知`,
  };
}

const CONTENT = /bench-(\d+) 第(\d+)条/;

/**
 * Checks what the simulator received against `expected` messages: each once (by case and n), and
 * each case's messages in order of n. Returns the counts the bench reports.
 */
export function checkReceived(received: Received, expected: number) {
  const seen = new Set<string>();
  const lastN = new Map<string, number>();
  let duplicates = 0;
  let outOfOrder = 0;
  for (const m of received.messages) {
    const match = CONTENT.exec(String(m.content.content));
    if (!match) continue;
    const [, caseId, nText] = match as unknown as [string, string, string];
    const n = Number(nText);
    const key = `${caseId}:${n}`;
    if (seen.has(key)) duplicates++;
    seen.add(key);
    if ((lastN.get(caseId) ?? -1) > n) outOfOrder++;
    lastN.set(caseId, Math.max(n, lastN.get(caseId) ?? -1));
  }
  return {
    unique: seen.size,
    missing: expected - seen.size,
    duplicates,
    outOfOrder,
    dropped: received.dropped.length,
    suppressed: received.duplicatesSuppressed,
  };
}
