// The partner view's one line about the call-back key: whether one is set up,
// and the way to the key step (HandoverKeySection) — the setup itself is a step
// of its own, not part of the look-up screen.
import { useTranslation } from 'react-i18next';
import type { HandoverKeyInfo } from './handover-key';

export function HandoverKeyEntry({
  keyInfo,
  formatDate,
  onOpen,
}: {
  keyInfo: HandoverKeyInfo | undefined;
  formatDate: (iso: string) => string;
  onOpen: () => void;
}) {
  const { t } = useTranslation('referral');
  if (keyInfo === undefined) return null; // still loading
  return (
    <div className="handover-key-entry" data-testid="handover-key-entry">
      <p>
        {keyInfo === null
          ? t('partner.handoverKey.entryMissing')
          : t('partner.handoverKey.present', { date: formatDate(keyInfo.createdAt) })}
      </p>
      <button type="button" className="button" onClick={onOpen}>
        {t(keyInfo === null ? 'partner.handoverKey.open' : 'partner.handoverKey.manage')}
      </button>
    </div>
  );
}
