import { readCaseFile, runCases } from '../cases/index.js';
import { PluginError } from '../errors.js';
import type { LoadPluginOptions } from '../options.js';
import type { Plugin } from '../plugin.js';

/**
 * Runs a candidate's cases.json against fresh instances of it (the candidate that will serve
 * is not touched), loaded with the registry's own loader. Any failing case, an unreadable or
 * invalid cases file, or a cases file made for another plugin fails the candidate. A `json`
 * comparator in the file judges `output` expectations as JSON; `decode` and `custom` run code
 * from the plugin's folder, which the registry never does, so their cases are judged byte for byte.
 */
export async function runSelfTest(
  name: string,
  casesPath: string,
  load: LoadPluginOptions,
  loader: (options: LoadPluginOptions) => Promise<Plugin>,
  signal?: AbortSignal,
): Promise<void> {
  const file = await readCaseFile(casesPath);
  if (file.plugin !== undefined && file.plugin !== name) {
    throw new PluginError(
      'PLUGIN_CASES_INVALID',
      `${casesPath} holds cases for "${file.plugin}", not "${name}"`,
      { details: { path: casesPath, plugin: file.plugin } },
    );
  }
  const results = await runCases(load, file.cases, {
    loader,
    compare: file.compare,
    ...(signal && { signal }),
  });
  signal?.throwIfAborted();
  const failures = results.filter((result) => !result.pass);
  if (failures.length === 0) return;
  const first = failures[0]!;
  throw new PluginError(
    'PLUGIN_SELF_TEST_FAILED',
    `${failures.length} of ${results.length} self-test cases failed; first "${first.case.name}": ${first.reason}`,
    {
      details: {
        path: casesPath,
        failures: failures.map((failure) => ({ case: failure.case.name, reason: failure.reason })),
      },
    },
  );
}
