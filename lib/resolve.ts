/**
 * Turns flags, stored answers, detection and defaults into one validated Settings object.
 * Pure apart from the injected `ask` callback, so the precedence rules are unit-tested without Yeoman.
 */
import {
  crossCheck,
  SETTINGS,
  settingByKey,
  type SettingDef,
  type SettingKey,
  type Settings,
} from './settings.js';
import { lineOf, listOf, pythonFitsDjango } from './versions.js';
import { type Detection } from './detection.js';

export class SettingError extends Error {
  constructor(
    /** Where the bad value came from: `--flag-name`, or `.yo-rc.json (key)`. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'SettingError';
  }
}

export type Origin = 'flag' | 'stored' | 'detected' | 'default' | 'answer';

export interface Resolved {
  settings: Settings;
  origins: Record<SettingKey, Origin>;
  /** Where each detected value came from (or why a default was picked), for the summary. */
  sources: Partial<Record<SettingKey, string>>;
  /** Warnings about the resolved values as a whole (a Python the project's Django does not list). */
  notes: string[];
}

type Value = Settings[SettingKey];

/** Converts a raw value (flag text, stored JSON, prompt answer) to the setting's type, or a message. */
export function coerce(setting: SettingDef, raw: unknown): { value: Value } | { error: string } {
  switch (setting.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return {
        error: `${JSON.stringify(raw)} is not a yes/no value; allowed: --${setting.flag} or --no-${setting.flag}`,
      };
    case 'integer': {
      const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
      if (!/^[0-9]{1,9}$/.test(text)) {
        return { error: `${JSON.stringify(raw)} is not a whole number; allowed: digits only` };
      }
      return { value: Number(text) };
    }
    default:
      if (typeof raw === 'string') return { value: raw.trim() };
      if (typeof raw === 'number') return { value: String(raw) };
      return { error: `${JSON.stringify(raw)} is not text` };
  }
}

/** Coerces and validates; throws a SettingError naming `where`. */
export function checkValue(setting: SettingDef, raw: unknown, where: string): Value {
  const result = coerce(setting, raw);
  if ('error' in result) throw new SettingError(where, result.error);
  const valid = (setting.validate as (v: Value) => true | string)(result.value);
  if (valid !== true) throw new SettingError(where, valid);
  return result.value;
}

export interface ResolveInput {
  /** Raw flag values by setting key; undefined where the flag was not given. */
  flags: Partial<Record<SettingKey, unknown>>;
  /** Stored answers from .yo-rc.json. */
  stored: Record<string, unknown>;
  detection: Detection;
  /** Settings that may be asked (the part's own, not --yes); others fall through to detection/default. */
  askable: ReadonlySet<SettingKey>;
  ask?: (setting: SettingDef, defaultValue: Value, partial: Partial<Settings>) => Promise<unknown>;
  /** Told at once what an answer resolved to ("Node.js 22 → 22.16.0"); it is in `notes` too. */
  tell?: (note: string) => void;
  /** Ask the stored answers again too, each as its question's default (changing an answer later). */
  askStored?: boolean;
}

/**
 * Validates every flag first (so a bad flag fails before any question is asked), then resolves each
 * setting in declaration order: flag > stored > detected > (answer to a question) > default.
 */
export async function resolveSettings(input: ResolveInput): Promise<Resolved> {
  const flagValues = new Map<SettingKey, Value>();
  for (const setting of SETTINGS) {
    const raw = input.flags[setting.key];
    if (raw !== undefined) flagValues.set(setting.key, checkValue(setting, raw, `--${setting.flag}`));
  }
  const settings: Partial<Settings> = {};
  const origins = {} as Record<SettingKey, Origin>;
  const sources: Partial<Record<SettingKey, string>> = {};
  const lineNotes: string[] = [];
  const set = (key: SettingKey, value: Value, origin: Origin): void => {
    // A release line ("22", "3.13") becomes the full version it stands for, saying which.
    // A line the data does not know is said only when the user gave it (detection names its own).
    const expanded = settingByKey.get(key)?.expand?.(String(value), settings);
    const changed = expanded !== undefined && expanded.value !== value;
    if (expanded?.note && (changed || origin === 'flag' || origin === 'answer')) {
      lineNotes.push(expanded.note);
      if (origin === 'answer') input.tell?.(expanded.note);
    }
    if (changed) value = expanded.value;
    (settings as Record<string, Value>)[key] = value;
    origins[key] = origin;
  };
  for (const setting of SETTINGS) {
    const { key } = setting;
    // A question for it, when there is one and it matters with the settings resolved so far.
    const asked = async (fallback: Value): Promise<boolean> => {
      if (!input.ask || !setting.prompt || !input.askable.has(key)) return false;
      if (!(setting.relevant?.(settings) ?? true)) return false;
      set(key, checkValue(setting, await input.ask(setting, fallback, settings), setting.flag), 'answer');
      return true;
    };
    if (flagValues.has(key)) {
      set(key, flagValues.get(key)!, 'flag');
      continue;
    }
    if (input.stored[key] !== undefined) {
      const stored = checkValue(setting, input.stored[key], `.yo-rc.json (generator-py-docker.${key})`);
      if (!(input.askStored && (await asked(stored)))) set(key, stored, 'stored');
      continue;
    }
    // What detection could not work out stops here, only now that no flag or stored answer gave it.
    const problem = input.detection.problems?.[key];
    if (problem) throw new SettingError(problem.file, problem.problem);
    const detected = setting.detect?.(input.detection, settings);
    if (detected !== undefined) {
      const valid = (setting.validate as (v: Value) => true | string)(detected.value);
      if (valid !== true)
        throw new SettingError(detected.source, `detected ${setting.flag} ${valid}; pass --${setting.flag}`);
      set(key, detected.value, 'detected');
      sources[key] = detected.source;
      continue;
    }
    const fallback = setting.default(settings, input.detection);
    const reason = setting.defaultReason?.(settings, input.detection);
    if (reason) sources[key] = reason;
    if (!(await asked(fallback))) set(key, fallback, 'default');
  }
  const complete = settings as Settings;
  const conflict = crossCheck(complete, input.detection);
  if (conflict) throw new SettingError(`--${conflict.flag}`, conflict.message);
  return {
    settings: complete,
    origins,
    sources,
    notes: [...lineNotes, ...versionNotes(complete, origins, sources)],
  };
}

/**
 * A Python and a Django that do not fit together (by lib/versions.ts): a Python older than the Django's
 * lowest (pip cannot install it) stops the run when the user chose both (flags or answers); anything else
 * is a note (the project's own files said so and its pins win, or a newer Python Django does not list).
 */
function versionNotes(
  s: Settings,
  origins: Record<SettingKey, Origin>,
  sources: Partial<Record<SettingKey, string>>,
): string[] {
  const fit = pythonFitsDjango(s.pythonVersion, s.djangoVersion);
  if (fit.fits !== false) return [];
  const chosen = (key: SettingKey): boolean => origins[key] === 'flag' || origins[key] === 'answer';
  const allowed = `allowed with Django ${lineOf(s.djangoVersion)}: Python ${listOf(fit.allowed)}`;
  if (fit.tooOld && chosen('pythonVersion') && chosen('djangoVersion'))
    throw new SettingError(
      '--python-version',
      `Python ${s.pythonVersion} cannot run Django ${s.djangoVersion} (--django-version); ${allowed}`,
    );
  const from = (key: SettingKey): string =>
    sources[key]
      ? ` (${sources[key]!})`
      : origins[key] === 'default'
        ? ' (the default)'
        : ` (${origins[key]})`;
  return [
    `Python ${s.pythonVersion}${from('pythonVersion')} is not among the Pythons Django ${s.djangoVersion}${from('djangoVersion')} supports${fit.tooOld ? ', and pip will not install it there' : '; it may work, but is not supported'}; ${allowed} (--python-version changes it)`,
  ];
}
