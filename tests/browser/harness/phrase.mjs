// The browser tests' spoken phrase, "hello how are you today", as the generic PocketSphinx model and Apertium give it
// back on a loaded machine: a word may be lost, misheard or added ("whoa how are you today" → "whoa cómo eres hoy"),
// so the checks count the phrase's words instead of matching one exact text.
export const phrase = 'hello how are you today';

const english = phrase.split(' ');
// What Apertium (eng-spa) makes of each word; "are you" becomes one verb form.
const spanish = [/\bhola\b/i, /c[oó]mo/i, /\b(eres|es|estás|está|son|sois)\b/i, /\bhoy\b/i];

const words = (text) => text.toLowerCase().split(/[^a-záéíóúñü']+/).filter(Boolean);

// How many of the phrase's English words `original` holds.
export function englishWordsHeard(original) {
  const heard = new Set(words(original));
  return english.filter((w) => heard.has(w)).length;
}

// Whether `translated` reads as the phrase in Spanish: at least two of its Spanish words, and none of the English
// words that Apertium translates (an unknown word such as "whoa" may stay as it is).
export function readsAsSpanish(translated) {
  const found = spanish.filter((re) => re.test(translated)).length;
  const left = words(translated).filter((w) => ['hello', 'how', 'today'].includes(w));
  return found >= 2 && left.length === 0;
}
