/** A big-endian bit writer, for JPEG entropy data and H.264 headers. */
export class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  /** `stuff`: JPEG byte stuffing, a 0x00 after every 0xFF in entropy-coded data. */
  constructor(private readonly stuff = false) {}

  bits(value: number, width: number): this {
    for (let i = width - 1; i >= 0; i--) {
      this.current = (this.current << 1) | ((value >>> i) & 1);
      if (++this.count === 8) this.flushByte();
    }
    return this;
  }

  bit(flag: boolean | number): this {
    return this.bits(flag ? 1 : 0, 1);
  }

  /** Exp-Golomb unsigned, ue(v). */
  ue(value: number): this {
    const coded = value + 1;
    const width = 32 - Math.clz32(coded);
    return this.bits(0, width - 1).bits(coded, width);
  }

  /** Exp-Golomb signed, se(v). */
  se(value: number): this {
    return this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  get aligned(): boolean {
    return this.count === 0;
  }

  /** Pads to a byte boundary with the given bit value. */
  align(fill: 0 | 1): this {
    while (this.count !== 0) this.bits(fill, 1);
    return this;
  }

  byte(value: number): this {
    return this.bits(value & 0xff, 8);
  }

  /** H.264 rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailing(): this {
    return this.bit(1).align(0);
  }

  toBuffer(): Buffer {
    if (this.count !== 0) throw new Error('bit writer is not byte-aligned');
    return Buffer.from(this.bytes);
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.stuff && this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.count = 0;
  }
}
