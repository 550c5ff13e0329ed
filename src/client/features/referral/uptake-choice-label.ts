// The words of one partner tap (state, and the reason it carries): shared by
// the partner view and the public confirmation page, so both say the same.
import type { TFunction } from 'i18next';
import { PARTNER_TARGET_STATES, type ReferralState, type UptakeChoice } from '@domain/referral-state';

type PartnerTarget = (typeof PARTNER_TARGET_STATES)[number];
const isPartnerTarget = (state: ReferralState): state is PartnerTarget => (PARTNER_TARGET_STATES as readonly string[]).includes(state);

export function uptakeChoiceLabel(t: TFunction<'referral'>, choice: UptakeChoice): string {
  const state = isPartnerTarget(choice.state) ? t(`partner.mark.${choice.state}`) : t(`states.${choice.state}`);
  return choice.reason === null ? state : t('partner.choice', { state, reason: t(`reasons.${choice.reason}`) });
}

/** A state with its reason, as shown in lists ("Abgelehnt – Keine freien Plätze"). */
export function stateWithReason(t: TFunction<'referral'>, state: ReferralState, reason: UptakeChoice['reason']): string {
  return reason === null ? t(`states.${state}`) : t('partner.choice', { state: t(`states.${state}`), reason: t(`reasons.${reason}`) });
}
