import { isSemver, isValidPluginName } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';

/** Checks a plugin name taken from a path: no traversal, only A-Z a-z 0-9 . _ - */
export function pluginName(raw: string): string {
  if (!isValidPluginName(raw))
    throw new ServerError(
      'INVALID_PLUGIN_NAME',
      `"${raw.slice(0, 200)}" is not a valid plugin name`,
    );
  return raw;
}

/** `upper` or `upper@1.2.0`, and X-Plugin-Version, checked. */
export function dataTarget(
  ref: string,
  versionHeader: string | undefined,
): { name: string; version: string | undefined } {
  const at = ref.indexOf('@');
  const name = pluginName(at === -1 ? ref : ref.slice(0, at));
  const inPath = at === -1 ? undefined : ref.slice(at + 1);
  const version = inPath ?? versionHeader;
  if (inPath !== undefined && versionHeader !== undefined && versionHeader !== inPath)
    throw new ServerError(
      'BAD_REQUEST',
      `the path pins ${inPath} but X-Plugin-Version says ${versionHeader}`,
    );
  if (version !== undefined && !isSemver(version))
    throw new ServerError('BAD_REQUEST', `"${version.slice(0, 100)}" is not a semantic version`);
  return { name, version };
}

/** X-Plugin-Backend, checked. */
export function backendPin(header: string | undefined): 'wasm' | 'native' | undefined {
  if (header !== undefined && header !== 'wasm' && header !== 'native')
    throw new ServerError('BAD_REQUEST', 'X-Plugin-Backend must be wasm or native');
  return header;
}
