/**
 * The questions a part asks: one per setting it is missing (its end-of-life note at the question and
 * at each choice), and whether to keep the answers stored by an earlier run.
 */
import { questionNote } from '../lifecycle.js';
import { checkValue } from '../resolve.js';
import type { SettingDef } from '../settings.js';

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
