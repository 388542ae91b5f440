/**
 * The command line of every sub-generator: the switches that are not settings, one flag per setting of
 * the part (lib/settings.ts), the values read back from yeoman's options, and the checks yeoman's own
 * parser does not make. README's flags table (lib/flags-table.ts) lists the same switches.
 */
import type { BaseOptions } from 'yeoman-generator';
import { argsProblem } from '../cli-args.js';
import { emptyDetection } from '../detect-empty.js';
import { coerce } from '../resolve.js';
import { SETTINGS, settingsFor, type Part, type SettingKey } from '../settings.js';

export type PyDockerOptions = BaseOptions & {
  yes?: boolean;
  /** Set by `app` when it composes a part: the questions were asked already. */
  composed?: boolean;
  /** Fixed clock for lifecycle warnings (ISO date), for tests and reproducible output. */
  today?: string;
  restore?: boolean;
  force?: boolean;
  [key: string]: unknown;
};

/** A switch of every sub-generator that is not a setting. `ownedBy: 'yeoman'`: yeoman registers it. */
export interface Switch {
  name: string;
  alias?: string;
  type: typeof Boolean | typeof String;
  description: string;
  hide?: boolean;
  ownedBy?: 'yeoman';
}

/** In the order `--help` and README's flags table list them (hidden ones are in neither). */
export const SWITCHES: readonly Switch[] = [
  {
    name: 'yes',
    alias: 'y',
    type: Boolean,
    description: 'Ask nothing: flags, then stored answers, then detected values, then defaults',
  },
  // yeoman's --ask-answered is ours: every question again, the stored answers as defaults.
  {
    name: 'ask-answered',
    type: Boolean,
    description: 'Ask every question again, with the stored answers as defaults',
    ownedBy: 'yeoman',
  },
  { name: 'today', type: String, hide: true, description: 'Date for lifecycle warnings (YYYY-MM-DD)' },
  { name: 'composed', type: Boolean, hide: true, description: 'Composed by py-docker:app' },
  { name: 'restore', type: Boolean, description: 'Recreate generated files you deleted' },
  { name: 'force', type: Boolean, description: 'Overwrite files you edited (never `.env`)' },
  { name: 'dry-run', type: Boolean, description: 'Print a unified diff of every change; write nothing' },
  {
    name: 'help',
    type: Boolean,
    description: 'List the flags of the generator with their defaults',
    ownedBy: 'yeoman',
  },
];

/** yeoman's own switches that do nothing here (no install runs, answers are stored per setting). */
const IDLE_YEOMAN_SWITCHES = ['skip-cache', 'skip-install', 'force-install'];

/** An option as yeoman-generator keeps it. */
interface Registered {
  name: string;
  type: unknown;
  alias?: string;
  description?: string;
  hide?: boolean;
}

interface OptionHost {
  option(name: string, config: Record<string, unknown>): unknown;
}

/** yeoman's table of registered options (not part of its typed interface). */
export const registeredOptions = (generator: unknown): Record<string, Registered> =>
  (generator as { _options?: Record<string, Registered> })._options ?? {};

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The value yeoman parsed for a flag, under its own name or camel-cased. */
const valueOf = (options: PyDockerOptions, name: string): unknown => options[name] ?? options[camel(name)];

/** The command the user types for a part. */
export const commandOf = (part: Part | 'app'): string =>
  part === 'app' ? 'yo py-docker' : `yo py-docker:${part}`;

/** Our switches, then the part's settings as flags with their defaults shown (app: all of them). */
export function registerOptions(generator: OptionHost, part: Part | 'app'): void {
  for (const { name, alias, type, description, hide } of SWITCHES.filter((s) => !s.ownedBy))
    generator.option(name, { type, description, ...(alias ? { alias } : {}), ...(hide ? { hide } : {}) });
  for (const setting of settingsFor(part)) {
    const shown = ` (default: ${String(setting.default({}, emptyDetection()))})`;
    const choices = setting.choices ? ` [${setting.choices.join('|')}]` : '';
    generator.option(setting.flag, {
      type: setting.type === 'boolean' ? Boolean : String,
      description: `${setting.description}${choices}${shown}`,
    });
  }
  const registered = registeredOptions(generator);
  for (const name of IDLE_YEOMAN_SWITCHES) if (registered[name]) registered[name].hide = true;
  for (const own of SWITCHES.filter((s) => s.ownedBy === 'yeoman'))
    if (registered[own.name]) registered[own.name]!.description = own.description;
}

/** The settings given as flags, by key. */
export function flagValues(options: PyDockerOptions): Partial<Record<SettingKey, unknown>> {
  const flags: Partial<Record<SettingKey, unknown>> = {};
  for (const setting of SETTINGS) {
    const raw = valueOf(options, setting.flag);
    if (raw !== undefined) flags[setting.key] = raw;
  }
  return flags;
}

/** The options a composed part should see: our flags and switches, never yeoman's internal ones. */
export function forwardedOptions(options: PyDockerOptions): Record<string, unknown> {
  const forwarded: Record<string, unknown> = { yes: Boolean(options.yes), composed: true };
  for (const name of [
    'today',
    'force',
    'restore',
    'dry-run',
    'skip-install',
    ...SETTINGS.map((s) => s.flag),
  ]) {
    const value = valueOf(options, name);
    if (value !== undefined) forwarded[name] = value;
  }
  return forwarded;
}

/**
 * Unknown flags and values on yes/no flags (lib/cli-args.ts) stop the run like any bad flag value.
 * yeoman parses boolean flags with minimist, which reads `--postgres=maybe` and `--postgres maybe` as
 * true: the raw command line is checked so such a value fails like any other bad flag value.
 */
export function checkCommandLine(generator: unknown, part: Part | 'app'): void {
  const raw = (generator as { _args?: string[] })._args ?? [];
  const problem = argsProblem(
    raw,
    Object.values(registeredOptions(generator)).map((o) => ({
      name: o.name,
      boolean: o.type === Boolean,
      alias: o.alias,
    })),
    commandOf(part),
  );
  if (problem) throw new Error(problem);
  for (const setting of settingsFor(part).filter((s) => s.type === 'boolean')) {
    raw.forEach((token, i) => {
      const next = raw[i + 1];
      const value = token.startsWith(`--${setting.flag}=`)
        ? token.slice(setting.flag.length + 3)
        : token === `--${setting.flag}` && next !== undefined && !next.startsWith('-')
          ? next
          : undefined;
      const problem = value === undefined ? undefined : coerce(setting, value);
      if (problem && 'error' in problem) throw new Error(`--${setting.flag}: ${problem.error}`);
    });
  }
}
