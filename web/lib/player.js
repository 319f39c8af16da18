// Plays translated speech (tts_audio) one result after another on the page's AudioContext.
// Events: 'started' {item}, 'ended' {item} — the app tells the scheduler (tts_started / tts_play_ended).
import { bytesFromBase64, decodeSpeech } from './audio-codec.js';

export class SpeechPlayer extends EventTarget {
  constructor(context) {
    super();
    this.context = context;
    this.queue = [];
    this.playing = null;
    this.enabled = true;
  }

  // item: {tts_audio (base64), tts_format, ...anything the events should carry}
  enqueue(item) {
    if (!this.enabled || !item.tts_audio) return;
    this.queue.push(item);
    if (!this.playing) this.#next();
  }

  stopAll() {
    this.queue = [];
    try { this.playing?.source.stop(); } catch { /* not started */ }
  }

  async #next() {
    const item = this.queue.shift();
    if (!item) {
      this.playing = null;
      return;
    }
    this.playing = { item };
    try {
      if (this.context.state === 'suspended') await this.context.resume();
      const { samples, rate } = await decodeSpeech(bytesFromBase64(item.tts_audio), item.tts_format);
      if (samples.length === 0) throw new Error('no audio in the result');
      const buffer = this.context.createBuffer(1, samples.length, rate);
      buffer.copyToChannel(samples, 0);
      const source = this.context.createBufferSource();
      source.buffer = buffer;
      source.connect(this.context.destination);
      this.playing.source = source;
      await new Promise((resolve) => {
        source.onended = resolve;
        source.start();
        this.dispatchEvent(new CustomEvent('started', { detail: { item, seconds: buffer.duration } }));
      });
      this.dispatchEvent(new CustomEvent('ended', { detail: { item } }));
    } catch (e) {
      this.dispatchEvent(new CustomEvent('failed', { detail: { item, error: e } }));
    }
    this.#next();
  }
}
