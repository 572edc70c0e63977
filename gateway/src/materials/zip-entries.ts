/**
 * Reads the file names of a ZIP archive from its central directory (the authoritative list, at the
 * end of the file), without decompressing anything. Used to recognise OFD (GB/T 33190: a ZIP whose
 * root holds `OFD.xml`), which file-type reports as a plain ZIP.
 *
 * Returns null when the buffer is not a well-formed single-disk ZIP (no end-of-central-directory
 * record, a directory pointing outside the buffer, a bad entry signature). ZIP64 archives are not
 * read (null): materials are at most 20 MiB.
 */
const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
/** A bound on the work done for hostile archives claiming huge entry counts. */
const MAX_ENTRIES = 10_000;

export function zipEntryNames(data: Buffer): string[] | null {
  if (data.length < EOCD_MIN) return null;
  const eocd = findEndOfCentralDirectory(data);
  if (eocd < 0) return null;
  const diskNumber = data.readUInt16LE(eocd + 4);
  const entryCount = data.readUInt16LE(eocd + 10);
  const directorySize = data.readUInt32LE(eocd + 12);
  const directoryOffset = data.readUInt32LE(eocd + 16);
  if (diskNumber !== 0 || entryCount === 0xffff || directoryOffset === 0xffffffff) return null;
  if (directoryOffset + directorySize > eocd || entryCount > MAX_ENTRIES) return null;

  const names: string[] = [];
  let at = directoryOffset;
  for (let i = 0; i < entryCount; i++) {
    if (at + 46 > eocd || data.readUInt32LE(at) !== CENTRAL_SIGNATURE) return null;
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const nameEnd = at + 46 + nameLength;
    if (nameEnd > eocd) return null;
    names.push(data.toString('utf8', at + 46, nameEnd));
    at = nameEnd + extraLength + commentLength;
  }
  return names;
}

/** The offset of the last end-of-central-directory record whose comment ends at the end of the buffer. */
function findEndOfCentralDirectory(data: Buffer): number {
  const lowest = Math.max(0, data.length - EOCD_MIN - MAX_COMMENT);
  for (let at = data.length - EOCD_MIN; at >= lowest; at--) {
    if (
      data.readUInt32LE(at) === EOCD_SIGNATURE &&
      at + EOCD_MIN + data.readUInt16LE(at + 20) === data.length
    )
      return at;
  }
  return -1;
}
