/**
 * The parts (sub-generators), declared once, in the order `app` composes them. Adding a part is one
 * line here (plus its folder). verify writes nothing: the user runs it alone, `app` never composes it.
 */
export const PARTS = [
  'docker',
  'env',
  'scripts',
  'compose',
  'testing',
  'devcontainer',
  'k8s',
  'ci',
  'verify',
] as const;
export type Part = (typeof PARTS)[number];

/** The parts `app` composes, in order. */
export const SUB_GENERATORS: readonly Part[] = PARTS.filter((part) => part !== 'verify');
