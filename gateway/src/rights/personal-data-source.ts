/**
 * What one context holds about a citizen, for the rights of PIPL Art. 45 (access and copy) and
 * Art. 47 (deletion). Each context that stores personal data registers one source with the rights
 * service; the service never reads another context's tables itself.
 *
 * @example
 * const drafts: PersonalDataSource = {
 *   name: 'drafts', title: '草稿',
 *   export: (citizenId) => draftsService.exportAll(citizenId),
 *   erase: async (citizenId) => ({ deleted: await draftsService.deleteAll(citizenId) }),
 * };
 */
export interface PersonalDataSource {
  /** Stable key of the section in the export and in the deletion result (`cases`, `drafts`…). */
  readonly name: string;
  /** zh-CN title shown to the citizen (办件记录, 草稿…). */
  readonly title: string;
  /**
   * Everything this context holds about the citizen, in clear and readable form (the export is the
   * citizen's own copy). Must not include other people's data or our secrets (tokens, keys).
   */
  export(citizenId: string): Promise<unknown>;
  /**
   * Deletes what may be deleted and says what must be kept. Must be idempotent: a deletion that
   * failed half-way is run again from the start.
   */
  erase(citizenId: string, now: number): Promise<ErasureOutcome>;
}

/** What a source did on a deletion request. */
export interface ErasureOutcome {
  /** Records deleted (or made anonymous) now. */
  deleted: number;
  /** Records kept because a law requires it: the exception is recorded and shown to the citizen. */
  retained?: { count: number; basis: string; processing: string };
}
