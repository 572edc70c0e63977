import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../index';
import { loadCatalog } from './index';

const here = dirname(fileURLToPath(import.meta.url));

describe('catalog', () => {
  it('loads the shipped services and their forms', () => {
    const catalog = loadCatalog();
    expect(catalog.services.map((s) => s.code)).toContain('hrss.maternity-allowance');
    for (const s of catalog.services) expect(catalog.forms.has(s.form)).toBe(true);
  });

  it('refuses a service whose form is missing or whose fields are wrong, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    mkdirSync(join(dir, 'services'));
    mkdirSync(join(dir, 'forms'));
    const shipped = JSON.parse(readFileSync(join(here, 'services', 'hrss.maternity-allowance.json'), 'utf8'));
    writeFileSync(
      join(dir, 'services', 'a.json'),
      JSON.stringify({ ...shipped, code: 'x.a', form: 'nope@1' }),
    );
    writeFileSync(join(dir, 'services', 'b.json'), JSON.stringify({ code: 'Bad Code' }));
    try {
      loadCatalog(dir);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).problems.join('\n');
      expect(text).toContain('nope@1');
      expect(text).toContain('b.json');
    }
  });
});
