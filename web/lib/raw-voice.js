// Raw voice in a room: the members' own voices over WebRTC, between two members exactly when both asked for it
// (each says so with room_raw_voice_preference; room_members shows everyone's choices). The scheduler relays the
// offer / answer / ICE messages; audio flows peer to peer (no STUN/TURN server: same network, or localhost).
// The member with the smaller session id makes the offer, so two members never offer at once.
export class RawVoice {
  // send(message): the session socket; audioSink: where remote voices play (an element to append <audio> to).
  constructor(send, audioSink) {
    this.send = send;
    this.audioSink = audioSink;
    this.wanted = false;
    this.track = null;            // our microphone track while listening
    this.peers = new Map();       // session id -> {pc, sender, audio}
    this.room = null;
    this.me = null;
  }

  // The member list changed (or our choice did): tell the room our choice, then connect / disconnect peers.
  update(room, me, members) {
    this.room = room;
    this.me = me;
    const others = room ? members.filter((m) => m.session_id !== me) : [];
    const mine = members.find((m) => m.session_id === me)?.raw_voice_preferences ?? {};
    for (const other of others) {
      if ((mine[other.session_id] === true) !== this.wanted) {
        this.send({ type: 'room_raw_voice_preference', room_code: room, target_session_id: other.session_id,
          receive_raw_voice: this.wanted });
      }
    }
    const mutual = new Set(others.filter((o) => this.wanted && o.raw_voice_preferences?.[me] === true)
      .map((o) => o.session_id));
    for (const id of [...this.peers.keys()]) if (!mutual.has(id)) this.#close(id);
    for (const id of mutual) if (!this.peers.has(id) && me < id) this.#offer(id);
    this.mutual = mutual;
    this.#report();
  }

  setTrack(track) {
    this.track = track;
    for (const peer of this.peers.values()) peer.sender?.replaceTrack(track).catch(() => {});
  }

  closeAll() { for (const id of [...this.peers.keys()]) this.#close(id); }

  // webrtc_offer / webrtc_answer / webrtc_ice: `to` names the sender (the scheduler rewrites it).
  async handle(message) {
    const from = message.to;
    if (message.room_code !== this.room) return;
    try {
      if (message.type === 'webrtc_offer') {
        if (!this.mutual?.has(from)) return;
        const peer = this.peers.get(from) ?? this.#peer(from);
        await peer.pc.setRemoteDescription(message.sdp);
        await peer.pc.setLocalDescription(await peer.pc.createAnswer());
        this.send({ type: 'webrtc_answer', room_code: this.room, to: from, sdp: peer.pc.localDescription.toJSON() });
      } else if (message.type === 'webrtc_answer') {
        await this.peers.get(from)?.pc.setRemoteDescription(message.sdp);
      } else if (message.type === 'webrtc_ice') {
        if (message.candidate) await this.peers.get(from)?.pc.addIceCandidate(message.candidate);
      }
    } catch (e) {
      console.warn(`raw voice with ${from}: ${e.message}`);
    }
  }

  #peer(id) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
    if (this.track) transceiver.sender.replaceTrack(this.track).catch(() => {});
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.dataset.peer = id;
    this.audioSink.append(audio);
    const peer = { pc, sender: transceiver.sender, audio };
    pc.onicecandidate = (e) => {
      if (e.candidate) this.send({ type: 'webrtc_ice', room_code: this.room, to: id, candidate: e.candidate.toJSON() });
    };
    pc.ontrack = (e) => { audio.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
    pc.onconnectionstatechange = () => this.#report();
    this.peers.set(id, peer);
    return peer;
  }

  async #offer(id) {
    const peer = this.#peer(id);
    await peer.pc.setLocalDescription(await peer.pc.createOffer());
    this.send({ type: 'webrtc_offer', room_code: this.room, to: id, sdp: peer.pc.localDescription.toJSON() });
  }

  #close(id) {
    const peer = this.peers.get(id);
    if (!peer) return;
    peer.pc.close();
    peer.audio.remove();
    this.peers.delete(id);
    this.#report();
  }

  // body[data-raw-voice-connected] counts the members whose voice is connected (for the page and its tests).
  #report() {
    const connected = [...this.peers.values()].filter((p) => p.pc.connectionState === 'connected').length;
    document.body.dataset.rawVoiceConnected = String(connected);
  }
}
