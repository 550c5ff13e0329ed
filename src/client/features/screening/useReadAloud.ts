// "Read aloud" for the family's questions: the browser's speech synthesis, only
// where this tablet has a voice for the family's language. Voices differ by
// device and arrive late (Chrome fills getVoices() only after 'voiceschanged'),
// so the voice is looked up, never assumed; without one the button is not shown.
import { useCallback, useEffect, useState } from 'react';

/** What of a voice the choice needs (SpeechSynthesisVoice has more). */
export interface VoiceInfo {
  lang: string;
  localService: boolean;
}

/** The primary language of a tag as browsers spell it: `ar-SA`, `uk_UA`, `fa` → `ar`, `uk`, `fa`. */
function primaryLanguage(tag: string): string {
  return tag.split(/[-_]/)[0]?.toLowerCase() ?? '';
}

/**
 * The voice to read `language` with: one of the tablet's own (it works offline), else — only while
 * online — a network voice; null when there is none, and the button stays hidden.
 */
export function voiceFor<V extends VoiceInfo>(voices: readonly V[], language: string, online: boolean): V | null {
  const matching = voices.filter((voice) => primaryLanguage(voice.lang) === language);
  return matching.find((voice) => voice.localService) ?? (online ? (matching[0] ?? null) : null);
}

function synthesis(): SpeechSynthesis | null {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function'
    ? window.speechSynthesis
    : null;
}

export interface ReadAloud {
  /** Reads the text in the family's language (stopping whatever was being read). */
  read: (text: string) => void;
  stop: () => void;
  speaking: boolean;
}

/** Read-aloud for `language`, or null while this tablet has no voice for it. */
export function useReadAloud(language: string): ReadAloud | null {
  const [voice, setVoice] = useState<SpeechSynthesisVoice | null>(null);
  const [speaking, setSpeaking] = useState(false);

  useEffect(() => {
    const speech = synthesis();
    if (speech === null) return;
    const look = (): void => {
      setVoice(voiceFor(speech.getVoices(), language, navigator.onLine));
    };
    look();
    speech.addEventListener('voiceschanged', look);
    window.addEventListener('online', look);
    window.addEventListener('offline', look);
    return () => {
      speech.removeEventListener('voiceschanged', look);
      window.removeEventListener('online', look);
      window.removeEventListener('offline', look);
      speech.cancel(); // nothing goes on reading after the question (or the family mode) is gone
    };
  }, [language]);

  const read = useCallback(
    (text: string) => {
      const speech = synthesis();
      if (speech === null || voice === null) return;
      speech.cancel();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.onend = () => {
        setSpeaking(false);
      };
      utterance.onerror = () => {
        setSpeaking(false);
      };
      setSpeaking(true);
      speech.speak(utterance);
    },
    [voice],
  );
  const stop = useCallback(() => {
    synthesis()?.cancel();
    setSpeaking(false);
  }, []);

  return voice === null ? null : { read, stop, speaking };
}
