/**
 * A gateway child process that a fault suite may SIGKILL and bring back on the same port, with an
 * HTTP helper that rides out the gap: connection errors and 5xx answers are retried (same request,
 * same Idempotency-Key) until the gateway answers or the deadline passes.
 */
import { clearPiiIn } from '../../gateway/test/pii-scan';
import { call, type Reply } from './http';
import { type GatewayProcess, spawnGateway } from './spawn-gateway';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RestartableGateway {
  private proc?: GatewayProcess;
  private starting?: Promise<void>;
  /** Output of every process so far (killed ones included), for the log scan and failure reports. */
  private readonly outputs: string[] = [];
  kills = 0;
  /** Requests the driver had to repeat (connection refused or reset, 5xx) because of a kill. */
  retries = 0;
  /** Start-up time of each process, ms. */
  readonly startMs: number[] = [];

  constructor(
    private readonly env: Record<string, string>,
    readonly url: string,
  ) {}

  async start(): Promise<void> {
    this.starting ??= (async () => {
      const t0 = Date.now();
      this.proc = await spawnGateway(this.env, 90_000);
      this.startMs.push(Date.now() - t0);
      if (this.proc.url !== this.url) throw new Error(`gateway came up on ${this.proc.url}, not ${this.url}`);
    })().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** SIGKILL (no shutdown hooks, leases left held), then start a new process on the same port. */
  async killAndRestart(): Promise<void> {
    await this.starting;
    const proc = this.proc!;
    proc.child.kill('SIGKILL');
    const exit = await proc.exited;
    if (exit.signal !== 'SIGKILL') throw new Error(`gateway exited with ${exit.code ?? exit.signal}`);
    this.outputs.push(proc.output());
    this.proc = undefined;
    this.kills += 1;
    await this.start();
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => {});
    const proc = this.proc;
    if (!proc) return;
    proc.child.kill('SIGTERM');
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
    await proc.exited;
    clearTimeout(timer);
    this.outputs.push(proc.output());
    this.proc = undefined;
  }

  /** Everything the processes printed (LOG_LEVEL=warn), oldest first. */
  output(): string {
    return [...this.outputs, this.proc?.output() ?? ''].join('\n');
  }

  /** Clear ID or phone numbers the gateway logged. */
  leaks(): string[] {
    return clearPiiIn(this.output());
  }

  /**
   * `call` against the gateway, repeated while it is down or answers 5xx (at most `timeoutMs`).
   * The request is the same each time: a POST carrying an Idempotency-Key stays one effect.
   */
  async call<T = any>(
    path: string,
    init: Parameters<typeof call>[1] = {},
    timeoutMs = 60_000,
  ): Promise<Reply<T>> {
    return this.retry(async () => {
      const reply = await call<T>(`${this.url}${path}`, init);
      if (reply.status >= 500) throw new Transient(`${reply.status} ${JSON.stringify(reply.body)}`);
      return reply;
    }, timeoutMs);
  }

  /** Runs `attempt` until it neither fails to connect nor throws {@link Transient}. */
  async retry<T>(attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        const transient = error instanceof Transient || isConnectionError(error);
        if (!transient || Date.now() > deadline) throw error;
        this.retries += 1;
        await sleep(200);
      }
    }
  }
}

/** A 5xx answer or similar: worth repeating. */
export class Transient extends Error {}

function isConnectionError(error: unknown): boolean {
  // undici: TypeError('fetch failed') with the socket error as cause (ECONNREFUSED, ECONNRESET, …).
  return error instanceof TypeError && /fetch failed|terminated|other side closed/i.test(error.message);
}
