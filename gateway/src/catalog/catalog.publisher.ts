import { createHash } from 'node:crypto';
import {
  checkFormDocument,
  checkServiceDocument,
  type FormDefinition,
  type ServiceDefinition,
} from '@gcrm/config/catalog';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { Db } from '../platform/db/database';
import { inTransaction } from '../platform/db/transaction';
import { AppError } from '../platform/errors';
import { stableStringify } from '../platform/stable-json';
import type { CatalogRepository } from './catalog.repository';
import { compatibilityProblems } from './form-versions';

export interface PublishRequest {
  services?: ServiceDefinition[];
  forms?: FormDefinition[];
}

export interface PublishResult {
  services: { code: string; version: number; status: 'published' | 'unchanged' }[];
  forms: { id: string; version: number; status: 'published' | 'unchanged' }[];
}

/** One problem of a publish, located as a document (`services/0`, `forms/1`) plus a path inside it. */
export interface PublishProblem {
  pointer: string;
  message: string;
}

export class PublishError extends AppError {
  constructor(readonly problems: PublishProblem[]) {
    super({
      status: 422,
      code: 'catalog_invalid',
      title: '事项或表单未通过发布检查',
      detail: `共 ${problems.length} 处问题，本次发布未生效，正在运行的版本不变`,
      errors: problems.map((p) => ({ pointer: p.pointer, code: 'catalog_invalid', message: p.message })),
    });
  }
}

const checksum = (doc: unknown) => createHash('sha256').update(stableStringify(doc)).digest('hex');

/**
 * Publishes service and form versions: all documents are checked first (schema, cross-references,
 * form schemas compile, compatibility of each new form version with the previous one), then written
 * in one transaction. A published version is immutable: the same version again with the same content
 * is a no-op, with other content it is refused. Any problem refuses the whole publish.
 */
export class CatalogPublisher {
  constructor(
    private readonly db: Db,
    private readonly repo: CatalogRepository,
    private readonly ajv: Ajv2020,
  ) {}

  async publish(request: PublishRequest, by: string, now = Date.now()): Promise<PublishResult> {
    const services = request.services ?? [];
    const forms = request.forms ?? [];
    const problems: PublishProblem[] = [];
    services.forEach((s, i) => {
      for (const p of checkServiceDocument(s)) problems.push(problemAt(`/services/${i}`, p));
    });
    forms.forEach((f, i) => {
      for (const p of checkFormDocument(f)) problems.push(problemAt(`/forms/${i}`, p));
      try {
        this.ajv.compile(f.schema);
      } catch (error) {
        problems.push({
          pointer: `/forms/${i}/schema`,
          message: `表单 schema 无法编译：${(error as Error).message}`,
        });
      }
    });
    if (problems.length > 0) throw new PublishError(problems);

    return inTransaction(this.db, async (tx) => {
      const result: PublishResult = { services: [], forms: [] };
      const sorted = [...forms.entries()].sort(([, a], [, b]) => a.version - b.version);
      for (const [i, form] of sorted) {
        const sum = checksum(form);
        const existing = await this.repo.formChecksum(tx, form.id, form.version);
        if (existing === sum) {
          result.forms.push({ id: form.id, version: form.version, status: 'unchanged' });
          continue;
        }
        if (existing) {
          problems.push({
            pointer: `/forms/${i}/version`,
            message: `表单 ${form.id}@${form.version} 已发布，已发布的版本不可修改，请提升版本号`,
          });
          continue;
        }
        const previous = await this.repo.latestForm(tx, form.id);
        if (previous && previous.version > form.version) {
          problems.push({
            pointer: `/forms/${i}/version`,
            message: `表单 ${form.id} 已有更高版本 ${previous.version}`,
          });
          continue;
        }
        if (previous)
          for (const p of compatibilityProblems(previous, form)) problems.push(problemAt(`/forms/${i}`, p));
        await this.repo.insertForm(tx, form, sum, by, now);
        result.forms.push({ id: form.id, version: form.version, status: 'published' });
      }
      for (const [i, service] of services.entries()) {
        const [formId, formVersion] = service.form.split('@') as [string, string];
        if (!(await this.repo.formExists(tx, formId, Number(formVersion)))) {
          problems.push({ pointer: `/services/${i}/form`, message: `表单 ${service.form} 不存在` });
          continue;
        }
        const sum = checksum(service);
        const existing = await this.repo.serviceChecksum(tx, service.code, service.version);
        if (existing && existing !== sum) {
          problems.push({
            pointer: `/services/${i}/version`,
            message: `事项 ${service.code} 第 ${service.version} 版已发布，不可修改，请提升版本号`,
          });
          continue;
        }
        const current = await this.repo.currentVersion(tx, service.code);
        if (current !== undefined && current > service.version) {
          problems.push({
            pointer: `/services/${i}/version`,
            message: `事项 ${service.code} 当前已是第 ${current} 版`,
          });
          continue;
        }
        if (!existing) await this.repo.insertService(tx, service, sum, by, now);
        if (current !== service.version) await this.repo.setCurrent(tx, service.code, service.version, now);
        result.services.push({
          code: service.code,
          version: service.version,
          status: existing && current === service.version ? 'unchanged' : 'published',
        });
      }
      // Refusing inside the transaction rolls back whatever this publish wrote so far.
      if (problems.length > 0) throw new PublishError(problems);
      return result;
    });
  }
}

/** A `path: reason` problem of a document (see checkServiceDocument) located under `prefix` (`/forms/1`). */
export function problemAt(prefix: string, problem: string): PublishProblem {
  const colon = problem.indexOf(': ');
  const path = colon > 0 && problem.startsWith('/') ? problem.slice(0, colon) : '';
  const message = colon > 0 && problem.startsWith('/') ? problem.slice(colon + 2) : problem;
  return { pointer: `${prefix}${path === '/' ? '' : path}`, message };
}
