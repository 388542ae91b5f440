/**
 * The dev container configuration.
 */
import { join } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { type Context, asObj, yamlDocs } from './context.js';
import { type Finding } from './findings.js';

export function devcontainerChecks(ctx: Context): Finding[] {
  const { p, s } = ctx;
  const file = '.devcontainer/devcontainer.json';
  const text = p.read(file);
  if (text === undefined) return [];
  const out: Finding[] = [];
  const add = (check: string, message: string): void => void out.push({ artifact: file, check, message });
  const errors: ParseError[] = [];
  const dc = asObj(parseJsonc(text, errors));
  for (const e of errors) add('jsonc', `${printParseErrorCode(e.error)} at offset ${e.offset}`);
  const composeFiles = (dc.dockerComposeFile as string[] | undefined) ?? [];
  const services = new Set<string>();
  for (const rel of composeFiles) {
    const path = join('.devcontainer', rel).replace(/\\/g, '/');
    if (!p.has(path)) add('consistency:files', `dockerComposeFile ${rel}: no such file`);
    else
      for (const name of Object.keys(asObj(asObj(yamlDocs(path, p.read(path)!, [])[0]).services)))
        services.add(name);
  }
  for (const name of [dc.service, ...((dc.runServices as unknown[] | undefined) ?? [])])
    if (!services.has(String(name)))
      add('consistency:services', `service ${String(name)} is not in ${composeFiles.join(', ')}`);
  if (!((dc.forwardPorts as unknown[] | undefined) ?? []).includes(s.port))
    add('consistency:port', `forwardPorts ${JSON.stringify(dc.forwardPorts)} lacks ${s.port}`);
  for (const key of ['postCreateCommand', 'postStartCommand']) {
    const command = dc[key];
    if (typeof command === 'string' && command.startsWith('.devcontainer/')) {
      if (!p.has(command)) add('consistency:files', `${key} ${command}: no such file`);
      else if (!p.executable(command)) add('consistency:files', `${key} ${command} is not executable`);
    }
  }
  return out;
}
