// The compile loop both C toolchains share: skip fresh outputs, compile the rest in parallel.
import { commonInputs } from './catalog.mjs';
import { ensureDirFor, mapLimit, rel, run } from './util.mjs';

/**
 * Builds each target with commandFor(target, output) -> { file, args }, after
 * prepare(target, output) (optional: generated inputs the command names, as a string error or
 * null) when the output is not fresh. verify(target, output) may return a problem string for
 * an output that compiled but is wrong. Returns per target { target, output, fresh } or
 * { target, output, error }.
 */
export async function compileTargets({
  targets,
  state,
  outputFor,
  commandFor,
  key,
  prepare,
  verify,
}) {
  const headers = await commonInputs();
  return mapLimit(targets, async (target) => {
    const output = outputFor(target);
    const { file, args } = commandFor(target, output);
    const stamp = JSON.stringify([key, file, args]);
    const inputs = [...target.sources, ...(target.inputs ?? []), ...headers];
    const fresh = await state.isFresh(output, inputs, stamp);
    if (!fresh) {
      state.forget(output);
      await ensureDirFor(output);
      const prepared = prepare ? await prepare(target, output) : null;
      if (prepared) return { target, output, error: prepared };
      const result = await run(file, args);
      if (!result.ok) {
        const log = `${result.stderr}${result.stdout}`.trim();
        return { target, output, error: `${[file, ...args].join(' ')}\n${log}` };
      }
    }
    const problem = verify ? await verify(target, output) : null;
    if (problem) return { target, output, error: `${rel(output)}: ${problem}` };
    state.record(output, stamp);
    return { target, output, fresh };
  });
}

/** Splits compile results into artifacts.json entries, a compiled count and failures. */
export function summarize(toolchain, backend, results) {
  const ok = results.filter((r) => !r.error);
  return {
    built: ok.map((r) => ({
      kind: r.target.kind,
      name: r.target.name,
      backend,
      toolchain,
      path: rel(r.output),
    })),
    compiled: ok.filter((r) => !r.fresh).length,
    failures: results.filter((r) => r.error),
  };
}
