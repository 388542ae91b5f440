import { fileURLToPath } from 'node:url';

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

/** Where a part's own README.Docker.md section lives, in its templates folder (`app` gathers them). */
export const README_SECTION = 'readme.md.ejs';

/**
 * The path of a template in a part's folder, from the package root (lib/ sits next to generators/ in
 * the source and in dist/): another part reads the file, never the part's code.
 */
export const partTemplatePath = (part: Part | 'app', file: string): string =>
  fileURLToPath(new URL(`../generators/${part}/templates/${file}`, import.meta.url));
