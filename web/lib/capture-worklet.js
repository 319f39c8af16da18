// AudioWorklet: hands the microphone's samples (mono, at the context's rate) to the page, ~10 ms at a time.
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.max(128, Math.round(sampleRate / 100 / 128) * 128);
    this.block = new Float32Array(this.size);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (channel) {
      for (let i = 0; i < channel.length; i++) {
        this.block[this.filled++] = channel[i];
        if (this.filled === this.block.length) {
          this.port.postMessage(this.block, [this.block.buffer]);
          this.block = new Float32Array(this.size);  // the sent one was transferred (detached)
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('lingua-capture', CaptureProcessor);
