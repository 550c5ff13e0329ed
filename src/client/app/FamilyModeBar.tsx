// The only control the family has besides its task: "done — give the tablet
// back", in the family's language. Taking it back is the staff member's: their
// unlock passphrase, checked against their key slot (ReturnToStaffDialog).
import { useState } from 'react';
import type { TabletHolder } from '@domain/family-mode';
import { useFamilyTexts } from '../features/family-card/useFamilyTexts';
import { ReturnToStaffDialog } from './ReturnToStaffDialog';

export function FamilyModeBar({
  holder,
  onReturned,
}: {
  holder: Extract<TabletHolder, { kind: 'family' }>;
  onReturned: (userId: string) => void;
}) {
  const { t } = useFamilyTexts(holder.language);
  const [returning, setReturning] = useState(false);
  return (
    <header className="family-bar" data-testid="family-mode-bar" {...(holder.staffCalled ? { 'data-staff-called': 'true' } : {})}>
      {/* A quiet mark for staff across the room; it says nothing to the family. */}
      {holder.staffCalled && <span className="family-bar__signal" aria-hidden="true" />}
      <button
        type="button"
        className="button button--large family-bar__give-back"
        onClick={() => {
          setReturning(true);
        }}
      >
        {t('mode.giveBack')}
      </button>
      {returning && (
        <ReturnToStaffDialog
          holder={holder}
          onReturned={onReturned}
          onCancel={() => {
            setReturning(false);
          }}
        />
      )}
    </header>
  );
}
