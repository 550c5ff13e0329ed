// Screen texts come from the German locale files, so tests follow the wording.
import common from '../../../locales/de/common.json';
import homeContact from '../../../locales/de/home-contact.json';

export const de = { common, homeContact };
