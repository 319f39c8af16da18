// Audio on the wire: Opus "Plan A" (a concatenation of [u16 little-endian length][Opus packet] records, 16 kHz
// mono, 20 ms frames — what the Lingua web client sends and nodes return as TTS) and PCM16 (s16 little-endian),
// plus standard base64.

export const sampleRate = 16000;

export function base64FromBytes(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function bytesFromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// One Plan A blob from Opus packets (Uint8Array each).
export function planA(packets) {
  const size = packets.reduce((n, p) => n + 2 + p.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of packets) {
    out[at] = p.length & 0xff;
    out[at + 1] = p.length >> 8;
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return out;
}

// The Opus packets of a Plan A blob (a truncated last record is dropped).
export function planAPackets(bytes) {
  const packets = [];
  for (let at = 0; at + 2 <= bytes.length;) {
    const n = bytes[at] | (bytes[at + 1] << 8);
    if (n === 0 || at + 2 + n > bytes.length) break;
    packets.push(bytes.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  return packets;
}

export function pcm16FromFloat(samples) {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(2 * i, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return out;
}

export function floatFromPcm16(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true) / 0x8000;
  return out;
}

export function hasOpusEncoder() {
  return typeof AudioEncoder === 'function' && typeof AudioData === 'function';
}

// Encodes 16 kHz mono Float32 audio to Opus packets (20 ms, VOIP, 24 kbps) with WebCodecs; onPacket(Uint8Array)
// gets them in order.
export class OpusEncoder {
  constructor(onPacket) {
    this.timestampUs = 0;
    this.encoder = new AudioEncoder({
      output: (chunk) => {
        const packet = new Uint8Array(chunk.byteLength);
        chunk.copyTo(packet);
        onPacket(packet);
      },
      error: (e) => console.warn(`opus encoder: ${e.message}`),
    });
    this.encoder.configure({ codec: 'opus', sampleRate, numberOfChannels: 1, bitrate: 24000,
      opus: { frameDuration: 20000, application: 'voip' } });
  }

  static async supported() {
    if (!hasOpusEncoder()) return false;
    try {
      const { supported } = await AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate, numberOfChannels: 1,
        bitrate: 24000, opus: { frameDuration: 20000, application: 'voip' } });
      return supported === true;
    } catch {
      return false;
    }
  }

  encode(samples) {
    const data = new AudioData({ format: 'f32', sampleRate, numberOfFrames: samples.length, numberOfChannels: 1,
      timestamp: this.timestampUs, data: samples });
    this.timestampUs += Math.round(samples.length * 1e6 / sampleRate);
    this.encoder.encode(data);
    data.close();
  }

  close() {
    try { this.encoder.close(); } catch { /* already closed */ }
  }
}

// Decodes TTS audio (tts_format "opus": Plan A; otherwise PCM16 at 16 kHz) to {samples: Float32Array, rate}.
export async function decodeSpeech(bytes, format) {
  if (format !== 'opus') return { samples: floatFromPcm16(bytes), rate: sampleRate };
  if (typeof AudioDecoder !== 'function') throw new Error('this browser cannot decode Opus (no WebCodecs)');
  const parts = [];
  let rate = sampleRate;
  const decoder = new AudioDecoder({
    output: (data) => {
      rate = data.sampleRate;
      const part = new Float32Array(data.numberOfFrames);
      data.copyTo(part, { planeIndex: 0, format: 'f32-planar' });
      parts.push(part);
      data.close();
    },
    error: (e) => console.warn(`opus decoder: ${e.message}`),
  });
  decoder.configure({ codec: 'opus', sampleRate, numberOfChannels: 1 });
  let timestamp = 0;
  for (const packet of planAPackets(bytes)) {
    decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp, data: packet }));
    timestamp += 20000;
  }
  await decoder.flush();
  decoder.close();
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { samples.set(p, at); at += p.length; }
  return { samples, rate };
}
