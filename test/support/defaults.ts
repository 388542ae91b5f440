/**
 * The defaults lib/settings.ts declares, for tests and README checks that name one (the health path, the
 * uid), so a changed default is followed rather than hard-coded again.
 */
import { emptyDetection } from '../../lib/detect-empty.js';
import { readinessPathOf } from '../../lib/model.js';
import { settingByKey } from '../../lib/settings.js';

/** A setting's default in an empty folder, as `yo py-docker --yes` would use it. */
export function defaultOf(key: 'healthPath' | 'appUid' | 'port'): string {
  return String(settingByKey.get(key)!.default({}, emptyDetection()));
}

export const HEALTH_PATH = defaultOf('healthPath');
export const READINESS_PATH = readinessPathOf(HEALTH_PATH);
export const APP_UID = Number(defaultOf('appUid'));
export const PORT = defaultOf('port');

/** `text` as a regular expression that matches it literally. */
export const literal = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
