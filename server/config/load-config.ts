import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tokenProblem } from '../auth/token-rule.js';
import { ConfigError } from './config-error.js';
import { FIELDS, type FieldName } from './fields.js';
import type { ServerConfig } from './server-config.js';

export const DEFAULT_CONFIG_FILE = 'twinplug.config.json';
/** Settings grouped in objects in the file: `{"canary": {"errorRate": 0.1}}`. */
const GROUPS = new Set(
  Object.keys(FIELDS)
    .filter((name) => name.includes('.'))
    .map((name) => name.slice(0, name.indexOf('.'))),
);

/** Where settings come from; later sources win: file, then environment, then flags. */
export interface ConfigSources {
  /** A config file named explicitly (--config or TWINPLUG_CONFIG): it must exist. */
  readonly file?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Command-line values by flag name (`port`, `plugins`, `log-level`...). */
  readonly flags?: Readonly<Record<string, string | undefined>>;
  /** Where twinplug.config.json is looked for when no file is named (default: cwd). */
  readonly cwd?: string;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>, file: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(file, `${prefix || 'the file'} must be a JSON object`);
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (path === '$schema') continue;
    if (path === 'adminToken')
      throw new ConfigError(file, '"adminToken" is read from TWINPLUG_ADMIN_TOKEN only');
    if (GROUPS.has(path)) flatten(child, path, out, file);
    else if (path in FIELDS) out.set(path, child);
    else throw new ConfigError(file, `unknown setting "${path}"`);
  }
}

function readFileSettings(sources: ConfigSources): Map<string, unknown> {
  const cwd = sources.cwd ?? process.cwd();
  const named = sources.file ?? (sources.env?.TWINPLUG_CONFIG || undefined);
  const path = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  const settings = new Map<string, unknown>();
  if (named === undefined && !existsSync(path)) return settings;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, `cannot read: ${(error as NodeJS.ErrnoException).code}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, `not JSON: ${(error as Error).message}`);
  }
  flatten(json, '', settings, path);
  return settings;
}

function pick(name: FieldName, file: Map<string, unknown>, sources: ConfigSources) {
  const field = FIELDS[name];
  const flagName = 'flag' in field ? field.flag : undefined;
  const fromFlag = flagName === undefined ? undefined : sources.flags?.[flagName];
  if (fromFlag !== undefined) return { value: fromFlag as unknown, source: `--${flagName}` };
  const fromEnv = sources.env?.[field.env];
  if (fromEnv !== undefined && fromEnv !== '')
    return { value: fromEnv as unknown, source: field.env };
  if (file.has(name)) return { value: file.get(name), source: `config "${name}"` };
  return undefined;
}

function adminToken(env: NodeJS.ProcessEnv | undefined): string | undefined {
  const token = env?.TWINPLUG_ADMIN_TOKEN;
  if (token === undefined || token === '') return undefined;
  const problem = tokenProblem(token);
  if (problem !== undefined) throw new ConfigError('TWINPLUG_ADMIN_TOKEN', problem);
  return token;
}

/**
 * Resolves the server's configuration from twinplug.config.json, TWINPLUG_* environment
 * variables and flags (flags win over the environment, which wins over the file), checking
 * every value strictly. Throws {@link ConfigError}.
 */
export function loadConfig(sources: ConfigSources = {}): ServerConfig {
  const file = readFileSettings(sources);
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(FIELDS) as FieldName[]) {
    const found = pick(name, file, sources);
    if (found === undefined) {
      values[name] = FIELDS[name].default;
      continue;
    }
    try {
      values[name] = FIELDS[name].parse(found.value);
    } catch (error) {
      throw new ConfigError(
        found.source,
        `${JSON.stringify(found.value)} ${(error as Error).message}`,
      );
    }
  }
  const nested: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(values)) {
    const [group, field] = key.split('.') as [string, string | undefined];
    if (field === undefined) nested[group] = value as never;
    else nested[group] = { ...nested[group], [field]: value };
  }
  const config = nested as unknown as Omit<ServerConfig, 'adminToken'>;
  const plugins = config.plugins.replace(/[\\/]+$/, '');
  return {
    ...config,
    auth: { ...config.auth, keysFile: config.auth.keysFile || `${plugins}.keys.json` },
    audit: { file: config.audit.file || `${plugins}.audit.jsonl` },
    adminToken: adminToken(sources.env),
  };
}
