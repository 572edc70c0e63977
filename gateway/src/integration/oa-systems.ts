import { readFileSync } from 'node:fs';
import { ConfigError } from '@gcrm/config';
import {
  createGenericOaConnector,
  createGenericOaSimulator,
  createLandrayConnector,
  createLandraySimulator,
  createSeeyonConnector,
  createSeeyonSimulator,
  createWeaverConnector,
  createWeaverSimulator,
  type OaConnector,
  type OaSimulatorBase,
} from '@gcrm/connectors/oa';

/** One OA server as `config/oa.json` describes it. Values starting with `$` name environment variables. */
interface SystemSpec {
  vendor: 'weaver' | 'seeyon' | 'landray' | 'generic';
  name: string;
  baseUrl?: string;
  settings?: Record<string, string>;
}

/** What a department's OA needs to receive one of its cases. */
export interface OaDepartment {
  system: string;
  /** Weaver workflowId, Seeyon templateCode, Landray fdTemplateId, generic template. */
  template: string;
  /** The acting OA account. */
  initiator: string;
  /** OA field name → `caseNumber` | `serviceName` | `form.<path>` (dot path into the form data). */
  fields: Record<string, string>;
}

export interface OaSystem {
  id: string;
  name: string;
  vendor: SystemSpec['vendor'];
  connector: OaConnector;
  /** The generic protocol's shared secret (its callbacks are signed with it). */
  secret?: string;
}

/** The configured OA systems, opened (simulators started where a development config has no URL). */
export interface OaSystems {
  systems: Map<string, OaSystem>;
  departments: Map<string, OaDepartment>;
  /** The in-process simulators by system id (development only). */
  simulators: Map<string, OaSimulatorBase>;
  close(): Promise<void>;
}

interface OaFile {
  systems?: Record<string, SystemSpec>;
  departments?: Record<string, OaDepartment>;
}

const SYSTEM_ID = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Reads the OA file and opens a connector per system. In development a system without `baseUrl` gets
 * an in-process simulator that accepts the file's template and initiator; in production a missing URL
 * or an unset `$VARIABLE` is a {@link ConfigError}.
 */
export async function openOaSystems(
  file: string,
  options: { embedded: boolean; env?: Record<string, string | undefined> },
): Promise<OaSystems> {
  const env = options.env ?? process.env;
  let parsed: OaFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as OaFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') parsed = {};
    else throw new ConfigError([`OA_FILE: 无法读取或不是 JSON (${(error as Error).message})`]);
  }
  const problems: string[] = [];
  const departments = new Map<string, OaDepartment>();
  for (const [code, d] of Object.entries(parsed.departments ?? {})) {
    if (!parsed.systems?.[d.system]) problems.push(`OA_FILE: 部门 ${code} 的 system ${d.system} 未定义`);
    if (!d.template || !d.initiator) problems.push(`OA_FILE: 部门 ${code} 缺少 template 或 initiator`);
    departments.set(code, { ...d, fields: d.fields ?? {} });
  }
  const resolveValue = (system: string, key: string, value: string) => {
    if (!value.startsWith('$')) return value;
    const fromEnv = env[value.slice(1)];
    if (fromEnv) return fromEnv;
    if (options.embedded) return `sandbox-${system}-${key}`;
    problems.push(`${value.slice(1)}: OA 系统 ${system} 需要 (required by OA system ${system})`);
    return '';
  };
  const specs = Object.entries(parsed.systems ?? {});
  for (const [id, spec] of specs) {
    if (!SYSTEM_ID.test(id)) problems.push(`OA_FILE: 系统名 ${id} 应为小写字母、数字和连字符`);
    if (!['weaver', 'seeyon', 'landray', 'generic'].includes(spec.vendor))
      problems.push(`OA_FILE: 系统 ${id} 的 vendor 应为 weaver | seeyon | landray | generic`);
    if (!spec.baseUrl && !options.embedded) problems.push(`OA_FILE: 系统 ${id} 缺少 baseUrl`);
  }
  const settingsOf = (id: string, spec: SystemSpec) =>
    Object.fromEntries(
      Object.entries(spec.settings ?? {}).map(([k, v]) => [k, resolveValue(id, k, String(v))]),
    ) as Record<string, string>;
  const resolved = specs.map(([id, spec]) => [id, spec, settingsOf(id, spec)] as const);
  if (problems.length > 0) throw new ConfigError(problems);

  const systems = new Map<string, OaSystem>();
  const simulators = new Map<string, OaSimulatorBase>();
  for (const [id, spec, settings] of resolved) {
    const served = [...departments.values()].filter((d) => d.system === id);
    let baseUrl = spec.baseUrl;
    if (!baseUrl) {
      const sim = simulatorFor(spec.vendor, settings, served);
      baseUrl = await sim.listen(0, '127.0.0.1');
      simulators.set(id, sim);
    }
    const { connector, secret } = connectorFor(id, spec.vendor, baseUrl, settings);
    systems.set(id, { id, name: spec.name, vendor: spec.vendor, connector, ...(secret ? { secret } : {}) });
  }
  return {
    systems,
    departments,
    simulators,
    close: async () => {
      await Promise.all([...simulators.values()].map((s) => s.close()));
    },
  };
}

function connectorFor(
  id: string,
  vendor: SystemSpec['vendor'],
  baseUrl: string,
  s: Record<string, string>,
): { connector: OaConnector; secret?: string } {
  switch (vendor) {
    case 'weaver':
      return {
        connector: createWeaverConnector({
          baseUrl,
          appid: s.appid ?? '',
          serviceUserId: s.serviceUserId ?? '1',
        }),
      };
    case 'seeyon':
      return {
        connector: createSeeyonConnector({
          baseUrl,
          restUser: s.restUser ?? '',
          restPassword: s.restPassword ?? '',
          forms: s.forms ? (JSON.parse(s.forms) as Record<string, string>) : {},
          serviceLoginName: s.serviceLoginName ?? '',
        }),
      };
    case 'landray':
      return {
        connector: createLandrayConnector({
          baseUrl,
          ...(s.soapUser ? { soapUser: s.soapUser, soapPassword: s.soapPassword ?? '' } : {}),
        }),
      };
    case 'generic':
      return {
        connector: createGenericOaConnector({ name: id, baseUrl, secret: s.secret ?? '' }),
        secret: s.secret ?? '',
      };
  }
}

function simulatorFor(
  vendor: SystemSpec['vendor'],
  s: Record<string, string>,
  served: OaDepartment[],
): OaSimulatorBase {
  const templates = served.map((d) => d.template);
  const initiators = served.map((d) => d.initiator);
  switch (vendor) {
    case 'weaver':
      return createWeaverSimulator({
        appid: s.appid ?? '',
        users: Object.fromEntries([...initiators, s.serviceUserId ?? '1'].map((u) => [u, `集成账号${u}`])),
        workflows: Object.fromEntries(templates.map((t) => [t, { creators: initiators }])),
      });
    case 'seeyon': {
      const forms = s.forms ? (JSON.parse(s.forms) as Record<string, string>) : {};
      return createSeeyonSimulator({
        restUser: s.restUser ?? '',
        restPassword: s.restPassword ?? '',
        members: [...initiators, s.serviceLoginName ?? ''],
        templates: Object.fromEntries(templates.map((t) => [t, { formmain: forms[t] ?? 'formmain_0001' }])),
      });
    }
    case 'landray':
      return createLandraySimulator({
        ...(s.soapUser ? { soapUser: s.soapUser, soapPassword: s.soapPassword ?? '' } : {}),
        templates,
        members: initiators,
      });
    case 'generic':
      return createGenericOaSimulator({ secret: s.secret ?? '', templates });
  }
}
