import type { FormDefinition, FormMigration } from '@gcrm/config/catalog';

/**
 * Carries data saved under one form version to a later one by applying, in order, the migrations
 * each later version declares (rename, split, default, remove). Fields the new version does not know
 * are dropped; nothing the citizen typed is lost silently when a migration covers it.
 */
export function migrateFormData(
  data: Record<string, unknown>,
  from: number,
  chain: FormDefinition[],
): Record<string, unknown> {
  let out = { ...data };
  for (const form of [...chain].sort((a, b) => a.version - b.version)) {
    if (form.version <= from) continue;
    for (const m of form.migrations ?? []) out = apply(out, m);
    for (const key of Object.keys(out)) if (!(key in form.schema.properties)) delete out[key];
  }
  return out;
}

function apply(data: Record<string, unknown>, m: FormMigration): Record<string, unknown> {
  const out = { ...data };
  switch (m.op) {
    case 'rename':
      if (m.from in out) {
        out[m.to] = out[m.from];
        delete out[m.from];
      }
      return out;
    case 'split': {
      const value = out[m.from];
      delete out[m.from];
      if (typeof value !== 'string') return out;
      const parts =
        m.separator !== undefined ? value.split(m.separator) : [value.slice(0, 1), value.slice(1)];
      m.to.forEach((field, i) => {
        const part = i === m.to.length - 1 ? parts.slice(i).join(m.separator ?? '') : parts[i];
        if (part) out[field] = part;
      });
      return out;
    }
    case 'default':
      if (out[m.field] === undefined) out[m.field] = m.value;
      return out;
    case 'remove':
      delete out[m.field];
      return out;
  }
}

/**
 * Whether `next` can replace `previous` without stranding saved drafts: each field that disappears
 * must be renamed, split or removed by a migration; each new required field must be the target of a
 * rename/split or get a default; a field whose type changes must be migrated. Problems are zh-CN,
 * each prefixed with its path in the new form document.
 */
export function compatibilityProblems(previous: FormDefinition, next: FormDefinition): string[] {
  const problems: string[] = [];
  const migrations = next.migrations ?? [];
  const consumed = new Set<string>();
  const produced = new Set<string>();
  for (const m of migrations) {
    if (m.op === 'rename') {
      consumed.add(m.from);
      produced.add(m.to);
    } else if (m.op === 'split') {
      consumed.add(m.from);
      for (const f of m.to) produced.add(f);
    } else if (m.op === 'remove') consumed.add(m.field);
    else produced.add(m.field);
  }
  const before = previous.schema.properties;
  const after = next.schema.properties;
  for (const name of Object.keys(before)) {
    if (!(name in after) && !consumed.has(name)) {
      problems.push(
        `/schema/properties: 字段 ${name} 在新版本中被删除，但 migrations 中没有 rename、split 或 remove 说明它的去向`,
      );
    }
  }
  for (const name of next.schema.required ?? []) {
    if (!(name in before) && !produced.has(name)) {
      problems.push(
        `/schema/required: 新增必填字段 ${name} 需要在 migrations 中给出 default，或由 rename/split 产生`,
      );
    }
  }
  for (const [name, prop] of Object.entries(after)) {
    const old = before[name];
    if (
      old &&
      JSON.stringify(old.type) !== JSON.stringify(prop.type) &&
      !consumed.has(name) &&
      !produced.has(name)
    ) {
      problems.push(
        `/schema/properties/${name}/type: 字段类型由 ${JSON.stringify(old.type)} 改为 ${JSON.stringify(prop.type)}，需要 migrations 说明如何转换`,
      );
    }
  }
  for (const [i, m] of migrations.entries()) {
    const source = m.op === 'rename' || m.op === 'split' ? m.from : m.op === 'remove' ? m.field : undefined;
    if (source !== undefined && !(source in before))
      problems.push(`/migrations/${i}: 旧版本没有字段 ${source}`);
    const targets =
      m.op === 'rename' ? [m.to] : m.op === 'split' ? m.to : m.op === 'default' ? [m.field] : [];
    for (const target of targets)
      if (!(target in after)) problems.push(`/migrations/${i}: 新版本没有字段 ${target}`);
  }
  return problems;
}
