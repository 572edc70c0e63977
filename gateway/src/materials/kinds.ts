/**
 * The kinds of material a citizen may upload, named as in the catalog's form UI (`accept`), with the
 * MIME type they are served with and their zh-CN label.
 */
export const MATERIAL_KINDS = ['pdf', 'jpg', 'png', 'ofd', 'docx', 'xlsx'] as const;

export type MaterialKind = (typeof MATERIAL_KINDS)[number];

export const KIND_MIME: Record<MaterialKind, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  png: 'image/png',
  ofd: 'application/ofd',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const KIND_LABEL: Record<MaterialKind, string> = {
  pdf: 'PDF 文档',
  jpg: 'JPG 图片',
  png: 'PNG 图片',
  ofd: 'OFD 版式文档',
  docx: 'Word 文档（docx）',
  xlsx: 'Excel 表格（xlsx）',
};

/** `PDF 文档、JPG 图片…` — for messages that name what is allowed. */
export function describeKinds(kinds: readonly MaterialKind[]): string {
  return kinds.map((k) => KIND_LABEL[k]).join('、');
}

export function isMaterialKind(value: string): value is MaterialKind {
  return (MATERIAL_KINDS as readonly string[]).includes(value);
}
