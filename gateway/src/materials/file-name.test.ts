import { describe, expect, it } from 'vitest';
import { contentDisposition, displayName } from './file-name';

describe('displayName', () => {
  it('keeps a matching extension and replaces a lying one', () => {
    expect(displayName('出生医学证明.PDF', 'pdf')).toBe('出生医学证明.pdf');
    expect(displayName('photo.jpeg', 'jpg')).toBe('photo.jpeg');
    expect(displayName('invoice.exe', 'pdf')).toBe('invoice.pdf');
    expect(displayName('scan', 'png')).toBe('scan.png');
  });
  it('drops paths, controls, bidi overrides and leading dots', () => {
    expect(displayName('C:\\Users\\x\\..\\身份证.png', 'png')).toBe('身份证.png');
    expect(displayName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(displayName('a\u202egpj.exe', 'jpg')).toBe('agpj.jpg');
    expect(displayName('line\r\nbreak.pdf', 'pdf')).toBe('linebreak.pdf');
    expect(displayName('.hidden.pdf', 'pdf')).toBe('hidden.pdf');
  });
  it('names a nameless file and bounds long names', () => {
    expect(displayName(undefined, 'ofd')).toBe('材料.ofd');
    expect(displayName('  ', 'pdf')).toBe('材料.pdf');
    expect(Array.from(displayName('长'.repeat(500), 'pdf'))).toHaveLength(124);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('出生 证明(1).pdf')).toBe(
      `inline; filename="__ __(1).pdf"; filename*=UTF-8''%E5%87%BA%E7%94%9F%20%E8%AF%81%E6%98%8E%281%29.pdf`,
    );
    expect(contentDisposition('a"b\\c.pdf')).toBe(
      `inline; filename="a_b_c.pdf"; filename*=UTF-8''a%22b%5Cc.pdf`,
    );
  });
});
