/**
 * The container structure tests: their schema, and agreement with the Dockerfile.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { BRIDGE_MODULE } from '../../../lib/model.js';
import { structureTestSchema } from '../structure-test-schema.js';
import { structFindings } from '../structure-test-structs.js';
import { type Context, asObj, uidPair, yamlDocs } from './context.js';
import { type Finding } from './findings.js';

let schema: ValidateFunction | undefined;

export function structureTestChecks(ctx: Context): Finding[] {
  const { p, s } = ctx;
  const file = 'container-structure-test.yaml';
  const text = p.read(file);
  if (text === undefined) return [];
  const out: Finding[] = [];
  const add = (check: string, message: string): void => void out.push({ artifact: file, check, message });
  const doc = yamlDocs(file, text, out)[0];
  schema ??= new Ajv({ allErrors: true, strict: false }).compile(structureTestSchema);
  if (!schema(doc))
    for (const e of schema.errors ?? []) add('schema', `${e.instancePath || '/'} ${e.message ?? ''}`);
  // As the real tool decodes it: every key one of its fields, every value of the field's Go type.
  for (const problem of structFindings(text)) add('structure-test:real-structs', problem);
  const meta = asObj(asObj(doc).metadataTest);
  if (meta.user !== uidPair(s)) add('consistency:user', `user ${String(meta.user)}, not ${uidPair(s)}`);
  if (JSON.stringify(meta.exposedPorts) !== JSON.stringify([String(s.port)]))
    add('consistency:port', `exposedPorts ${JSON.stringify(meta.exposedPorts)}, not ["${s.port}"]`);
  const image = ctx.image;
  if (image) {
    if (JSON.stringify(meta.cmd) !== JSON.stringify(image.cmd))
      add(
        'consistency:command',
        `cmd ${JSON.stringify(meta.cmd)}, the Dockerfile's CMD ${JSON.stringify(image.cmd)}`,
      );
    if (JSON.stringify(meta.entrypoint) !== JSON.stringify(image.entrypoint))
      add(
        'consistency:command',
        `entrypoint ${JSON.stringify(meta.entrypoint)}, the Dockerfile's ${JSON.stringify(image.entrypoint)}`,
      );
  }
  const env = ((meta.envVars as { key: string; value: string }[] | undefined) ?? []).find(
    (e) => e.key === 'DJANGO_SETTINGS_MODULE',
  );
  if (env && env.value !== BRIDGE_MODULE)
    add(
      'consistency:env',
      `DJANGO_SETTINGS_MODULE ${env.value}, not the container settings ${BRIDGE_MODULE}`,
    );
  return out;
}
