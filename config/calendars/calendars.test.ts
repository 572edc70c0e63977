import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../index';
import { type CalendarFile, loadCalendars } from './index';

const here = dirname(fileURLToPath(import.meta.url));

const problemsOf = (dir: string): string[] => {
  try {
    loadCalendars(dir);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

/** A temp calendars directory with the shipped office hours and the given files. */
function fixture(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'calendars-'));
  mkdirSync(join(dir, 'regions'));
  cpSync(join(here, 'office-hours.json'), join(dir, 'office-hours.json'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(body));
  return dir;
}

const cn2025 = (over: Partial<CalendarFile> = {}): CalendarFile => ({
  region: 'cn',
  year: 2025,
  source: '测试用日历 (fixture)',
  holidays: [{ date: '2025-01-01', name: '元旦' }],
  workdays: [{ date: '2025-01-26', name: '春节调休上班' }],
  ...over,
});

describe('loadCalendars', () => {
  it('loads the shipped national calendars of 2025 and 2026 and the office hours', () => {
    const data = loadCalendars();
    const national = data.calendars.filter((c) => c.region === 'cn');
    expect(national.map((c) => c.year)).toEqual([2025, 2026]);
    const y2026 = national.find((c) => c.year === 2026)!;
    expect(y2026.holidays.filter((h) => h.name === '春节').map((h) => h.date)).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
    ]);
    expect(y2026.workdays.map((w) => w.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(data.officeHours.periods).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ]);
  });

  it('loads a regional file under regions/', () => {
    const dir = fixture({ 'cn-2025.json': cn2025() });
    writeFileSync(
      join(dir, 'regions', '450000-2025.json'),
      JSON.stringify({
        region: '450000',
        year: 2025,
        source: '测试用地区日历 (fixture, not a real notice)',
        holidays: [{ date: '2025-03-31', name: '地区假日' }],
        workdays: [],
      }),
    );
    expect(loadCalendars(dir).calendars.map((c) => c.region)).toEqual(['cn', '450000']);
  });

  it('refuses broken files with one error naming every file, path and zh-CN reason', () => {
    const dir = fixture({
      'cn-2025.json': cn2025({
        holidays: [
          { date: '2025-02-30', name: '坏日期' },
          { date: '2026-01-01', name: '元旦' },
          { date: '2025-10-03', name: '国庆节' },
          { date: '2025-10-06', name: '国庆节' },
          { date: '2025-01-26', name: '春节' },
        ],
        workdays: [
          { date: '2025-01-26', name: '春节调休上班' },
          { date: '2025-10-09', name: '周四调休' },
        ],
      }),
      'cn-2025-copy.json': cn2025(),
      'cn-2027.json': {
        region: 'cn',
        year: 2027,
        holidays: [{ date: '2027-1-1', name: '元旦' }],
        workdays: [],
      },
    });
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    writeFileSync(
      join(dir, 'regions', '450000-2030.json'),
      JSON.stringify({ region: '450000', year: 2030, source: '测试用地区日历', holidays: [], workdays: [] }),
    );
    writeFileSync(
      join(dir, 'office-hours.json'),
      JSON.stringify({ periods: [{ start: '13:30', end: '12:00' }] }),
    );

    const problems = problemsOf(dir);
    const text = problems.join('\n');
    expect(text).toContain('cn-2025.json/holidays/0/date: 2025-02-30 不是有效的日期');
    expect(text).toContain('cn-2025.json/holidays/1/date: 2026-01-01 不在本文件的年份 2025 内');
    expect(text).toContain('cn-2025.json/workdays/0/date: 2025-01-26 同时列为放假日和调休上班日');
    expect(text).toContain('cn-2025.json/workdays/1/date: 调休上班日 2025-10-09 是周四，应为周六或周日');
    expect(text).toContain('假期「国庆节」中的周末 2025-10-04、2025-10-05 未列出');
    expect(text).toMatch(/cn-2025\.json: 与 \S*cn-2025-copy\.json 重复（地区 cn、2025 年）/);
    expect(text).toContain('cn-2027.json/: 缺少必填项 source');
    expect(text).toContain('cn-2027.json/holidays/0/date: 格式不正确');
    expect(text).toContain('bad.json: 不是有效的 JSON');
    expect(text).toContain('450000-2030.json: 缺少同年的全国日历 cn-2030.json');
    expect(text).toContain('office-hours.json/periods/0: 开始时间 13:30 应早于结束时间 12:00');
    expect(() => loadCalendars(dir)).toThrow(/配置无效/);
  });

  it('refuses a national file under regions/ and a regional one at the top', () => {
    const dir = fixture({ 'cn-2025.json': cn2025(), '450000-2025.json': cn2025({ region: '450000' }) });
    writeFileSync(join(dir, 'regions', 'cn-2025.json'), JSON.stringify(cn2025()));
    const text = problemsOf(dir).join('\n');
    expect(text).toContain('地区日历 450000 应放在 regions/ 下');
    expect(text).toContain('全国日历 (cn) 应放在 calendars/ 下');
  });

  it('needs office-hours.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calendars-'));
    writeFileSync(join(dir, 'cn-2025.json'), JSON.stringify(cn2025()));
    expect(problemsOf(dir).join('\n')).toContain('缺少对外办公时间文件');
  });
});
