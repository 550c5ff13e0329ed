// What welcome visitors hand over: the municipality's own list from the tablet
// configuration, or the built-in one (translated) while it has none.
import type { TFunction } from 'i18next';
import type { DeviceConfig } from '@shared/protocol';
import { DEFAULT_WELCOME_ITEMS } from '@shared/records/welcome-visit';

type DefaultItem = (typeof DEFAULT_WELCOME_ITEMS)[number];
const isDefaultItem = (id: string): id is DefaultItem => (DEFAULT_WELCOME_ITEMS as readonly string[]).includes(id);

export interface WelcomeItem {
  id: string;
  label: string;
}

export function welcomeItems(config: DeviceConfig | undefined, t: TFunction<'welcome-visit'>): WelcomeItem[] {
  const configured = config?.welcomeItems ?? [];
  if (configured.length > 0) return configured;
  return DEFAULT_WELCOME_ITEMS.map((id) => ({ id, label: t(`items.${id}`) }));
}

/** The label of an item a record names (also one no longer on the list). */
export function welcomeItemLabel(id: string, config: DeviceConfig | undefined, t: TFunction<'welcome-visit'>): string {
  const configured = config?.welcomeItems.find((item) => item.id === id);
  if (configured) return configured.label;
  return isDefaultItem(id) ? t(`items.${id}`) : id;
}
