// How much a free-text field still takes (walkthrough finding 15: text beyond
// the limit was cut off without a word). The count is shown once the text nears
// the limit; reaching it is announced, since the field then takes nothing more
// — also not the rest of a pasted text.
import { useTranslation } from 'react-i18next';

/** From this share of the limit on, the count is shown. */
const SHOW_FROM = 0.8;

export function TextLimit({ text, max, id }: { text: string; max: number; id?: string }) {
  const { t } = useTranslation('cases');
  const length = text.length; // UTF-16 units, as the browser's maxLength counts
  const reached = length >= max;
  return (
    <div id={id} role="status" className={reached ? 'text-limit text-limit--reached' : 'text-limit'} data-testid="text-limit">
      {reached ? (
        <p>{t('textLimit.reached', { max })}</p>
      ) : length >= max * SHOW_FROM ? (
        <p>{t('textLimit.left', { count: max - length, max })}</p>
      ) : null}
    </div>
  );
}
