import { BitWriter } from './bits';

export type Rgb = readonly [number, number, number];

/**
 * A baseline JPEG encoder for images made of flat 8×8 blocks: each block is one colour, so every
 * block is a DC coefficient followed by end-of-block. That is all a synthetic thumbnail needs, and
 * the result is a real JFIF file any decoder opens.
 */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]; // ITU T.81 Annex K, luminance DC
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // one symbol: end-of-block
const AC_VALUES = [0x00];

interface Code {
  code: number;
  length: number;
}

function canonicalCodes(bits: number[], values: number[]): Map<number, Code> {
  const codes = new Map<number, Code>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]; i++) codes.set(values[k++], { code: code++, length });
    code <<= 1;
  }
  return codes;
}

const DC_CODES = canonicalCodes(DC_BITS, DC_VALUES);
const EOB = canonicalCodes(AC_BITS, AC_VALUES).get(0x00) as Code;

function segment(marker: number, payload: number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

export function encodeJpeg(width: number, height: number, blockColor: (bx: number, by: number) => Rgb): Buffer {
  const header: number[] = [0xff, 0xd8];
  header.push(...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0])); // JFIF 1.01
  header.push(...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)])); // table 0: all ones
  header.push(...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]));
  header.push(...segment(0xc4, [0x00, ...DC_BITS, ...DC_VALUES]));
  header.push(...segment(0xc4, [0x10, ...AC_BITS, ...AC_VALUES]));
  header.push(...segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]));

  const writer = new BitWriter(true);
  const previous = [0, 0, 0];
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      const [r, g, b] = blockColor(bx, by);
      const ycc = [
        0.299 * r + 0.587 * g + 0.114 * b,
        128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
      ];
      for (let c = 0; c < 3; c++) {
        // A flat block's DC coefficient is 8 × (sample − 128); the quantiser is 1.
        const dc = Math.round(8 * (Math.min(255, Math.max(0, ycc[c])) - 128));
        const diff = dc - previous[c];
        previous[c] = dc;
        const magnitude = Math.abs(diff);
        const category = magnitude === 0 ? 0 : 32 - Math.clz32(magnitude);
        const code = DC_CODES.get(category) as Code;
        writer.bits(code.code, code.length);
        if (category > 0) writer.bits(diff > 0 ? diff : (diff - 1) & ((1 << category) - 1), category);
        writer.bits(EOB.code, EOB.length);
      }
    }
  }
  writer.align(1);
  return Buffer.concat([Buffer.from(header), writer.toBuffer(), Buffer.from([0xff, 0xd9])]);
}
