import { createHash, randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../platform/db/db-errors';
import type { Tx } from '../platform/db/transaction';
import { errors, type FieldError } from '../platform/errors';
import { contentDisposition, displayName } from './file-name';
import { isMaterialKind, MATERIAL_KINDS, type MaterialKind } from './kinds';
import { formatBytes, materialErrors } from './materials.errors';
import { type MaterialView, presentMaterial } from './materials.presenter';
import type { MaterialRow, MaterialsRepository } from './materials.repository';
import { noopScanner, type VirusScanner } from './scan/virus-scan';
import { sniff } from './sniff';
import type { BlobStore } from './storage/blob-store';

const MiB = 1024 * 1024;
/** No file is ever read past this, whatever a form allows. */
export const HARD_CAP_BYTES = 20 * MiB;
export const MATERIAL_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const MATERIAL_CODE = new RegExp(MATERIAL_CODE_PATTERN);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a form field allows, as the catalog declares it (`x-ui` of an attachment field). */
export interface UploadLimit {
  maxSizeKb?: number;
  /** Kinds as in the catalog (`pdf`, `jpg`, …); unknown entries are ignored. */
  accept?: readonly string[];
  /** The guide material the field satisfies; the default for an upload that names none. */
  materialCode?: string;
}

/** Looks up a form field's limit; undefined = the field declares none (defaults apply). */
export type LimitFor = (serviceCode: string, field: string) => UploadLimit | undefined;

export interface ResolvedLimit {
  maxBytes: number;
  accept: readonly MaterialKind[];
  materialCode?: string;
}

export interface MaterialsOptions {
  limitFor?: LimitFor;
  scanner?: VirusScanner;
  /** Per-file limit when no form field is named. Default 10 MiB. */
  defaultMaxBytes?: number;
  /** Per-citizen quota. Default 200 materials, 500 MiB. */
  quota?: { maxCount: number; maxTotalBytes: number };
  now?: () => number;
}

export interface UploadInput {
  data: Buffer;
  fileName?: string;
  /** As the client sent it (unchecked); falls back to the field's material code. */
  materialCode?: string;
  limit: ResolvedLimit;
}

export interface UploadResult {
  /** 201 for a new material, 200 when the same bytes were already stored for this citizen and code. */
  status: 200 | 201;
  material: MaterialView;
}

/**
 * Citizens' uploaded materials (申请材料): type sniffed from the bytes, size-limited per form field,
 * virus-scanned, stored once per SHA-256 in a {@link BlobStore}, and kept per citizen for reuse in
 * later applications. Cases refer to them through {@link assertOwned} / {@link attachToCase}.
 */
export class MaterialsService {
  private readonly limitFor: LimitFor;
  private readonly scanner: VirusScanner;
  private readonly defaultMaxBytes: number;
  private readonly quota: { maxCount: number; maxTotalBytes: number };
  private readonly now: () => number;

  constructor(
    private readonly repo: MaterialsRepository,
    private readonly blobs: BlobStore,
    options: MaterialsOptions = {},
  ) {
    this.limitFor = options.limitFor ?? (() => undefined);
    this.scanner = options.scanner ?? noopScanner;
    this.defaultMaxBytes = Math.min(options.defaultMaxBytes ?? 10 * MiB, HARD_CAP_BYTES);
    this.quota = options.quota ?? { maxCount: 200, maxTotalBytes: 500 * MiB };
    this.now = options.now ?? Date.now;
  }

  /**
   * The limit of the form field `field` of service `serviceCode`; both or neither must be given
   * (400 otherwise). Capped at {@link HARD_CAP_BYTES}.
   */
  resolveLimit(serviceCode?: string, field?: string): ResolvedLimit {
    if (!serviceCode !== !field) {
      const missing = serviceCode ? 'field' : 'serviceCode';
      throw errors.validation([
        { parameter: missing, code: 'required', message: '指定表单字段时须同时提供 serviceCode 和 field' },
      ]);
    }
    const declared = serviceCode && field ? this.limitFor(serviceCode, field) : undefined;
    const accept = (declared?.accept ?? [])
      .map((k) =>
        k
          .toLowerCase()
          .replace(/^\./, '')
          .replace(/^jpeg$/, 'jpg'),
      )
      .filter(isMaterialKind);
    return {
      maxBytes: Math.min(
        declared?.maxSizeKb ? declared.maxSizeKb * 1024 : this.defaultMaxBytes,
        HARD_CAP_BYTES,
      ),
      accept: accept.length > 0 ? accept : MATERIAL_KINDS,
      ...(declared?.materialCode ? { materialCode: declared.materialCode } : {}),
    };
  }

  /** Checks, scans and stores an upload; the same bytes again (same citizen and code) answer 200. */
  async upload(citizenId: string, input: UploadInput): Promise<UploadResult> {
    const { data, limit } = input;
    const materialCode = this.checkMaterialCode(input.materialCode ?? limit.materialCode);
    if (data.length === 0) {
      throw errors.validation([{ pointer: '/file', code: 'empty', message: '文件内容为空' }], '文件内容为空');
    }
    if (data.length > limit.maxBytes) throw materialErrors.tooLarge(limit.maxBytes);
    const type = await sniff(data);
    if (!type || !limit.accept.includes(type.kind)) throw materialErrors.typeNotAllowed(limit.accept);
    const sha256 = createHash('sha256').update(data).digest('hex');

    let verdict: Awaited<ReturnType<VirusScanner['scan']>>;
    try {
      verdict = await this.scanner.scan(data, { sha256, kind: type.kind, sizeBytes: data.length, citizenId });
    } catch {
      throw materialErrors.scanUnavailable();
    }
    if (!verdict.clean) throw materialErrors.infected();

    const existing = await this.repo.findByContent(citizenId, sha256, materialCode);
    if (existing) return this.reuse(existing, data);

    await this.checkQuota(citizenId, data.length);
    await this.blobs.put(sha256, data);
    const row: MaterialRow = {
      id: randomUUID(),
      citizen_id: citizenId,
      sha256,
      kind: type.kind,
      mime: type.mime,
      size_bytes: data.length,
      original_name: displayName(input.fileName, type.kind),
      material_code: materialCode,
      created_at: this.now(),
      case_id: null,
    };
    try {
      await this.repo.insert(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent upload of the same bytes won: answer with its row.
      const winner = await this.repo.findByContent(citizenId, sha256, materialCode);
      if (!winner) throw error;
      return this.reuse(winner, data);
    }
    // A delete of the last other reference may have removed the blob between put and insert.
    if (!(await this.blobs.has(sha256))) await this.blobs.put(sha256, data);
    return { status: 201, material: presentMaterial(row) };
  }

  /** The citizen's materials, newest first; `materialCode` narrows to one guide material. */
  async list(citizenId: string, materialCode?: string): Promise<{ items: MaterialView[] }> {
    const rows = await this.repo.listOwned(citizenId, materialCode);
    return { items: rows.map((r) => presentMaterial(r)) };
  }

  /** The citizen's materials among `ids` (e.g. the attachments of one of their cases), in no order. */
  async describeOwned(citizenId: string, ids: string[]): Promise<MaterialView[]> {
    const rows = await this.repo.findManyOwned(citizenId, validIds(ids));
    return rows.map((r) => presentMaterial(r));
  }

  /** Another citizen's material answers like a missing one (404). */
  async get(citizenId: string, id: string): Promise<MaterialView> {
    return presentMaterial(await this.owned(citizenId, id));
  }

  async content(
    citizenId: string,
    id: string,
  ): Promise<{ data: Buffer; mime: string; disposition: string; sha256: string }> {
    const row = await this.owned(citizenId, id);
    const data = await this.blobs.get(row.sha256);
    if (!data) throw materialErrors.contentMissing();
    return { data, mime: row.mime, disposition: contentDisposition(row.original_name), sha256: row.sha256 };
  }

  /** Deletes a material no case uses (409 `material_in_use` otherwise), and its blob once unreferenced. */
  async delete(citizenId: string, id: string): Promise<void> {
    const row = await this.owned(citizenId, id);
    if (row.case_id !== null) throw materialErrors.inUse();
    if (!(await this.repo.deleteUnused(citizenId, id))) {
      // Attached (or deleted) since it was read.
      const now = await this.repo.findOwned(citizenId, id);
      if (now) throw materialErrors.inUse();
      throw materialErrors.notFound();
    }
    if ((await this.repo.countBySha(row.sha256)) === 0) await this.blobs.delete(row.sha256);
  }

  /**
   * For case submission: every id must name a material of this citizen, else a 400
   * `validation_failed` with one error per bad id at `pointers[i]` (default `/materials/{i}`).
   */
  async assertOwned(citizenId: string, ids: string[], pointers?: string[]): Promise<void> {
    const owned = await this.repo.ownedIds(citizenId, validIds(ids));
    throwUnlessAllOwned(ids, owned, pointers);
  }

  /**
   * In the case's transaction: marks the materials as used by `caseId` (they can no longer be
   * deleted). A material already used by an earlier case stays linked to that one and is reused as
   * is. Throws like {@link assertOwned} if any id is not the citizen's.
   */
  async attachToCase(tx: Tx, citizenId: string, ids: string[], caseId: string, pointers?: string[]) {
    const owned = await this.repo.ownedIds(citizenId, validIds(ids), tx);
    throwUnlessAllOwned(ids, owned, pointers);
    await this.repo.attach(tx, citizenId, [...owned], caseId);
  }

  /** Total bytes of the given materials (each counted once), for a per-case limit. */
  async totalSizeOf(ids: string[]): Promise<number> {
    return this.repo.totalSize(validIds(ids));
  }

  private async reuse(row: MaterialRow, data: Buffer): Promise<UploadResult> {
    // Heals a blob lost to a race with a delete (or a restored database without its blobs).
    if (!(await this.blobs.has(row.sha256))) await this.blobs.put(row.sha256, data);
    return { status: 200, material: presentMaterial(row, true) };
  }

  private async owned(citizenId: string, id: string): Promise<MaterialRow> {
    const row = UUID.test(id) ? await this.repo.findOwned(citizenId, id) : undefined;
    if (!row) throw materialErrors.notFound();
    return row;
  }

  private checkMaterialCode(code: string | undefined): string {
    if (code === undefined || code === '') return '';
    if (!MATERIAL_CODE.test(code)) {
      throw errors.validation([
        {
          pointer: '/materialCode',
          code: 'pattern',
          message: '材料编码格式不正确（字母、数字、点、下划线或连字符，至多 64 个字符）',
        },
      ]);
    }
    return code;
  }

  private async checkQuota(citizenId: string, size: number): Promise<void> {
    const usage = await this.repo.usage(citizenId);
    if (usage.count >= this.quota.maxCount) {
      throw materialErrors.quotaExceeded(
        `每人最多保存 ${this.quota.maxCount} 份材料，请删除不再需要的材料后重试`,
      );
    }
    if (usage.totalBytes + size > this.quota.maxTotalBytes) {
      throw materialErrors.quotaExceeded(
        `材料总大小不能超过 ${formatBytes(this.quota.maxTotalBytes)}（已用 ${formatBytes(usage.totalBytes)}），请删除不再需要的材料后重试`,
      );
    }
  }
}

/** Distinct ids that can name a material at all (UUIDs); anything else is simply not found. */
function validIds(ids: string[]): string[] {
  return [...new Set(ids)].filter((id) => UUID.test(id));
}

function throwUnlessAllOwned(ids: string[], owned: Set<string>, pointers?: string[]): void {
  const bad: FieldError[] = [];
  ids.forEach((id, i) => {
    if (!owned.has(id)) {
      bad.push({
        pointer: pointers?.[i] ?? `/materials/${i}`,
        code: 'material_not_found',
        message: '材料不存在或不属于当前用户，请重新上传',
      });
    }
  });
  if (bad.length > 0) throw errors.validation(bad, '部分材料不存在或不属于当前用户');
}
