import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConformanceError } from '../errors.js';
import type { Grammar } from './grammar.js';
import { DEFAULT_GRAMMAR, GRAMMARS } from './grammars/index.js';

function isGrammar(value: unknown): value is Grammar {
  if (typeof value !== 'object' || value === null) return false;
  const { name, description, inputs } = value as Record<string, unknown>;
  return (
    typeof name === 'string' && typeof description === 'string' && typeof inputs === 'function'
  );
}

function looksLikePath(name: string): boolean {
  return /[/\\]/.test(name) || /\.[cm]?js$/.test(name);
}

async function importGrammar(path: string): Promise<Grammar> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConformanceError(
      'CONFORMANCE_GRAMMAR_UNKNOWN',
      `cannot import grammar module ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const grammar = module.default ?? module.grammar;
  if (!isGrammar(grammar)) {
    throw new ConformanceError(
      'CONFORMANCE_GRAMMAR_INVALID',
      `${path} must export (as default or "grammar") { name, description, inputs(fc, context) }`,
    );
  }
  return grammar;
}

/**
 * A built-in grammar by name (`bytes` when none is given), or the grammar a module exports when
 * the name is a path (`./grammars/csv.js`).
 */
export async function resolveGrammar(name: string | undefined): Promise<Grammar> {
  if (name === undefined) return DEFAULT_GRAMMAR;
  const builtIn = GRAMMARS[name];
  if (builtIn !== undefined) return builtIn;
  if (looksLikePath(name)) return importGrammar(name);
  throw new ConformanceError(
    'CONFORMANCE_GRAMMAR_UNKNOWN',
    `unknown grammar "${name}"; built in: ${Object.keys(GRAMMARS).join(', ')}, or a path to a module`,
  );
}
