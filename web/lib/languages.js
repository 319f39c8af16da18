// The languages the page offers: what the connected nodes offer (the scheduler's GET /api/v1/cluster: each
// node's ASR languages can be spoken, its TTS languages heard), or a common list while no node is known. Names
// come from the browser (Intl.DisplayNames), in the page's language.
export const commonLanguages = ['en', 'es', 'fr', 'de', 'it', 'pt', 'ca', 'nl', 'zh', 'ja', 'ko', 'ru', 'ar', 'hi'];

export function languageName(code) {
  try {
    const names = new Intl.DisplayNames([navigator.language || 'en'], { type: 'language' });
    const name = names.of(code) || code;
    return name.charAt(0).toLocaleUpperCase() + name.slice(1);
  } catch {
    return code;
  }
}

const primary = (tag) => String(tag).split('-')[0].toLowerCase();

// {speak: [codes], hear: [codes], fromNodes} — speak: recognised by some ready node; hear: spoken by one.
export async function offeredLanguages() {
  try {
    const res = await fetch('/api/v1/cluster?limit=500', { signal: AbortSignal.timeout(4000) });
    if (res.ok) {
      const body = await res.json();
      // A node is "registering" until its first heartbeat (within a heartbeat period): it counts already.
      const ready = (body.nodes ?? []).filter((n) => n.online && ['ready', 'registering'].includes(n.status));
      const speak = new Set(ready.flatMap((n) => n.asr_langs ?? []).map(primary));
      const hear = new Set(ready.flatMap((n) => (n.tts_langs?.length ? n.tts_langs : n.languages ?? [])).map(primary));
      if (speak.size > 0 && hear.size > 0) return { speak: [...speak].sort(), hear: [...hear].sort(), fromNodes: true };
    }
  } catch { /* no operator API here, or it is not reachable: offer the common list */ }
  return { speak: commonLanguages, hear: commonLanguages, fromNodes: false };
}
