// The microphone as a stream of utterances: capture (getUserMedia + AudioWorklet), resampling to 16 kHz mono, a
// voice detector (RMS with hysteresis), and the cut: audio is sent only from just before speech starts, in chunks
// of ~260 ms (13 Opus frames: the Lingua web client's cadence), and a pause of `pauseMs` after speech — or
// cut() — ends the utterance (is_final).
import { OpusEncoder, pcm16FromFloat, planA, sampleRate } from './audio-codec.js';

const frameSamples = 320;          // 20 ms at 16 kHz
const framesPerChunk = 13;         // ~260 ms per audio_chunk
const prerollFrames = 15;          // 300 ms of audio kept from before the voice started
const speechRms = 0.012;           // a frame this loud is speech ...
const silenceRms = 0.006;          // ... and one this quiet after speech is silence
const attackFrames = 3;            // 60 ms of loud frames to start speech

// sink: {chunk(bytes: Uint8Array, format: 'opus'|'pcm16'), end()} — end() follows the utterance's last chunk.
// Events: 'voice' {speaking: bool}, 'level' {rms}.
export class Microphone extends EventTarget {
  constructor(context, sink, { pauseMs = 900, useOpus = true } = {}) {
    super();
    this.context = context;
    this.sink = sink;
    this.pauseMs = pauseMs;
    this.useOpus = useOpus;
    this.format = useOpus ? 'opus' : 'pcm16';
    this.pending = [];       // encoded frames (Opus packets or PCM16 frames) not yet sent
    this.preroll = [];       // frames before speech
    this.speaking = false;   // inside an utterance
    this.loudRun = 0;
    this.quietMs = 0;
    this.carry = new Float32Array(0);
    this.resamplePos = 0;
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    await this.context.audioWorklet.addModule('/lib/capture-worklet.js');
    this.source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'lingua-capture', { numberOfInputs: 1, numberOfOutputs: 1,
      channelCount: 1, channelCountMode: 'explicit' });
    // A node is only run while something pulls it: a silent path to the speakers keeps the capture going.
    this.mute = this.context.createGain();
    this.mute.gain.value = 0;
    this.node.connect(this.mute).connect(this.context.destination);
    this.ratio = this.context.sampleRate / sampleRate;
    if (this.useOpus) {
      this.encoder = new OpusEncoder((packet) => this.#encoded(packet));
    }
    this.node.port.onmessage = (e) => this.#samples(e.data);
    this.source.connect(this.node);
  }

  // Ends the current utterance now (the send button).
  cut() {
    if (this.speaking) this.#endUtterance();
  }

  stop() {
    this.cut();
    this.source?.disconnect();
    this.node?.disconnect();
    this.mute?.disconnect();
    this.node?.port.close();
    this.stream?.getTracks().forEach((t) => t.stop());
    this.encoder?.close();
    this.encoder = null;
  }

  // Downsamples (linear interpolation; the capture is already band-limited speech) and cuts 20 ms frames.
  #samples(block) {
    const input = new Float32Array(this.carry.length + block.length);
    input.set(this.carry);
    input.set(block, this.carry.length);
    const out = [];
    let pos = this.resamplePos;
    while (pos + 1 < input.length) {
      const i = Math.floor(pos);
      out.push(input[i] + (input[i + 1] - input[i]) * (pos - i));
      pos += this.ratio;
    }
    const keep = Math.floor(pos);
    this.carry = input.slice(keep);
    this.resamplePos = pos - keep;
    this.buffer = this.buffer ? Float32Array.from([...this.buffer, ...out]) : Float32Array.from(out);
    while (this.buffer.length >= frameSamples) {
      this.#frame(this.buffer.slice(0, frameSamples));
      this.buffer = this.buffer.slice(frameSamples);
    }
  }

  #frame(samples) {
    let sum = 0;
    for (const s of samples) sum += s * s;
    const rms = Math.sqrt(sum / samples.length);
    this.dispatchEvent(new CustomEvent('level', { detail: { rms } }));
    if (!this.speaking) {
      this.loudRun = rms >= speechRms ? this.loudRun + 1 : 0;
      if (this.loudRun >= attackFrames) {
        this.speaking = true;
        this.quietMs = 0;
        this.pending.push(...this.preroll);
        this.preroll = [];
        this.dispatchEvent(new CustomEvent('voice', { detail: { speaking: true } }));
      }
    } else {
      this.quietMs = rms < silenceRms ? this.quietMs + 20 : 0;
    }
    // Every frame is encoded (the Opus encoder keeps its state); where it goes is decided when it comes out.
    if (this.encoder) {
      this.encoder.encode(samples);
    } else {
      this.#encoded(pcm16FromFloat(samples));
    }
    if (this.speaking && this.quietMs >= this.pauseMs) this.#endUtterance();
  }

  #encoded(frame) {
    if (!this.speaking) {
      this.preroll.push(frame);
      if (this.preroll.length > prerollFrames) this.preroll.shift();
      return;
    }
    this.pending.push(frame);
    if (this.pending.length >= framesPerChunk) this.#flush();
  }

  #flush() {
    if (this.pending.length === 0) return;
    const frames = this.pending;
    this.pending = [];
    if (this.format === 'opus') {
      this.sink.chunk(planA(frames), 'opus');
    } else {
      const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
      let at = 0;
      for (const f of frames) { bytes.set(f, at); at += f.length; }
      this.sink.chunk(bytes, 'pcm16');
    }
  }

  #endUtterance() {
    this.#flush();
    this.speaking = false;
    this.loudRun = 0;
    this.quietMs = 0;
    this.sink.end();
    this.dispatchEvent(new CustomEvent('voice', { detail: { speaking: false } }));
  }
}
