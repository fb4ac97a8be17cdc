import { BitWriter } from './bits';

/**
 * A tiny H.264 Constrained Baseline encoder. Key frames code every macroblock as I_PCM (raw
 * samples, no prediction or transform), and the frames between them are P frames whose macroblocks
 * are all skipped. Real decoders (ffmpeg, browsers) play it; it needs no codec library.
 */
export interface H264Stream {
  sps: Buffer;
  pps: Buffer;
  /** One NAL unit per frame, without start codes. */
  frames: { nal: Buffer; key: boolean }[];
}

export type MacroblockColor = (frameIndex: number, mbx: number, mby: number) => { y: number; cb: number; cr: number };

const PROFILE_BASELINE = 66;
const LEVEL = 30;
const LOG2_MAX_FRAME_NUM = 4;

/** Inserts emulation-prevention bytes so that no 00 00 0x (x ≤ 3) appears inside a NAL unit. */
function escapeRbsp(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

const nal = (header: number, rbsp: Buffer): Buffer => Buffer.concat([Buffer.from([header]), escapeRbsp(rbsp)]);

export function encodeH264(widthMbs: number, heightMbs: number, frameCount: number, keyInterval: number, color: MacroblockColor): H264Stream {
  const sps = new BitWriter()
    .byte(PROFILE_BASELINE)
    .byte(0xc0) // constraint_set0 and constraint_set1: Constrained Baseline
    .byte(LEVEL)
    .ue(0) // seq_parameter_set_id
    .ue(LOG2_MAX_FRAME_NUM - 4)
    .ue(2) // pic_order_cnt_type 2: output order is decode order
    .ue(1) // max_num_ref_frames
    .bit(0) // gaps_in_frame_num_value_allowed_flag
    .ue(widthMbs - 1)
    .ue(heightMbs - 1)
    .bit(1) // frame_mbs_only_flag
    .bit(1) // direct_8x8_inference_flag
    .bit(0) // frame_cropping_flag
    .bit(0) // vui_parameters_present_flag
    .trailing()
    .toBuffer();
  const pps = new BitWriter()
    .ue(0) // pic_parameter_set_id
    .ue(0) // seq_parameter_set_id
    .bit(0) // entropy_coding_mode_flag: CAVLC
    .bit(0) // bottom_field_pic_order_in_frame_present_flag
    .ue(0) // num_slice_groups_minus1
    .ue(0) // num_ref_idx_l0_default_active_minus1
    .ue(0) // num_ref_idx_l1_default_active_minus1
    .bit(0) // weighted_pred_flag
    .bits(0, 2) // weighted_bipred_idc
    .se(0) // pic_init_qp_minus26
    .se(0) // pic_init_qs_minus26
    .se(0) // chroma_qp_index_offset
    .bit(0) // deblocking_filter_control_present_flag
    .bit(0) // constrained_intra_pred_flag
    .bit(0) // redundant_pic_cnt_present_flag
    .trailing()
    .toBuffer();

  const frames: { nal: Buffer; key: boolean }[] = [];
  let frameNum = 0;
  let idrId = 0;
  for (let f = 0; f < frameCount; f++) {
    const key = f % keyInterval === 0;
    const w = new BitWriter();
    if (key) {
      frameNum = 0;
      w.ue(0).ue(7).ue(0).bits(0, LOG2_MAX_FRAME_NUM); // first_mb, slice_type I (all), pps, frame_num
      w.ue(idrId++ % 65536); // idr_pic_id differs between consecutive IDR pictures
      w.bit(0).bit(0); // no_output_of_prior_pics_flag, long_term_reference_flag
      w.se(0); // slice_qp_delta
      for (let mby = 0; mby < heightMbs; mby++) {
        for (let mbx = 0; mbx < widthMbs; mbx++) {
          w.ue(25); // mb_type I_PCM
          w.align(0); // pcm_alignment_zero_bit
          const { y, cb, cr } = color(f, mbx, mby);
          for (let i = 0; i < 256; i++) w.byte(y);
          for (let i = 0; i < 64; i++) w.byte(cb);
          for (let i = 0; i < 64; i++) w.byte(cr);
        }
      }
      w.trailing();
      frames.push({ nal: nal(0x65, w.toBuffer()), key: true });
    } else {
      frameNum = (frameNum + 1) % (1 << LOG2_MAX_FRAME_NUM);
      w.ue(0).ue(5).ue(0).bits(frameNum, LOG2_MAX_FRAME_NUM); // first_mb, slice_type P (all), pps, frame_num
      w.bit(0); // num_ref_idx_active_override_flag
      w.bit(0); // ref_pic_list_modification_flag_l0
      w.bit(0); // adaptive_ref_pic_marking_mode_flag: sliding window
      w.se(0); // slice_qp_delta
      w.ue(widthMbs * heightMbs); // mb_skip_run: every macroblock copies the reference
      w.trailing();
      frames.push({ nal: nal(0x41, w.toBuffer()), key: false });
    }
  }
  return { sps: nal(0x67, sps), pps: nal(0x68, pps), frames };
}
