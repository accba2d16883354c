// The compile loop both C toolchains share: skip fresh outputs, compile the rest in parallel.
import { commonInputs } from './catalog.mjs';
import { ensureDirFor, mapLimit, rel, run } from './util.mjs';

/**
 * Builds each target with commandFor(target, output) -> { file, args }. verify(target, output)
 * may return a problem string for an output that compiled but is wrong. Returns per target
 * { target, output, fresh } or { target, output, error }.
 */
export async function compileTargets({ targets, state, outputFor, commandFor, key, verify }) {
  const headers = await commonInputs();
  return mapLimit(targets, async (target) => {
    const output = outputFor(target);
    const { file, args } = commandFor(target, output);
    const stamp = JSON.stringify([key, file, args]);
    const fresh = await state.isFresh(output, [...target.sources, ...headers], stamp);
    if (!fresh) {
      state.forget(output);
      await ensureDirFor(output);
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
