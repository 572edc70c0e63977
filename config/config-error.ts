/** Thrown when configuration is missing or invalid; `problems` names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置无效 (invalid configuration):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
