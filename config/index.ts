/**
 * Process configuration: `defaults.json` overridden by environment variables, validated against
 * `schemas/env.schema.json` before anything starts. Every consumer reads the typed {@link AppConfig}.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError naming every bad key
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { type CallbacksConfig, callbacksConfigFromEnv } from './callbacks';
import { ConfigError } from './config-error';
import defaults from './defaults.json' with { type: 'json' };
import envSchema from './schemas/env.schema.json' with { type: 'json' };

export type RuntimeEnv = 'development' | 'test' | 'production';

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'mysql'; url: string; poolSize: number };

export interface AppConfig {
  env: RuntimeEnv;
  host: string;
  port: number;
  dataDir: string;
  logLevel: string;
  database: DatabaseConfig;
  /** Unset: cache, locks and rate limits live in this process. */
  redisUrl?: string;
  /** REDIS_PREFIX: prefix of every key this deployment writes to Redis (default `gcrm:`). */
  redisPrefix: string;
  wechat: {
    appId: string;
    appSecret: string;
    /** Unset: the WeChat simulator is started in-process (embedded mode only). */
    apiBase?: string;
  };
  /**
   * DingTalk internal app (staff 免登 and org sync). In production only when DINGTALK_APP_KEY is set;
   * in development without DINGTALK_OAPI_BASE/DINGTALK_API_BASE the simulator runs in-process with sandbox credentials.
   */
  dingtalk?: {
    appKey: string;
    appSecret: string;
    /** DINGTALK_AGENT_ID: work notifications and approvals need it; the simulator accepts any. */
    agentId?: number;
    /** DINGTALK_OAPI_BASE: the old API generation (oapi.dingtalk.com). */
    oapiBase?: string;
    /** DINGTALK_API_BASE: the v1.0 API generation (api.dingtalk.com). */
    apiBase?: string;
    /** DINGTALK_APPROVAL_PROCESS_CODE: tasks are mirrored into this DingTalk OA approval when set. */
    approvalProcessCode?: string;
  };
  /** WeCom self-built app, as `dingtalk` (WECOM_SECRET, WECOM_AGENT_ID for app messages). */
  wecom?: { corpId: string; corpSecret: string; agentId?: number; apiBase?: string };
  /** Inbound callbacks: tokens, keys, DingTalk mode and the replay window (issue 6 names). */
  callbacks: CallbacksConfig;
  /** Aliyun SMS (SMS_*); unset: the SMS simulator runs in-process in development, no SMS in production. */
  sms?: { accessKeyId: string; accessKeySecret: string; signName: string; apiBase?: string };
  /**
   * Department data sources of the citizen profile (DEPT_DATA_*): credentials and the API base of each
   * source. A source without a base runs as an in-process simulator in development (with
   * `populationSize` fictitious persons) and is left out in production.
   */
  deptData: { appKey?: string; appSecret?: string; apiBases: Record<string, string>; populationSize: number };
  /** The departments' legacy OA systems (OA_FILE, default config/oa.json). */
  oaFile: string;
  /** WEB_DIR: the built H5 app the gateway serves at `/` (default miniprogram/dist/h5). */
  webDir: string;
  /** Master key (64 hex) of personal-data encryption; unset outside production: generated under dataDir. */
  cryptoMasterKey?: string;
  /** SM2 private key (64 hex) signing audit checkpoints; unset outside production: generated under dataDir. */
  auditSm2PrivateKey?: string;
  /** Scheduled jobs: whether this instance runs them, and the file with their schedules. */
  scheduler: { enabled: boolean; jobsFile: string };
  jwt: {
    /** PKCS#8 PEM of an ES256 key. Unset outside production: generated once under dataDir. */
    privateKeyPem?: string;
    keyId?: string;
    /** JWKS (JSON) of retired public keys still accepted while their tokens live. */
    previousPublicKeys?: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  http: {
    bodyLimitBytes: number;
    trustProxy: boolean;
    shutdownTimeoutMs: number;
    loginRatePerMinute: number;
  };
  /** Catalog admin API token (ADMIN_API_TOKEN); unset closes the admin API. */
  adminApiToken?: string;
  /** How often an instance checks whether another one published a catalog change. */
  catalogReloadSeconds: number;
  workflow: {
    /** How often each instance fires due workflow timers. */
    timerIntervalMs: number;
    /** 行政区划 code of the regional holiday overrides used for deadlines; unset: national calendar. */
    calendarRegion?: string;
  };
  /** Not production: platform simulators may run in-process when no API base is configured. */
  embedded: boolean;
  /** Seed the demo data (DEMO_DATA; default: embedded). */
  demoData: boolean;
}

export { ConfigError } from './config-error';

/** Demo credentials that only the in-process simulators accept. */
export const SANDBOX_DINGTALK = {
  appKey: 'dingsandbox0001',
  appSecret: 'sandbox-dingtalk-secret-not-for-production',
};
export const SANDBOX_WECOM = {
  corpId: 'wwsandbox0001',
  corpSecret: 'sandbox-wecom-secret-not-for-production',
};

/** Demo credentials that only the in-process simulator accepts. */
export const SANDBOX_WECHAT = { appId: 'wx0000sandbox0001', appSecret: 'sandbox-secret-not-for-production' };

const KNOWN_KEYS = Object.keys(envSchema.properties);
const ajv = new Ajv2020({ allErrors: true, coerceTypes: true, useDefaults: false, strict: false });
const validateEnv = ajv.compile<Record<string, unknown>>(envSchema);

function describe(error: ErrorObject): string {
  const key =
    error.keyword === 'required'
      ? String(error.params.missingProperty)
      : error.instancePath.replace(/^\//, '') || '(root)';
  switch (error.keyword) {
    case 'required':
      return `${key}: 必填 (required)`;
    case 'type':
      return `${key}: 类型应为 ${String(error.params.type)} (must be ${String(error.params.type)})`;
    case 'enum':
      return `${key}: 取值应为 ${(error.params.allowedValues as unknown[]).join(' | ')}`;
    case 'pattern':
      return `${key}: 格式不正确 (does not match ${String(error.params.pattern)})`;
    case 'minimum':
    case 'maximum':
      return `${key}: 超出范围 (${error.message ?? ''})`;
    default:
      return `${key}: ${error.message ?? error.keyword}`;
  }
}

/**
 * Reads configuration from `defaults.json` and `env` (only the keys the schema knows; empty strings
 * count as unset). Relative paths are resolved against `cwd`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const raw: Record<string, unknown> = { ...defaults };
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const problems: string[] = [];
  if (!validateEnv(raw)) {
    const seen = new Set<string>();
    for (const error of validateEnv.errors ?? []) {
      if (error.keyword === 'if') continue;
      const line = describe(error);
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    }
  }
  if (raw.WECHAT_API_BASE !== undefined) {
    for (const key of ['WECHAT_APP_ID', 'WECHAT_APP_SECRET']) {
      if (raw[key] === undefined)
        problems.push(`${key}: 设置 WECHAT_API_BASE 时必填 (required with WECHAT_API_BASE)`);
    }
  }
  if (raw.JWT_PRIVATE_KEY !== undefined && raw.JWT_KEY_ID === undefined) {
    problems.push('JWT_KEY_ID: 设置 JWT_PRIVATE_KEY 时必填 (required with JWT_PRIVATE_KEY)');
  }
  if (raw.JWT_PUBLIC_KEYS !== undefined && !isJwks(String(raw.JWT_PUBLIC_KEYS))) {
    problems.push('JWT_PUBLIC_KEYS: 应为 JWKS JSON，形如 {"keys":[…]} (must be a JWKS JSON document)');
  }
  let callbacks: CallbacksConfig | undefined;
  try {
    callbacks = callbacksConfigFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const smsKeys = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME'];
  const smsSet = smsKeys.filter((key) => raw[key] !== undefined);
  if (smsSet.length > 0 && smsSet.length < smsKeys.length) {
    for (const key of smsKeys.filter((k) => raw[k] === undefined))
      problems.push(`${key}: 设置 ${smsSet[0]} 时必填 (required with ${smsSet[0]})`);
  }
  let deptBases: Record<string, string> = {};
  if (raw.DEPT_DATA_API_BASES !== undefined) {
    const parsed = parseDeptBases(String(raw.DEPT_DATA_API_BASES));
    if (parsed) deptBases = parsed;
    else
      problems.push(
        'DEPT_DATA_API_BASES: 应为 JSON 对象，键为数据源（hukou 等），值为 http(s) 地址 (must map sources to URLs)',
      );
  }
  if (Object.keys(deptBases).length > 0 && (!raw.DEPT_DATA_APP_KEY || !raw.DEPT_DATA_APP_SECRET)) {
    problems.push('DEPT_DATA_APP_KEY: 设置 DEPT_DATA_API_BASES 时必填 (required with DEPT_DATA_API_BASES)');
  }
  if (problems.length > 0 || !callbacks) throw new ConfigError(problems);

  const env_ = raw.NODE_ENV as RuntimeEnv;
  const embedded = env_ !== 'production';
  const dataDir = absolute(String(raw.DATA_DIR), cwd);
  const dbUrl = (raw.DATABASE_URL as string | undefined) ?? `sqlite:${dataDir}/gcrm.sqlite`;
  const database: DatabaseConfig = dbUrl.startsWith('mysql://')
    ? { kind: 'mysql', url: dbUrl, poolSize: raw.DB_POOL_SIZE as number }
    : {
        kind: 'sqlite',
        file: dbUrl === ':memory:' ? ':memory:' : absolute(dbUrl.slice('sqlite:'.length), cwd),
      };

  const apiBase =
    (raw.WECHAT_API_BASE as string | undefined) ?? (embedded ? undefined : 'https://api.weixin.qq.com');
  return {
    env: env_,
    host: String(raw.HOST),
    port: raw.PORT as number,
    dataDir,
    logLevel: String(raw.LOG_LEVEL),
    database,
    redisUrl: raw.REDIS_URL as string | undefined,
    redisPrefix: (raw.REDIS_PREFIX as string | undefined) ?? 'gcrm:',
    wechat: {
      appId: (raw.WECHAT_APP_ID as string | undefined) ?? SANDBOX_WECHAT.appId,
      appSecret: (raw.WECHAT_APP_SECRET as string | undefined) ?? SANDBOX_WECHAT.appSecret,
      apiBase,
    },
    dingtalk:
      raw.DINGTALK_APP_KEY || embedded
        ? {
            appKey: (raw.DINGTALK_APP_KEY as string | undefined) ?? SANDBOX_DINGTALK.appKey,
            appSecret: (raw.DINGTALK_APP_SECRET as string | undefined) ?? SANDBOX_DINGTALK.appSecret,
            agentId: raw.DINGTALK_AGENT_ID as number | undefined,
            oapiBase:
              (raw.DINGTALK_OAPI_BASE as string | undefined) ??
              (embedded ? undefined : 'https://oapi.dingtalk.com'),
            apiBase:
              (raw.DINGTALK_API_BASE as string | undefined) ??
              (embedded ? (raw.DINGTALK_OAPI_BASE as string | undefined) : 'https://api.dingtalk.com'),
            approvalProcessCode: raw.DINGTALK_APPROVAL_PROCESS_CODE as string | undefined,
          }
        : undefined,
    wecom:
      raw.WECOM_CORP_ID || embedded
        ? {
            corpId: (raw.WECOM_CORP_ID as string | undefined) ?? SANDBOX_WECOM.corpId,
            corpSecret:
              (raw.WECOM_SECRET as string | undefined) ??
              (raw.WECOM_CORP_SECRET as string | undefined) ??
              SANDBOX_WECOM.corpSecret,
            agentId: raw.WECOM_AGENT_ID as number | undefined,
            apiBase:
              (raw.WECOM_API_BASE as string | undefined) ??
              (embedded ? undefined : 'https://qyapi.weixin.qq.com'),
          }
        : undefined,
    callbacks,
    sms: raw.SMS_ACCESS_KEY_ID
      ? {
          accessKeyId: String(raw.SMS_ACCESS_KEY_ID),
          accessKeySecret: String(raw.SMS_ACCESS_KEY_SECRET),
          signName: String(raw.SMS_SIGN_NAME),
          apiBase: (raw.SMS_API_BASE as string | undefined) ?? 'https://dysmsapi.aliyuncs.com',
        }
      : undefined,
    deptData: {
      appKey: raw.DEPT_DATA_APP_KEY as string | undefined,
      appSecret: raw.DEPT_DATA_APP_SECRET as string | undefined,
      apiBases: deptBases,
      populationSize: (raw.DEPT_POPULATION_SIZE as number | undefined) ?? 2000,
    },
    webDir: raw.WEB_DIR
      ? resolve(cwd, raw.WEB_DIR as string)
      : fileURLToPath(new URL('../miniprogram/dist/h5', import.meta.url)),
    oaFile: raw.OA_FILE
      ? resolve(cwd, raw.OA_FILE as string)
      : fileURLToPath(new URL('./oa.json', import.meta.url)),
    cryptoMasterKey: raw.CRYPTO_MASTER_KEY as string | undefined,
    auditSm2PrivateKey: raw.AUDIT_SM2_PRIVATE_KEY as string | undefined,
    scheduler: {
      enabled: (raw.SCHEDULER_ENABLED as boolean | undefined) ?? true,
      jobsFile: raw.JOBS_FILE
        ? resolve(cwd, raw.JOBS_FILE as string)
        : fileURLToPath(new URL('./jobs.json', import.meta.url)),
    },
    jwt: {
      privateKeyPem: raw.JWT_PRIVATE_KEY as string | undefined,
      keyId: raw.JWT_KEY_ID as string | undefined,
      previousPublicKeys: raw.JWT_PUBLIC_KEYS as string | undefined,
      issuer: String(raw.JWT_ISSUER),
      audience: String(raw.JWT_AUDIENCE),
      accessTtlSeconds: raw.ACCESS_TOKEN_TTL_SECONDS as number,
      refreshTtlSeconds: raw.REFRESH_TOKEN_TTL_SECONDS as number,
    },
    http: {
      bodyLimitBytes: raw.BODY_LIMIT_BYTES as number,
      trustProxy: raw.TRUST_PROXY as boolean,
      shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS as number,
      loginRatePerMinute: raw.LOGIN_RATE_PER_MINUTE as number,
    },
    adminApiToken: raw.ADMIN_API_TOKEN as string | undefined,
    catalogReloadSeconds: raw.CATALOG_RELOAD_SECONDS as number,
    workflow: {
      timerIntervalMs: raw.WORKFLOW_TIMER_INTERVAL_MS as number,
      calendarRegion: raw.CALENDAR_REGION as string | undefined,
    },
    embedded,
    demoData: (raw.DEMO_DATA as boolean | undefined) ?? embedded,
  };
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

const DEPT_SOURCES = ['hukou', 'social-insurance', 'marriage', 'health', 'education', 'property'];

function parseDeptBases(text: string): Record<string, string> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const entries = Object.entries(value as Record<string, unknown>);
    const ok = entries.every(
      ([k, v]) => DEPT_SOURCES.includes(k) && typeof v === 'string' && /^https?:\/\/\S+$/.test(v),
    );
    return ok ? (Object.fromEntries(entries) as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function isJwks(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    return Array.isArray(parsed.keys);
  } catch {
    return false;
  }
}
