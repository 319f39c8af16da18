// The Lingua browser client, served by the scheduler (plain ES modules, no build step): pick languages, press
// Start, speak. Audio goes to /ws/session as Opus "Plan A" audio_chunks (WebCodecs; whole PCM16 utterances where
// the browser has no Opus encoder); partial subtitles, results in both languages and their speech come back.
import { OpusEncoder, base64FromBytes, sampleRate } from './lib/audio-codec.js';
import { commonLanguages, languageName, offeredLanguages } from './lib/languages.js';
import { Microphone } from './lib/microphone.js';
import { SpeechPlayer } from './lib/player.js';
import { RawVoice } from './lib/raw-voice.js';
import { RoomView } from './lib/room-view.js';
import { SessionSocket } from './lib/session-socket.js';

const $ = (id) => document.getElementById(id);
const stored = (key, fallback) => localStorage.getItem(`lingua.${key}`) ?? fallback;
const store = (key, value) => localStorage.setItem(`lingua.${key}`, value);

const page = {
  socket: null,
  context: null,      // one AudioContext for capture and playback, made on the first click (autoplay rules)
  microphone: null,
  player: null,
  seq: 0,             // audio_chunk seq, per session
  utteranceIndex: 0,  // the PCM16 fallback's own utterance numbering, per session
  pcm: [],            // the PCM16 fallback's current utterance
  seen: new Set(),    // results shown in this session (speaker|utterance|language)
  ttsPlayed: 0,
  partials: 0,
  results: 0,
};

function setStatus(state, text, code = '') {
  const el = $('status');
  el.dataset.state = state;
  el.dataset.code = code;
  el.textContent = code && !text.includes(code) ? `${text} (${code})` : text;
}

// "I speak" lists every language a person can use here (one no node recognises can still be read and heard in a
// room: marked "listen only"); "Translate into" lists what nodes can speak. Returns true when a choice changed.
function fillLanguages({ speak, hear }) {
  const before = [$('src-lang').value, $('tgt-lang').value];
  const all = [...new Set([...speak, ...hear])].sort((a, b) => languageName(a).localeCompare(languageName(b)));
  const lists = { 'src-lang': all, 'tgt-lang': [...hear].sort((a, b) => languageName(a).localeCompare(languageName(b))) };
  for (const [id, fallback] of [['src-lang', 'en'], ['tgt-lang', 'es']]) {
    const select = $(id);
    select.replaceChildren(...lists[id].map((code) => new Option(
      id === 'src-lang' && !speak.includes(code) ? `${languageName(code)} (listen only)` : languageName(code), code)));
    for (const wanted of [before[id === 'src-lang' ? 0 : 1], stored(id, fallback), fallback, lists[id][0]]) {
      if (wanted && lists[id].includes(wanted)) {
        select.value = wanted;
        break;
      }
    }
    select.onchange = () => { store(id, select.value); languagesChanged(); };
  }
  return before[0] !== '' && (before[0] !== $('src-lang').value || before[1] !== $('tgt-lang').value);
}

// Asks the scheduler what its nodes offer; a changed choice starts a new session with it.
async function refreshLanguages() {
  if (fillLanguages(await offeredLanguages())) languagesChanged();
}

function wireSwap() {
  $('swap').onclick = () => {
    [$('src-lang').value, $('tgt-lang').value] = [$('tgt-lang').value, $('src-lang').value];
    store('src-lang', $('src-lang').value);
    store('tgt-lang', $('tgt-lang').value);
    languagesChanged();
  };
}

function sessionInit() {
  return {
    type: 'session_init', client_version: 'lingua-web-1.0', platform: 'web', mode: 'one_way',
    src_lang: $('src-lang').value, tgt_lang: $('tgt-lang').value, features: {}, enable_streaming_asr: true,
    trace_id: crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`,
  };
}

function languagesChanged() {
  page.socket?.restart();  // a new session_init: a new session with the new languages (re-joins the room)
}

const me = () => ({ sessionId: page.socket?.sessionId, displayName: $('display-name').value.trim() || 'Guest',
  language: $('src-lang').value });

// --- audio out: what the microphone produces goes to the session -------------------------------------------
const sink = {
  chunk(bytes, format) {
    if (!page.socket.ready) return;  // reconnecting: this audio is lost, the status says so
    if (format === 'pcm16') {
      page.pcm.push(bytes);
      return;
    }
    page.socket.send({ type: 'audio_chunk', session_id: page.socket.sessionId, seq: page.seq++, is_final: false,
      payload: base64FromBytes(bytes), client_timestamp_ms: Date.now() });
  },
  end() {
    if (!page.socket.ready) return;
    if (page.microphone?.format === 'pcm16') {
      const audio = new Uint8Array(page.pcm.reduce((n, b) => n + b.length, 0));
      let at = 0;
      for (const b of page.pcm) { audio.set(b, at); at += b.length; }
      page.pcm = [];
      if (audio.length === 0) return;
      page.socket.send({ type: 'utterance', session_id: page.socket.sessionId, utterance_index: page.utteranceIndex++,
        manual_cut: true, src_lang: $('src-lang').value, tgt_lang: $('tgt-lang').value,
        audio: base64FromBytes(audio), audio_format: 'pcm16', sample_rate: sampleRate });
    } else {
      page.socket.send({ type: 'audio_chunk', session_id: page.socket.sessionId, seq: page.seq++, is_final: true,
        payload: '' });
    }
    setStatus('translating', 'Translating…');
  },
};

function ensureAudio() {
  if (page.context) return page.context;
  try {
    page.context = new AudioContext({ sampleRate, latencyHint: 'interactive' });
  } catch {
    page.context = new AudioContext();  // a browser that cannot run at 16 kHz: the microphone resamples
  }
  page.player = new SpeechPlayer(page.context);
  page.player.enabled = $('tts-toggle').checked;
  page.player.addEventListener('started', ({ detail }) => {
    page.ttsPlayed += 1;
    document.body.dataset.ttsPlayed = String(page.ttsPlayed);
    setStatus('speaking', `Speaking the ${languageName(detail.item.language)} translation…`);
    sendPlayback('tts_started', 'ts_start_ms', detail.item);
  });
  page.player.addEventListener('ended', ({ detail }) => {
    sendPlayback('tts_play_ended', 'ts_end_ms', detail.item);
    setStatus(page.microphone ? 'listening' : 'ready', page.microphone ? 'Listening — speak now.' : 'Ready.');
  });
  page.player.addEventListener('failed', ({ detail }) => {
    setStatus('error', `Could not play the translation: ${detail.error.message}`);
  });
  return page.context;
}

function sendPlayback(type, field, item) {
  if (!page.socket.ready) return;
  page.socket.send({ type, session_id: page.socket.sessionId, trace_id: item.trace_id ?? '',
    group_id: item.group_id ?? '', [field]: Date.now() });
}

function openMicrophone(context, useOpus) {
  const microphone = new Microphone(context, sink, { useOpus });
  microphone.addEventListener('voice', ({ detail }) => {
    if (detail.speaking) setStatus('hearing', 'Hearing you…');
  });
  microphone.addEventListener('level', ({ detail }) => {
    $('level').firstElementChild.style.width = `${Math.min(100, Math.round(detail.rms * 600))}%`;
  });
  return microphone;
}

async function startListening() {
  if (!navigator.mediaDevices?.getUserMedia) {
    setStatus('error', 'This page needs a microphone: open it over https:// or on localhost.', 'NO_MICROPHONE');
    return;
  }
  const context = ensureAudio();
  if (context.state === 'suspended') await context.resume();
  const useOpus = await OpusEncoder.supported();
  let microphone = openMicrophone(context, useOpus);
  try {
    try {
      await microphone.start();
    } catch (e) {
      // Some browsers (Firefox) take a microphone only into a context at the device's own rate: use one.
      if (e.name !== 'NotSupportedError' || context.sampleRate !== sampleRate) throw e;
      microphone.stop();
      await context.close();
      page.context = new AudioContext();
      page.player.context = page.context;
      microphone = openMicrophone(page.context, useOpus);
      await microphone.start();
    }
  } catch (e) {
    const blocked = e.name === 'NotAllowedError' || e.name === 'SecurityError';
    setStatus('error', blocked ? 'The microphone is blocked: allow it for this site and press Start again.'
      : `No microphone: ${e.message}`, blocked ? 'MIC_BLOCKED' : 'NO_MICROPHONE');
    microphone.stop();
    return;
  }
  page.microphone = microphone;
  rawVoice.setTrack(microphone.stream.getAudioTracks()[0] ?? null);
  $('talk').textContent = 'Stop';
  $('talk').classList.add('listening');
  $('send').disabled = false;
  document.body.dataset.listening = 'true';
  setStatus('listening', useOpus ? 'Listening — speak now.' : 'Listening — speak now (PCM audio: this browser has no Opus encoder).');
}

function stopListening() {
  page.microphone?.stop();
  page.microphone = null;
  rawVoice.setTrack(null);
  $('talk').textContent = 'Start speaking';
  $('talk').classList.remove('listening');
  $('send').disabled = true;
  $('level').firstElementChild.style.width = '0';
  delete document.body.dataset.listening;
  if ($('status').dataset.state !== 'translating') setStatus('ready', 'Stopped. Press Start to speak again.');
}

// --- results in -------------------------------------------------------------------------------------------
function speakerName(sessionId) {
  if (sessionId === page.socket.sessionId) return 'You';
  return rooms.memberName(sessionId) ?? 'Someone';
}

function showResult(m) {
  // A room result is in this member's language (the one they speak); a session's in its target language.
  const language = rooms.code ? $('src-lang').value : $('tgt-lang').value;
  const key = `${m.session_id}|${m.utterance_index}|${m.job_id ?? ''}`;
  if (page.seen.has(key)) return;
  page.seen.add(key);
  if (!m.text_asr && !m.text_translated && !m.tts_audio) return;
  const li = document.createElement('li');
  li.classList.toggle('mine', m.session_id === page.socket.sessionId);
  const who = document.createElement('div');
  who.className = 'who';
  who.textContent = speakerName(m.session_id);
  const original = document.createElement('div');
  original.className = 'original';
  original.textContent = m.text_asr ?? '';
  const translated = document.createElement('div');
  translated.className = 'translated';
  translated.textContent = m.text_translated ?? '';
  li.append(who, original, translated);
  $('transcript').append(li);
  $('transcript-empty').hidden = true;
  $('partial').textContent = '';
  page.results += 1;
  document.body.dataset.results = String(page.results);
  setStatus(page.microphone ? 'listening' : 'ready', page.microphone ? 'Listening — speak now.' : 'Ready.');
  if (m.tts_audio && $('tts-toggle').checked) {
    ensureAudio();
    page.player.enqueue({ ...m, language });
  }
}

function showOwnWords(m) {
  // In a room the speaker gets no result of their own (it goes to the others): their final words stand in.
  if (!rooms.code || rooms.members.length < 2 || !m.is_final || !m.text) return;
  showResult({ session_id: page.socket.sessionId, utterance_index: `own-${m.utterance_index}`, text_asr: m.text,
    text_translated: '' });
}

const uiEvents = {
  QUEUED: ['translating', 'Every node is busy — waiting for a free one…'],
  DISPATCHED: ['translating', 'Translating…'],
  NODE_ACCEPTED: ['translating', 'Translating…'],
};

function handle(m) {
  if (m.type.startsWith('webrtc_')) {
    rawVoice.handle(m);
    return;
  }
  const room = rooms.handle(m);
  if (m.type.startsWith('room_')) rawVoice.update(rooms.code, page.socket.sessionId, rooms.members);
  if (room) {
    setStatus(room.state, room.text, room.code ?? '');
    return;
  }
  switch (m.type) {
    case 'asr_partial':
      page.partials += 1;
      document.body.dataset.partials = String(page.partials);
      $('partial').textContent = m.text ? `${speakerName(m.session_id)}: ${m.text}${m.is_final ? '' : '…'}` : '';
      showOwnWords(m);
      break;
    case 'translation_result':
      showResult(m);
      break;
    case 'missing_result':
      setStatus('ready', 'Nothing was recognised — try again, a little louder.');
      break;
    case 'ui_event':
      if (m.status === 'error') {
        setStatus('error', describeError(m.error_code), m.error_code ?? 'ERROR');
      } else if (uiEvents[m.event]) {
        setStatus(...uiEvents[m.event]);
      }
      break;
    case 'error':
      setStatus('error', `${describeError(m.code)}${m.message ? ` — ${m.message}` : ''}`, m.code ?? 'ERROR');
      break;
    case 'backpressure':
      setStatus('translating', 'The server asks to slow down…', 'SLOW_DOWN');
      break;
    default:
      break;
  }
}

function describeError(code) {
  const known = {
    NO_AVAILABLE_NODE: `No translation node serves ${languageName($('src-lang').value)} → ${languageName($('tgt-lang').value)} right now`,
    JOB_TIMEOUT: 'The translation took too long',
    SCHEDULER_DEPENDENCY_DOWN: 'The service is temporarily unavailable',
    INVALID_MESSAGE: 'The server did not understand a message',
    INVALID_SESSION: 'The session ended',
  };
  return known[code] ?? 'Something went wrong';
}

// --- wiring -----------------------------------------------------------------------------------------------
let rooms;
let rawVoice;

function connect() {
  page.socket = new SessionSocket(sessionInit);
  rooms = new RoomView((m) => page.socket.send(m), me);
  rawVoice = new RawVoice((m) => page.socket.send(m), $('raw-voices'));
  page.socket.addEventListener('state', ({ detail }) => {
    const connected = detail.state === 'open';
    $('talk').disabled = !connected && !page.microphone;
    rooms.enable(connected);
    if (detail.state === 'connecting' && detail.attempt === 0) setStatus('connecting', 'Connecting…');
    if (detail.state === 'connecting' && detail.attempt > 0) setStatus('reconnecting', 'Reconnecting…');
    if (detail.state === 'waiting') {
      page.reconnected = true;
      setStatus('reconnecting', `Connection lost — reconnecting in ${Math.round(detail.retryInMs / 1000)} s`,
        detail.code ? `close ${detail.code}` : '');
    }
  });
  page.socket.addEventListener('session', ({ detail }) => {
    rawVoice.closeAll();  // the old session's peers are gone with it
    if (page.reconnected) refreshLanguages();  // the nodes may have changed while the connection was down
    page.reconnected = false;
    page.seq = 0;
    page.utteranceIndex = 0;
    page.pcm = [];
    page.seen.clear();  // a new session numbers its utterances from 0 again
    document.body.dataset.sessionId = detail.sessionId;
    setStatus(page.microphone ? 'listening' : 'ready',
      page.microphone ? 'Listening — speak now.' : 'Ready — press Start and speak.');
    const wanted = new URLSearchParams(location.search).get('room');
    if (rooms.code) rooms.rejoin();
    else if (wanted && !rooms.joining) rooms.join(wanted);
  });
  page.socket.addEventListener('message', ({ detail }) => handle(detail.message));
  page.socket.connect();
}

async function wire() {
  fillLanguages({ speak: commonLanguages, hear: commonLanguages });
  wireSwap();
  $('display-name').value = stored('name', `Guest ${Math.floor(100 + Math.random() * 900)}`);
  $('display-name').onchange = () => store('name', $('display-name').value.trim());
  $('tts-toggle').checked = stored('tts', 'on') === 'on';
  $('tts-toggle').onchange = () => {
    store('tts', $('tts-toggle').checked ? 'on' : 'off');
    if (page.player) page.player.enabled = $('tts-toggle').checked;
    if (!$('tts-toggle').checked) page.player?.stopAll();
  };
  $('talk').onclick = () => (page.microphone ? stopListening() : startListening());
  $('room-leave').addEventListener('click', () => rawVoice.update(null, page.socket.sessionId, []));
  $('raw-voice').onchange = () => {
    rawVoice.wanted = $('raw-voice').checked;
    rawVoice.update(rooms.code, page.socket.sessionId, rooms.members);
  };
  $('send').onclick = () => page.microphone?.cut();
  for (const id of ['room-create', 'room-join']) $(id).addEventListener('click', ensureAudio);
  const wanted = new URLSearchParams(location.search).get('room');
  if (wanted) $('room-code').value = wanted;
  await refreshLanguages();  // before the first session_init, so it carries languages a node offers
  connect();
}

await wire();
