import { describe, expect, it } from 'vitest';
import { isOfd, sniff } from './sniff';
import { docx, exe, jpeg, ofd, pdf, png, xlsx, zip } from './testing/fixtures';
import { zipEntryNames } from './zip-entries';

describe('sniff (by bytes, never by name)', () => {
  it.each([
    ['pdf', pdf(), 'application/pdf'],
    ['png', png(), 'image/png'],
    ['jpg', jpeg(), 'image/jpeg'],
    ['ofd', ofd(), 'application/ofd'],
    ['docx', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['xlsx', xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ])('recognises %s', async (kind, data, mime) => {
    expect(await sniff(data)).toEqual({ kind, mime });
  });

  it('refuses an executable, text, an empty file, a plain zip and a gzip', async () => {
    expect(await sniff(exe())).toBeNull();
    expect(await sniff(Buffer.from('just some text, named photo.png by its sender\n'))).toBeNull();
    expect(await sniff(Buffer.alloc(0))).toBeNull();
    expect(await sniff(zip({ 'readme.txt': 'hi' }))).toBeNull();
    expect(await sniff(Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]))).toBeNull();
  });

  it('needs OFD.xml at the root of the zip, not deeper', async () => {
    expect(isOfd(ofd())).toBe(true);
    expect(isOfd(zip({ 'x/OFD.xml': '<a/>' }))).toBe(false);
    expect(await sniff(zip({ 'x/OFD.xml': '<a/>' }))).toBeNull();
  });

  it('never throws on truncated or hostile containers', async () => {
    const whole = ofd();
    for (const cut of [4, 30, 100, whole.length - 30, whole.length - 1]) {
      expect(await sniff(whole.subarray(0, cut))).toBeNull();
      expect(zipEntryNames(whole.subarray(0, cut))).toBeNull();
    }
    const lying = Buffer.from(whole);
    lying.writeUInt32LE(0xfffffff0, lying.length - 6); // directory offset beyond the file
    expect(zipEntryNames(lying)).toBeNull();
  });
});

describe('zipEntryNames', () => {
  it('lists the central directory, UTF-8 names included', () => {
    expect(zipEntryNames(zip({ 'a.txt': '1', '目录/b.xml': '2' }))).toEqual(['a.txt', '目录/b.xml']);
  });
  it('finds the directory behind a trailing archive comment', () => {
    const archive = zip({ 'OFD.xml': '<a/>' });
    const comment = Buffer.from('注释 comment');
    archive.writeUInt16LE(comment.length, archive.length - 2);
    expect(zipEntryNames(Buffer.concat([archive, comment]))).toEqual(['OFD.xml']);
  });
});
