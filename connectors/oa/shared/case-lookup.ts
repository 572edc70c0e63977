/**
 * Where vendor adapters write our case number so a repeated push can find the first document: the
 * subject ends with `（<caseNumber>）`. Matching is on that exact suffix, so case numbers that are
 * prefixes of one another do not collide.
 */
export function subjectWithCaseNumber(title: string, caseNumber: string): string {
  return `${title}（${caseNumber}）`;
}

export function subjectCarries(subject: string, caseNumber: string): boolean {
  return subject.endsWith(`（${caseNumber}）`);
}
