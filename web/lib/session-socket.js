// The session socket (/ws/session on the host that served the page): session_init on every (re)connect, a
// client_heartbeat every 30 s, and reconnection on its own with back-off (1 s doubling to 10 s, for ever).
// Events (EventTarget): 'state' {state: connecting|open|waiting, attempt, retryInMs}, 'session' {sessionId},
// 'message' {message} for every JSON message after the ack.
export class SessionSocket extends EventTarget {
  // init(): the session_init message to send (called on every connect, so it sees the current languages).
  constructor(init, { url = SessionSocket.defaultUrl() } = {}) {
    super();
    this.init = init;
    this.url = url;
    this.ws = null;
    this.sessionId = null;
    this.attempt = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.heartbeat = null;
  }

  static defaultUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/ws/session`;
  }

  get ready() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.sessionId !== null; }

  connect() {
    this.stopped = false;
    clearTimeout(this.retryTimer);
    this.#emit('state', { state: 'connecting', attempt: this.attempt });
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify(this.init()));
    ws.onmessage = (e) => this.#receive(ws, e.data);
    ws.onclose = (e) => this.#closed(ws, e);
    ws.onerror = () => {};  // a close follows; the reconnect is decided there
  }

  // Ends the session for good (session_close first, so buffered audio is still translated).
  close(reason = 'user_closed') {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.ready) this.send({ type: 'session_close', session_id: this.sessionId, reason });
    this.ws?.close(1000, reason);
  }

  // Starts a fresh session now (new languages): a new session_init on the same socket ends the previous session.
  restart() {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.sessionId = null;
      this.ws.send(JSON.stringify(this.init()));
    } else if (!this.ws || this.ws.readyState === WebSocket.CLOSED) {
      this.connect();
    }
  }

  // Sends a message (an object) while the session is up; false when it could not be sent.
  send(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  #receive(ws, data) {
    if (ws !== this.ws || typeof data !== 'string') return;
    let message;
    try { message = JSON.parse(data); } catch { return; }
    if (message.type === 'session_init_ack') {
      this.sessionId = message.session_id;
      this.attempt = 0;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => {
        if (this.ready) this.send({ type: 'client_heartbeat', session_id: this.sessionId, timestamp: Date.now() });
      }, 30000);
      this.#emit('state', { state: 'open' });
      this.#emit('session', { sessionId: this.sessionId, ack: message });
      return;
    }
    this.#emit('message', { message });
  }

  #closed(ws, event) {
    if (ws !== this.ws) return;
    clearInterval(this.heartbeat);
    this.sessionId = null;
    this.ws = null;
    if (this.stopped) {
      this.#emit('state', { state: 'closed', code: event.code });
      return;
    }
    const retryInMs = Math.min(10000, 1000 * 2 ** Math.min(this.attempt, 4));
    this.attempt += 1;
    this.#emit('state', { state: 'waiting', attempt: this.attempt, retryInMs, code: event.code, reason: event.reason });
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
  }

  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}
