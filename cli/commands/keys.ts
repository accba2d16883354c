import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from '../command.js';
import { parseCommandLine } from '../parse.js';
import { writeError } from '../report-error.js';

const USAGE =
  "twinplug keys create --role caller|deployer|admin --plugins 'a,b*' [--versions '^1.2.0'] [--label TEXT] [--rps N] [--burst N] | keys list | keys revoke <id>  [--server URL]";

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function count(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,7}$/.test(text)) throw new UsageError(`--${flag} takes a whole number`);
  return Number(text);
}

/** The request body of `keys create`, from its flags. */
function createBody(values: Record<string, string | boolean | undefined>) {
  if (typeof values.role !== 'string') throw new UsageError('keys create needs --role');
  const body: Record<string, unknown> = { role: values.role };
  const plugins = list(values.plugins as string | undefined);
  if (plugins !== undefined) body.plugins = plugins;
  const versions = list(values.versions as string | undefined);
  if (versions !== undefined) body.versions = versions;
  if (typeof values.label === 'string') body.label = values.label;
  const rps = count(values.rps as string | undefined, 'rps');
  if (rps !== undefined) body.rps = rps;
  const burst = count(values.burst as string | undefined, 'burst');
  if (burst !== undefined) body.burst = burst;
  return body;
}

function request(positionals: string[], values: Record<string, string | boolean | undefined>) {
  const [action, ...rest] = positionals;
  if (action === 'list' && rest.length === 0) return { method: 'GET', path: '/v1/admin/keys' };
  if (action === 'revoke' && rest.length === 1)
    return { method: 'DELETE', path: `/v1/admin/keys/${encodeURIComponent(rest[0]!)}` };
  if (action === 'create' && rest.length === 0)
    return { method: 'POST', path: '/v1/admin/keys', body: JSON.stringify(createBody(values)) };
  throw new UsageError('give create, list or revoke <id>');
}

type KeyView = { id: string; role: string; scope: { plugins: string[]; versions?: string[] } };

function describeKey(key: KeyView & { revoked?: number; label?: string }): string {
  const versions = key.scope.versions === undefined ? '' : ` versions ${key.scope.versions}`;
  const state = key.revoked === undefined ? '' : ' (revoked)';
  return `${key.id}  ${key.role}  ${key.scope.plugins.join(',')}${versions}${key.label ? `  "${key.label}"` : ''}${state}`;
}

function print(action: string, answer: Record<string, unknown>, json: boolean): void {
  if (json) return void process.stdout.write(`${JSON.stringify(answer)}\n`);
  if (action === 'list')
    for (const key of answer.keys as KeyView[]) process.stdout.write(`${describeKey(key)}\n`);
  else if (action === 'revoke') process.stdout.write(`${describeKey(answer.key as KeyView)}\n`);
  else {
    process.stdout.write(`${describeKey(answer.key as KeyView)}\n${answer.secret as string}\n`);
    process.stderr.write('the secret above is shown this once: store it now\n');
  }
}

export const keysCommand: Command = {
  name: 'keys',
  usage: USAGE,
  summary:
    "Creates, lists and revokes API keys through a running server's admin API (--server, default $TWINPLUG_URL or http://127.0.0.1:8080), authenticated by $TWINPLUG_ADMIN_TOKEN or an admin key in $TWINPLUG_API_KEY.",
  async run(args, { json }) {
    const { values, positionals } = parseCommandLine(args, {
      server: { type: 'string' },
      role: { type: 'string' },
      plugins: { type: 'string' },
      versions: { type: 'string' },
      label: { type: 'string' },
      rps: { type: 'string' },
      burst: { type: 'string' },
    });
    const call = request(positionals, values);
    const secret = process.env.TWINPLUG_API_KEY || process.env.TWINPLUG_ADMIN_TOKEN;
    if (!secret)
      throw new UsageError('set TWINPLUG_ADMIN_TOKEN (or TWINPLUG_API_KEY to an admin key)');
    const server = values.server ?? (process.env.TWINPLUG_URL || 'http://127.0.0.1:8080');
    let response: Response;
    try {
      response = await fetch(new URL(call.path, server), {
        method: call.method,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        ...(call.body === undefined ? {} : { body: call.body }),
      });
    } catch (error) {
      writeError('keys', {
        code: 'SERVER_UNREACHABLE',
        message: `${server}: ${(error as Error).message}`,
      });
      return EXIT_FAILURE;
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const error = (answer.error ?? {}) as { code?: string; message?: string };
      writeError('keys', {
        code: error.code ?? `HTTP_${response.status}`,
        message: error.message ?? response.statusText,
      });
      return EXIT_FAILURE;
    }
    print(positionals[0]!, answer, json);
    return EXIT_OK;
  },
};
