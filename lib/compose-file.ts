/**
 * A compose file as typed objects (the keys the parts write, no more) and its serializer: every compose
 * file, and each service module's part of one, is built as these types and written by `composeYaml`.
 */
import { toYaml, type KeyComment } from './yaml.js';

export type Condition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Healthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  /** Compose 2.20+ on Docker Engine 25+: how often to probe during start_period (until the first pass). */
  start_interval?: string;
  disable?: boolean;
}

export interface Build {
  context?: string;
  dockerfile?: string;
  target?: string;
  args?: Record<string, string>;
}

export interface WatchRule {
  action: 'rebuild' | 'sync' | 'sync+restart';
  path: string;
  target?: string;
}

export interface Resources {
  cpus?: number;
  memory?: string;
  pids?: number;
}

export interface Service {
  image?: string;
  build?: Build;
  command?: string[];
  working_dir?: string;
  user?: string;
  init?: boolean;
  env_file?: string[];
  /** null: passed through from the shell or .env when set there, else unset. */
  environment?: Record<string, string | null>;
  ports?: string[];
  volumes?: string[];
  tmpfs?: string[];
  networks?: string[];
  depends_on?: Record<string, { condition: Condition }>;
  entrypoint?: string[];
  healthcheck?: Healthcheck;
  restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  stop_grace_period?: string;
  read_only?: boolean;
  shm_size?: string;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  deploy?: { resources: { limits?: Resources; reservations?: Resources } };
  logging?: { driver: string; options: Record<string, string> };
  develop?: { watch: WatchRule[] };
}

export interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean }>;
  volumes?: Record<string, Record<string, never>>;
}

export interface ComposeDoc {
  file: ComposeFile;
  header: string[];
  comments: KeyComment[];
}

/** Serializes a compose document (lib/yaml.ts): header comment, key comments, no line folding. */
export function composeYaml(doc: ComposeDoc): string {
  return toYaml(doc.file, { header: doc.header, comments: doc.comments });
}
