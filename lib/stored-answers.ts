/**
 * Changing an answer later, without editing `.yo-rc.json`: an interactive re-run lists the stored
 * answers in words and asks whether to keep them; "no" (or `--ask-answered`) asks each question again
 * with the stored answer as its default.
 */
import type { Resolved } from './resolve.js';
import type { SettingDef } from './settings.js';

export interface StoredAnswer {
  setting: SettingDef;
  value: unknown;
}

/**
 * The answers a re-run would reuse without a question: settings of this part that have a question,
 * came from `.yo-rc.json` (not from a flag) and matter with the other settings.
 */
export function storedAnswers(settings: readonly SettingDef[], resolved: Resolved): StoredAnswer[] {
  return settings
    .filter((s) => s.prompt && resolved.origins[s.key] === 'stored')
    .filter((s) => s.relevant?.(resolved.settings) ?? true)
    .map((setting) => ({ setting, value: resolved.settings[setting.key] }));
}

/** The question's words without its hint or question mark: "Project name", "Use PostgreSQL". */
const label = (setting: SettingDef): string => setting.prompt!.replace(/ \(.*\)$/, '').replace(/\?$/, '');

const shown = (value: unknown): string =>
  typeof value === 'boolean' ? (value ? 'yes' : 'no') : value === '' ? '(none)' : String(value);

/** The list shown before "Keep these answers?", one answer a line. */
export function storedAnswersText(answers: readonly StoredAnswer[]): string {
  const width = Math.max(...answers.map((a) => label(a.setting).length));
  return [
    '',
    'Your answers from the last run (.yo-rc.json):',
    ...answers.map((a) => `  ${`${label(a.setting)}:`.padEnd(width + 2)}${shown(a.value)}`),
  ].join('\n');
}

export const KEEP_ANSWERS_QUESTION = 'Keep these answers? (no: each question again, with these as defaults)';
