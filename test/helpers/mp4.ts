// A small MP4 (ISO BMFF) reader for tests: the top-level box order, the movie's duration (mvhd),
// and each track's media duration (mdhd), sample count (stsz), codec and size (stsd). Enough to
// check what an encoder wrote without ffprobe, which the npm ffmpeg does not ship.

/** Mp4Track is one track as its boxes describe it. */
export interface Mp4Track {
  /** codec is the sample entry's four characters (`avc1` for H.264). */
  codec: string;
  width: number;
  height: number;
  /** durationMs is the media duration (mdhd) in milliseconds. */
  durationMs: number;
  /** samples is the sample count (stsz): video frames for a video track. */
  samples: number;
}

/** Mp4Info is what readMp4 found. */
export interface Mp4Info {
  /** topLevel lists the top-level boxes in file order (`ftyp`, `moov`, `mdat` with +faststart). */
  topLevel: string[];
  /** durationMs is the movie's duration (mvhd) in milliseconds. */
  durationMs: number;
  tracks: Mp4Track[];
}

interface Box {
  type: string;
  start: number; // of the payload
  end: number;
}

function boxes(data: Buffer, start: number, end: number): Box[] {
  const found: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) throw new Error(`bad box ${type} at ${at}`);
    found.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return found;
}

function child(data: Buffer, parent: Box, type: string): Box {
  const found = boxes(data, parent.start, parent.end).find((box) => box.type === type);
  if (!found) throw new Error(`no ${type} in ${parent.type}`);
  return found;
}

/** durationOf reads mvhd or mdhd (version 0 or 1) as milliseconds. */
function durationOf(data: Buffer, box: Box): number {
  const version = data[box.start]!;
  const timescale = version === 1 ? data.readUInt32BE(box.start + 20) : data.readUInt32BE(box.start + 12);
  const duration = version === 1 ? Number(data.readBigUInt64BE(box.start + 24)) : data.readUInt32BE(box.start + 16);
  return (duration * 1000) / timescale;
}

/** readMp4 reads `data` as an MP4 file; it throws on a file that is not one. */
export function readMp4(data: Buffer): Mp4Info {
  const top = boxes(data, 0, data.length);
  const moov = top.find((box) => box.type === 'moov');
  if (!moov) throw new Error('no moov box');
  const tracks = boxes(data, moov.start, moov.end)
    .filter((box) => box.type === 'trak')
    .map((trak): Mp4Track => {
      const mdia = child(data, trak, 'mdia');
      const stbl = child(data, child(data, mdia, 'minf'), 'stbl');
      return trackOf(data, mdia, stbl);
    });
  return { topLevel: top.map((box) => box.type), durationMs: durationOf(data, child(data, moov, 'mvhd')), tracks };
}

function trackOf(data: Buffer, mdia: Box, stbl: Box): Mp4Track {
  const stsz = child(data, stbl, 'stsz');
  const stsd = child(data, stbl, 'stsd');
  // stsd: version+flags (4), entry count (4), then the first sample entry box; a visual entry
  // keeps its width and height 24 bytes into its payload.
  const entry = boxes(data, stsd.start + 8, stsd.end)[0]!;
  return {
    codec: entry.type,
    width: data.readUInt16BE(entry.start + 24),
    height: data.readUInt16BE(entry.start + 26),
    durationMs: durationOf(data, child(data, mdia, 'mdhd')),
    samples: data.readUInt32BE(stsz.start + 8),
  };
}
