// @vitest-environment jsdom
// "Read aloud" on the family's question screen: shown only where the tablet
// has a voice for the family's language — looked up with getVoices(), and again
// when the browser announces its voices late ('voiceschanged'); a network-only
// voice counts only while online; reading uses that voice. The browser's speech
// synthesis is replaced by a fake with a voice list the test controls.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FamilyScreening } from '@client/features/screening/FamilyScreening';
import { voiceFor } from '@client/features/screening/useReadAloud';
import { initI18n } from '@client/i18n';
import { loadQuestionnaire } from '@domain/questionnaire';
import { familyQuestionsOf } from '@domain/family-answers';
import familyDefinition from '../../../../fixtures/family-screening-definition.json';
import familyAr from '../../../../../locales/ar/family.json';
import familyUk from '../../../../../locales/uk/family.json';

interface FakeVoice {
  name: string;
  lang: string;
  localService: boolean;
  default: boolean;
  voiceURI: string;
}

class FakeSpeech extends EventTarget {
  voices: FakeVoice[] = [];
  spoken: { text: string; voice: FakeVoice | null; lang: string }[] = [];
  cancelled = 0;
  getVoices(): FakeVoice[] {
    return this.voices;
  }
  speak(utterance: { text: string; voice: FakeVoice | null; lang: string }): void {
    this.spoken.push({ text: utterance.text, voice: utterance.voice, lang: utterance.lang });
  }
  cancel(): void {
    this.cancelled++;
  }
  /** The browser has loaded (other) voices. */
  announce(voices: FakeVoice[]): void {
    this.voices = voices;
    this.dispatchEvent(new Event('voiceschanged'));
  }
}

class FakeUtterance {
  voice: FakeVoice | null = null;
  lang = '';
  onend: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly text: string) {}
}

const voice = (lang: string, localService = true): FakeVoice => ({
  name: `voice ${lang}`,
  lang,
  localService,
  default: false,
  voiceURI: lang,
});

const loaded = loadQuestionnaire(familyDefinition);
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const questions = familyQuestionsOf(loaded.definition);

let speech: FakeSpeech;

function renderFor(language: 'ar' | 'uk'): void {
  render(<FamilyScreening questions={questions} answers={{}} language={language} onAnswer={() => undefined} />);
}

beforeAll(async () => {
  await initI18n('de');
});
beforeEach(() => {
  speech = new FakeSpeech();
  Object.defineProperty(window, 'speechSynthesis', { value: speech, configurable: true });
  Object.defineProperty(globalThis, 'SpeechSynthesisUtterance', { value: FakeUtterance, configurable: true, writable: true });
  Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
});
afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'speechSynthesis');
  Reflect.deleteProperty(globalThis, 'SpeechSynthesisUtterance');
});

describe('choosing a voice', () => {
  it('matches the primary language however the tablet spells it, and prefers a voice of the tablet itself', () => {
    const local = voice('uk_UA');
    expect(voiceFor([voice('ru-RU'), voice('uk-UA', false), local], 'uk', true)).toBe(local);
    expect(voiceFor([voice('AR-eg')], 'ar', false)?.lang).toBe('AR-eg');
    expect(voiceFor([voice('fa-IR', false)], 'fa', true)?.lang).toBe('fa-IR');
    // Offline, a voice from the network cannot read: no voice.
    expect(voiceFor([voice('fa-IR', false)], 'fa', false)).toBeNull();
    expect(voiceFor([voice('en-US'), voice('de-DE')], 'ar', true)).toBeNull();
  });
});

describe('the read-aloud button', () => {
  it('is hidden where the tablet has no voice for the language, and appears when the voice arrives late', async () => {
    speech.voices = [voice('de-DE'), voice('en-GB')];
    renderFor('ar');
    await screen.findByTestId('family-screening');
    expect(screen.queryByTestId('read-aloud')).toBeNull();

    act(() => {
      speech.announce([voice('de-DE'), voice('ar-SA')]);
    });
    expect(await screen.findByTestId('read-aloud')).toBeTruthy();

    act(() => {
      speech.announce([voice('de-DE')]);
    });
    expect(screen.queryByTestId('read-aloud')).toBeNull();
  });

  it('is hidden where the browser has no speech synthesis at all', async () => {
    Reflect.deleteProperty(window, 'speechSynthesis');
    renderFor('uk');
    await screen.findByTestId('family-screening');
    expect(screen.queryByTestId('read-aloud')).toBeNull();
  });

  it('reads the question and its answers with the family’s voice, and stops when the family goes on', async () => {
    const ukrainian = voice('uk-UA');
    speech.voices = [voice('ru-RU'), ukrainian];
    renderFor('uk');
    const button = await screen.findByRole('button', { name: new RegExp(familyUk.screening.readAloud) });
    fireEvent.click(button);
    expect(speech.spoken).toHaveLength(1);
    expect(speech.spoken[0]?.voice).toBe(ukrainian);
    expect(speech.spoken[0]?.lang).toBe('uk-UA');
    const first = questions[0];
    expect(speech.spoken[0]?.text).toContain(first?.label['uk']);
    for (const option of first?.options ?? []) expect(speech.spoken[0]?.text).toContain(option.label['uk']);
    expect(screen.getByTestId('read-aloud').textContent).toContain(familyUk.screening.stopReading);

    const cancelledBefore = speech.cancelled;
    fireEvent.click(screen.getByRole('button', { name: familyUk.screening.next }));
    expect(speech.cancelled).toBeGreaterThan(cancelledBefore);
  });

  it('is labelled in the family’s language', async () => {
    speech.voices = [voice('ar-SA')];
    renderFor('ar');
    expect((await screen.findByTestId('read-aloud')).textContent).toContain(familyAr.screening.readAloud);
  });
});
