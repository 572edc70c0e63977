import { describe, expect, it } from 'vitest';
import {
  checkPattern,
  compilePattern,
  MAX_PATTERN_LENGTH,
  MAX_SUBJECT_LENGTH,
  matchesPattern,
} from './safe-regex';

describe('safe regex', () => {
  it('compiles a pattern once and reuses it', () => {
    const first = compilePattern('^\\d{6}$');
    expect(first).toBeInstanceOf(RegExp);
    expect(compilePattern('^\\d{6}$')).toBe(first);
  });

  it('refuses patterns longer than 200 characters', () => {
    const long = 'a'.repeat(MAX_PATTERN_LENGTH + 1);
    expect(checkPattern(long)).toBe('正则表达式不能超过 200 个字符');
    expect(compilePattern(long)).toBeUndefined();
    expect(matchesPattern(long, long)).toBe(false);
    expect(compilePattern('a'.repeat(MAX_PATTERN_LENGTH))).toBeInstanceOf(RegExp);
  });

  it('refuses invalid patterns', () => {
    expect(checkPattern('(')).toBe('正则表达式无效');
    expect(checkPattern('\\p{Nope}')).toBe('正则表达式无效');
    expect(compilePattern('(')).toBeUndefined();
  });

  it('refuses nested unbounded repetition', () => {
    for (const p of ['(a+)+$', '(\\w+\\s?)*$', '^(a|b+){2,}', '((ab)*c)+', '(?:x*)*']) {
      expect(checkPattern(p), p).toMatch(/嵌套/);
    }
    for (const p of ['^\\d{3}(-\\d{4})+$', '(ab)+', '[(a+)]+', '\\(a+\\)+', '^(\\d+)?$', '^1[3-9]\\d{9}$']) {
      expect(checkPattern(p), p).toBeUndefined();
    }
  });

  it('does not run on overlong subjects', () => {
    expect(matchesPattern('a'.repeat(MAX_SUBJECT_LENGTH), '^a+$')).toBe(true);
    expect(matchesPattern('a'.repeat(MAX_SUBJECT_LENGTH + 1), '^a+$')).toBe(false);
  });

  it('does not keep state between matches', () => {
    expect(matchesPattern('abc', 'b')).toBe(true);
    expect(matchesPattern('abc', 'b')).toBe(true);
  });
});
