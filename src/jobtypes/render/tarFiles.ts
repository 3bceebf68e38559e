/**
 * A reader of the plain tar archives `@sparticuz/chromium` ships (ustar, regular files at the
 * top level). It refuses anything else (links, directories, paths) rather than guess, so an
 * archive of another shape fails the unpack loudly instead of writing outside its directory.
 */

/** TarFile is one regular file of an archive. */
export interface TarFile {
  name: string;
  mode: number;
  data: Buffer;
}

const BLOCK = 512;

/** tarFiles lists the regular files of a tar archive held in memory. */
export function tarFiles(tar: Buffer): TarFile[] {
  const files: TarFile[] = [];
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break; // the end-of-archive blocks
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const mode = Number.parseInt(field(header, 100, 8).trim() || '644', 8) & 0o777;
    const type = String.fromCharCode(header[156]!);
    if ((type !== '0' && type !== '\0') || prefix !== '' || !/^[A-Za-z0-9._-]+$/.test(name) || !Number.isFinite(size)) {
      throw new Error(`Unexpected tar entry ${JSON.stringify(prefix + name)} (type ${JSON.stringify(type)})`);
    }
    files.push({ name, mode, data: tar.subarray(at + BLOCK, at + BLOCK + size) });
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

function field(header: Buffer, start: number, length: number): string {
  const text = header.toString('latin1', start, start + length);
  const end = text.indexOf('\0');
  return end === -1 ? text : text.slice(0, end);
}
