// Test speech for the fake microphone: flite's English voice (recognised well by PocketSphinx's generic model),
// resampled to 48 kHz mono PCM16 (the capture rate Chromium's fake device uses) with silence before and after, so
// the page hears a pause once the phrase is over.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not WAV`);
  let rate = 0;
  for (let at = 12; at + 8 <= b.length;) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') rate = b.readUInt32LE(at + 12);
    if (id === 'data') {
      const n = Math.min(size, b.length - at - 8) >> 1;
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = b.readInt16LE(at + 8 + 2 * i);
      return { rate, samples };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

function writeWav(file, rate, samples) {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0, 'ascii'); b.writeUInt32LE(36 + samples.length * 2, 4); b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii'); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii'); b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i], 44 + 2 * i);
  fs.writeFileSync(file, b);
}

// Writes `text` spoken by flite to dir/<name>.wav (48 kHz) and returns its path.
export function fliteSpeech(dir, name, text, { leadMs = 700, trailMs = 5000 } = {}) {
  const raw = path.join(dir, `${name}.flite.wav`);
  execFileSync('flite', ['-t', text, '-o', raw]);
  const { rate, samples } = readWav(raw);
  const outRate = 48000;
  const n = Math.floor(samples.length * outRate / rate);
  const lead = Math.round(leadMs * outRate / 1000);
  const out = new Int16Array(lead + n + Math.round(trailMs * outRate / 1000));
  for (let i = 0; i < n; i++) {  // linear interpolation is plenty for speech recognised at 16 kHz
    const x = i * rate / outRate;
    const i0 = Math.floor(x);
    const i1 = Math.min(i0 + 1, samples.length - 1);
    out[lead + i] = Math.round(samples[i0] + (samples[i1] - samples[i0]) * (x - i0));
  }
  const file = path.join(dir, `${name}.wav`);
  writeWav(file, outRate, out);
  return file;
}
