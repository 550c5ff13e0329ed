// @vitest-environment jsdom
// The app starts with only the first screen's texts in the active language; the
// rest (other namespaces, the German fallback) arrives afterwards, and a screen
// that rendered before its texts arrived shows them without a reload.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { useTranslation } from 'react-i18next';
import i18next from 'i18next';
import { FIRST_SCREEN_NAMESPACES, initI18n, loadRemainingTexts } from '@client/i18n';
import { NAMESPACES } from '@client/i18n/resources';
import enCommon from '../../../../locales/en/common.json';
import enScreening from '../../../../locales/en/screening.json';

function NewScreeningLabel() {
  const { t } = useTranslation('screening');
  return <p data-testid="label">{t('new')}</p>;
}

describe('texts at start-up', () => {
  beforeAll(async () => {
    await initI18n('en', { namespaces: FIRST_SCREEN_NAMESPACES });
  });
  afterEach(cleanup);

  it('holds only the first screen namespaces of the active language, no German yet', () => {
    for (const ns of FIRST_SCREEN_NAMESPACES) expect(i18next.hasResourceBundle('en', ns)).toBe(true);
    expect(i18next.hasResourceBundle('en', 'screening')).toBe(false);
    expect(NAMESPACES.filter((ns) => i18next.hasResourceBundle('de', ns))).toEqual([]);
    expect(i18next.t('common:app.loading')).toBe(enCommon.app.loading);
    expect(document.documentElement.lang).toBe('en');
  });

  it('loads the rest after the first screen, and a mounted screen picks its texts up', async () => {
    render(<NewScreeningLabel />);
    expect(screen.getByTestId('label').textContent).not.toBe(enScreening.new);
    await act(async () => {
      await loadRemainingTexts();
    });
    expect(screen.getByTestId('label').textContent).toBe(enScreening.new);
    for (const ns of NAMESPACES) {
      expect(i18next.hasResourceBundle('en', ns)).toBe(true);
      expect(i18next.hasResourceBundle('de', ns)).toBe(true); // the fallback
    }
  });
});
