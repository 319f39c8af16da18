// The languages the page offers. The scheduler has no public list of what its nodes offer yet, so this is a
// common list (English and Spanish first: what the reference lingua-node translates out of the box); a language no
// node serves is answered NO_AVAILABLE_NODE, which the status line shows. Names come from the browser
// (Intl.DisplayNames), in the page's language.
export const languages = ['en', 'es', 'fr', 'de', 'it', 'pt', 'ca', 'nl', 'zh', 'ja', 'ko', 'ru', 'ar', 'hi'];

export function languageName(code) {
  try {
    const names = new Intl.DisplayNames([navigator.language || 'en'], { type: 'language' });
    const name = names.of(code) || code;
    return name.charAt(0).toLocaleUpperCase() + name.slice(1);
  } catch {
    return code;
  }
}
