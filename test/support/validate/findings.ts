/**
 * What a check reports, and which external tools a call may leave out.
 */
import type { Settings } from '../../../lib/settings.js';

export interface Finding {
  /** The file (or files, `a + b`) the finding is about, relative to the project folder. */
  artifact: string;
  /** Which check found it: a tool name, a rule set, or `consistency:<what>`. */
  check: string;
  message: string;
}

/** The external tools that can be left out of a call (the cheap shell syntax checks always run). */
export const EXTERNAL_CHECKS = [
  'compose',
  'kustomize',
  'shellcheck',
  'supervisord',
  'workflow-shellcheck',
] as const;
export type ExternalCheck = (typeof EXTERNAL_CHECKS)[number];

export interface ValidateOptions {
  /** The settings the folder was generated with; default: the answers stored in its .yo-rc.json. */
  settings?: Partial<Settings>;
  /** External checks to run (default: all of them). */
  external?: ReadonlySet<ExternalCheck>;
}

/** One line per finding, for assertion messages. */
export const formatFindings = (findings: readonly Finding[]): string =>
  findings.map((f) => `${f.artifact} [${f.check}] ${f.message}`).join('\n');
