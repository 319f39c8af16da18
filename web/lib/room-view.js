// The room panel: create / join / leave, the share link, the member list. Talks through `send` and reports what
// it shows; the app owns the socket.
import { languageName } from './languages.js';

const $ = (id) => document.getElementById(id);

export class RoomView {
  // send(message) sends on the session socket; me() is {sessionId, displayName, language}.
  constructor(send, me) {
    this.send = send;
    this.me = me;
    this.code = null;        // the room this page is in (or re-joins after a reconnect)
    this.members = [];
    this.joining = null;     // a code asked for and not yet confirmed
    $('room-create').onclick = () => this.create();
    $('room-join').onclick = () => this.join($('room-code').value.trim());
    $('room-code').onkeydown = (e) => { if (e.key === 'Enter') this.join($('room-code').value.trim()); };
    $('room-leave').onclick = () => this.leave();
    $('room-copy').onclick = () => navigator.clipboard?.writeText(this.link()).catch(() => {});
  }

  enable(on) {
    $('room-create').disabled = !on;
    $('room-join').disabled = !on;
  }

  link() { return `${location.origin}/?room=${encodeURIComponent(this.code ?? '')}`; }

  create() {
    const me = this.me();
    this.send({ type: 'room_create', client_ts: Date.now(), display_name: me.displayName, preferred_lang: me.language });
  }

  join(code) {
    if (!/^[0-9]{1,18}$/.test(code)) return 'a room code is 6 digits';
    const me = this.me();
    this.joining = code;
    this.send({ type: 'room_join', room_code: code, display_name: me.displayName, preferred_lang: me.language });
    return null;
  }

  // After a new session (reconnect, language change) the old session has left the room: join it again.
  rejoin() { if (this.code) this.join(this.code); }

  leave() {
    if (this.code) this.send({ type: 'room_leave', room_code: this.code });
    this.#left();
  }

  memberName(sessionId) {
    const m = this.members.find((x) => x.session_id === sessionId);
    return m?.display_name || (m ? `Member ${sessionId.slice(-4)}` : null);
  }

  // Handles a room message; returns a status update {state, text} or null.
  handle(message) {
    switch (message.type) {
      case 'room_create_ack':
        this.#entered(message.room_code);
        return { state: 'ready', text: `Room ${message.room_code} created — share the link, then press Start.` };
      case 'room_members':
        if (this.joining === message.room_code || this.code === message.room_code) this.#entered(message.room_code);
        this.members = message.members ?? [];
        this.#showMembers();
        return null;
      case 'room_error': {
        const failedJoin = this.joining !== null;
        this.joining = null;
        if (failedJoin && message.code === 'ROOM_NOT_FOUND' && this.code) this.#left();
        return { state: 'error', code: message.code, text: `Room: ${describeRoomError(message)}` };
      }
      case 'room_expired':
        this.#left();
        return { state: 'error', code: 'ROOM_EXPIRED', text: 'The room expired (nobody spoke for a while).' };
      default:
        return null;
    }
  }

  #entered(code) {
    this.code = code;
    this.joining = null;
    $('room-out').hidden = true;
    $('room-in').hidden = false;
    $('room-code-shown').textContent = code;
    $('room-link').textContent = this.link();
    $('room-link').href = this.link();
    document.body.dataset.room = code;
    history.replaceState(null, '', `/?room=${encodeURIComponent(code)}`);
  }

  #left() {
    this.code = null;
    this.joining = null;
    this.members = [];
    $('room-out').hidden = false;
    $('room-in').hidden = true;
    $('members').replaceChildren();
    delete document.body.dataset.room;
    history.replaceState(null, '', '/');
  }

  #showMembers() {
    const me = this.me();
    $('members').replaceChildren(...this.members.map((m) => {
      const li = document.createElement('li');
      const name = m.display_name || `Member ${m.session_id.slice(-4)}`;
      li.textContent = `${name} — ${m.preferred_lang ? languageName(m.preferred_lang) : 'any language'}`;
      if (m.session_id === me.sessionId) {
        li.classList.add('you');
        li.textContent += ' (you)';
      }
      li.dataset.sessionId = m.session_id;
      return li;
    }));
  }
}

function describeRoomError(message) {
  const known = {
    ROOM_NOT_FOUND: 'no room with this code (it may have ended)',
    ALREADY_IN_ROOM: 'you are already in this room',
    ROOM_FULL: 'the room is full',
    INVALID_ROOM_CODE: 'that is not a room code',
  };
  return `${known[message.code] ?? message.message ?? 'failed'} (${message.code})`;
}
