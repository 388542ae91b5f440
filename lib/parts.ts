/**
 * The sub-generators `app` composes, in order. Adding a part is one line here (plus its folder).
 */
import type { Part } from './settings.js';

export const SUB_GENERATORS: readonly Part[] = [
  'docker',
  'env',
  'scripts',
  'compose',
  'testing',
  'devcontainer',
  'k8s',
  'ci',
];
