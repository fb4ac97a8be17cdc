import { H264Stream } from './h264';

/** ISO BMFF boxes for a single H.264 video track, moov before mdat so players can start at once. */
const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const zeros = (n: number): Buffer => Buffer.alloc(n);

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}

const fullBox = (type: string, version: number, flags: number, ...parts: Buffer[]): Buffer =>
  box(type, u8(version), u8(flags >> 16), u16(flags & 0xffff), ...parts);

const MATRIX = Buffer.concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

export interface Mp4Options {
  width: number;
  height: number;
  /** Milliseconds per frame. */
  frameDurationMs: number;
}

export function muxMp4(stream: H264Stream, options: Mp4Options): Buffer {
  const { width, height, frameDurationMs } = options;
  const timescale = 1000;
  const duration = stream.frames.length * frameDurationMs;
  const samples = stream.frames.map((f) => Buffer.concat([u32(f.nal.length), f.nal]));
  const keyFrames = stream.frames.flatMap((f, i) => (f.key ? [i + 1] : []));

  const avcC = box(
    'avcC',
    Buffer.from([1, stream.sps[1], stream.sps[2], stream.sps[3], 0xff, 0xe1]),
    u16(stream.sps.length),
    stream.sps,
    u8(1),
    u16(stream.pps.length),
    stream.pps,
  );
  const compressor = Buffer.alloc(32);
  compressor.write('\x0bStar Export', 'latin1');
  const avc1 = box(
    'avc1',
    zeros(6),
    u16(1), // data_reference_index
    zeros(16),
    u16(width),
    u16(height),
    u32(0x00480000),
    u32(0x00480000),
    zeros(4),
    u16(1), // frame_count
    compressor,
    u16(0x0018),
    u16(0xffff),
    avcC,
  );

  const moov = (chunkOffset: number): Buffer =>
    box(
      'moov',
      fullBox('mvhd', 0, 0, zeros(8), u32(timescale), u32(duration), u32(0x00010000), u16(0x0100), zeros(10), MATRIX, zeros(24), u32(2)),
      box(
        'trak',
        fullBox('tkhd', 0, 3, zeros(8), u32(1), zeros(4), u32(duration), zeros(8), zeros(8), MATRIX, u32(width << 16), u32(height << 16)),
        box(
          'mdia',
          fullBox('mdhd', 0, 0, zeros(8), u32(timescale), u32(duration), u16(0x55c4), zeros(2)),
          fullBox('hdlr', 0, 0, zeros(4), Buffer.from('vide', 'latin1'), zeros(12), Buffer.from('VideoHandler\0', 'latin1')),
          box(
            'minf',
            fullBox('vmhd', 0, 1, zeros(8)),
            box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
            box(
              'stbl',
              fullBox('stsd', 0, 0, u32(1), avc1),
              fullBox('stts', 0, 0, u32(1), u32(samples.length), u32(frameDurationMs)),
              fullBox('stss', 0, 0, u32(keyFrames.length), ...keyFrames.map(u32)),
              fullBox('stsc', 0, 0, u32(1), u32(1), u32(samples.length), u32(1)),
              fullBox('stsz', 0, 0, u32(0), u32(samples.length), ...samples.map((s) => u32(s.length))),
              fullBox('stco', 0, 0, u32(1), u32(chunkOffset)),
            ),
          ),
        ),
      ),
    );

  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
  const mdatPayload = Buffer.concat(samples);
  // The moov size does not depend on the offset's value, so one dry run gives the final layout.
  const offset = ftyp.length + moov(0).length + 8;
  return Buffer.concat([ftyp, moov(offset), u32(mdatPayload.length + 8), Buffer.from('mdat', 'latin1'), mdatPayload]);
}
