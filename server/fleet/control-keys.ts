const KEY_PREFIX = 'plugin.';

/** Every plugin's key in the control bucket, as a subject filter. */
export const PLUGIN_KEYS = `${KEY_PREFIX}>`;

/** Plugin names may hold dots (KV token separators) but never '=': the encoding is reversible. */
export const pluginToken = (name: string) => name.replaceAll('.', '=2E');

/** The plugin's key in the control bucket. */
export const keyOf = (name: string) => KEY_PREFIX + pluginToken(name);

export const nameOf = (key: string) => key.slice(KEY_PREFIX.length).replaceAll('=2E', '.');
