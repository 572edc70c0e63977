/**
 * The service catalog as data: `services/*.json` (事项 with their guide) and `forms/*.json`
 * (JSON Schema + UI hints), validated against `../schemas/` when loaded. A bad file stops the
 * process with a message naming the file and the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConfigError } from '../index';
import formSchema from '../schemas/form.schema.json' with { type: 'json' };
import serviceSchema from '../schemas/service.schema.json' with { type: 'json' };

export interface ServiceDefinition {
  code: string;
  name: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  department: { code: string; name: string };
  form: string;
  guide: {
    summary: string;
    conditions?: string[];
    materials?: string[];
    promisedWorkingDays: number;
    legalWorkingDays: number;
    fee?: string;
    channels?: string[];
  };
}

export interface FormDefinition {
  id: string;
  schema: Record<string, unknown> & { properties: Record<string, Record<string, unknown>> };
  ui?: Record<string, unknown>;
}

export interface Catalog {
  services: ServiceDefinition[];
  forms: Map<string, FormDefinition>;
}

const here = dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateService = ajv.compile<ServiceDefinition>(serviceSchema);
const validateForm = ajv.compile<FormDefinition>(formSchema);

function readJsonDir<T>(
  dir: string,
  check: ((v: unknown) => v is T) & { errors?: unknown },
  problems: string[],
): T[] {
  const out: T[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const file = join(dir, name);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${file}: 不是有效的 JSON (${(error as Error).message})`);
      continue;
    }
    if (!check(value)) {
      for (const e of (check.errors as { instancePath: string; message?: string }[]) ?? []) {
        problems.push(`${file}${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
      }
      continue;
    }
    out.push(value);
  }
  return out;
}

export function loadCatalog(dir: string = here): Catalog {
  const problems: string[] = [];
  const services = readJsonDir(join(dir, 'services'), validateService, problems);
  const forms = new Map(readJsonDir(join(dir, 'forms'), validateForm, problems).map((f) => [f.id, f]));
  const codes = new Set<string>();
  for (const service of services) {
    if (codes.has(service.code)) problems.push(`services/${service.code}: 事项编码重复`);
    codes.add(service.code);
    if (!forms.has(service.form)) problems.push(`services/${service.code}/form: 表单 ${service.form} 不存在`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { services, forms };
}
