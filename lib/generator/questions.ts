/**
 * The questions a part asks: one per setting it is missing (its end-of-life note at the question and
 * at each choice), whether to keep the answers stored by an earlier run, and the resolution they feed.
 */
import { questionNote } from '../lifecycle.js';
import { checkValue, resolveSettings, SettingError, type Resolved, type ResolveInput } from '../resolve.js';
import { printable } from '../safe-fs.js';
import { settingsFor, type Part, type SettingDef } from '../settings.js';
import { KEEP_ANSWERS_QUESTION, storedAnswers, storedAnswersText } from '../stored-answers.js';

/** The question for one setting, its answer checked like the flag's value. */
export function questionFor(setting: SettingDef, fallback: unknown, today: Date): Record<string, unknown> {
  const validate = (input: unknown): true | string => {
    try {
      const raw = setting.type === 'integer' ? String(input) : input;
      checkValue(setting, raw, setting.flag);
      return true;
    } catch (error) {
      return (error as Error).message.replace(/^[^:]+: /, '');
    }
  };
  // A default past its end of life says so at the question; so does each such choice.
  const note = questionNote(setting.key, String(fallback), today);
  const message = note ? `${setting.prompt!} (${note})` : setting.prompt!;
  const choice = (value: string) => {
    const said = questionNote(setting.key, value, today);
    return said ? { name: `${value} (${said.slice(value.length + 2)})`, value } : { name: value, value };
  };
  if (setting.type === 'boolean')
    return { type: 'confirm', name: 'value', message: setting.prompt!, default: fallback as boolean };
  if (setting.choices)
    return {
      type: 'select',
      name: 'value',
      message: setting.prompt!,
      choices: setting.choices.map(choice),
      default: fallback,
    };
  return { type: 'input', name: 'value', message, default: String(fallback), validate };
}

/**
 * A part's settings (lib/resolve.ts) from flags, stored answers and detection; with `prompt`, a question
 * for each setting of the part still missing. A bad value stops the run with one line naming the flag or
 * file, and yeoman exits non-zero before anything is written.
 */
export async function resolvePart(
  part: Part | 'app',
  input: Omit<ResolveInput, 'askable' | 'ask'> & {
    prompt?: (question: Record<string, unknown>) => Promise<{ value: unknown }>;
    today: Date;
  },
): Promise<Resolved> {
  const { prompt, today, ...rest } = input;
  try {
    return await resolveSettings({
      ...rest,
      askable: new Set(settingsFor(part).map((s) => s.key)),
      ask: prompt
        ? async (setting, fallback) => (await prompt(questionFor(setting, fallback, today))).value
        : undefined,
    });
  } catch (error) {
    if (error instanceof SettingError) throw new Error(printable(error.message));
    throw error;
  }
}

/**
 * Whether the stored answers are asked again: always with --ask-answered; otherwise the re-run lists
 * them and asks whether to keep them (a first run, with none stored, asks nothing here).
 */
export async function changeAnswers(
  part: Part | 'app',
  resolution: Resolved,
  askAnswered: boolean,
  io: { log(message: string): void; prompt(questions: never): Promise<unknown> },
): Promise<boolean> {
  // verify writes nothing: it checks the files the stored answers generated, so it offers no change.
  if (part === 'verify') return false;
  if (askAnswered) return true;
  const answers = storedAnswers(settingsFor(part), resolution);
  if (answers.length === 0) return false;
  io.log(storedAnswersText(answers));
  const { keep } = (await io.prompt([
    { type: 'confirm', name: 'keep', message: KEEP_ANSWERS_QUESTION, default: true },
  ] as never)) as { keep: boolean };
  return !keep;
}
