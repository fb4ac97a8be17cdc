import { inflateSync } from 'node:zlib';
import { BitWriter } from './bits';
import { avatarPng, thumbnailJpeg, videoMp4 } from './images';

describe('media encoders', () => {
  it('writes Exp-Golomb codes', () => {
    const w = new BitWriter().ue(0).ue(1).ue(2).ue(3).se(1).se(-1).align(0);
    // 1 010 011 00100 | 010 011, zero-padded: 10100110 01000100 11000000
    expect(w.toBuffer().toString('hex')).toBe('a644c0');
  });

  it('stuffs 0xFF bytes in JPEG entropy data', () => {
    expect(new BitWriter(true).byte(0xff).byte(0x12).toBuffer().toString('hex')).toBe('ff0012');
  });

  it('produces a JPEG whose entropy data never contains a bare marker', () => {
    const jpeg = thumbnailJpeg('dQw4w9WgXcQ', 320, 180);
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const data = jpeg.subarray(sos + 2 + jpeg.readUInt16BE(sos + 2), jpeg.length - 2);
    for (let i = 0; i < data.length - 1; i++) if (data[i] === 0xff) expect(data[i + 1]).toBe(0x00);
  });

  it('produces a PNG whose pixels decompress to the right size', () => {
    const png = avatarPng('UCxxxxxxxxxxxxxxxxxxxxxx', 48);
    const idatAt = png.indexOf(Buffer.from('IDAT'));
    const length = png.readUInt32BE(idatAt - 4);
    expect(inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length)).length).toBe((48 * 3 + 1) * 48);
  });

  it('produces an MP4 whose sample table matches its mdat', () => {
    const mp4 = videoMp4('dQw4w9WgXcQ');
    const mdatAt = mp4.indexOf(Buffer.from('mdat'));
    const stszAt = mp4.indexOf(Buffer.from('stsz'));
    const count = mp4.readUInt32BE(stszAt + 12);
    let total = 0;
    for (let i = 0; i < count; i++) total += mp4.readUInt32BE(stszAt + 16 + 4 * i);
    expect(count).toBe(30);
    expect(mp4.readUInt32BE(mdatAt - 4)).toBe(total + 8);
    const stcoAt = mp4.indexOf(Buffer.from('stco'));
    expect(mp4.readUInt32BE(stcoAt + 12)).toBe(mdatAt + 4);
  });
});
