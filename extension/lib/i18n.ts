import browser from 'webextension-polyfill';
import type messages from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/** Every UI string comes from _locales; a missing key shows the key so it is noticed. */
export function t(key: MessageKey, ...subs: string[]): string {
  return browser.i18n.getMessage(key, subs) || key;
}
