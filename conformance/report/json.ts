import { createHash } from 'node:crypto';
import type { CallOutcome } from '../../runtime/index.js';
import type { Verdict } from '../compare/comparator.js';
import type { ArtifactOutcome, FuzzDivergence } from '../fuzz/run-fuzz.js';
import type { ConformanceReport } from '../run-conformance.js';
import { casePreview, PRINT_LIMIT } from './preview.js';
import { sideEffectJson } from './side-effects.js';

/** Outputs longer than this are reported by length, sha256 and their first bytes. */
const MAX_HEX_BYTES = 1024;

function outcomeJson(outcome: CallOutcome): Record<string, unknown> {
  if (!outcome.ok) {
    const { code, pluginCode, message } = outcome;
    return pluginCode === undefined
      ? { ok: false, code, message }
      : { ok: false, code, pluginCode, message };
  }
  const { output } = outcome;
  const json: Record<string, unknown> = {
    ok: true,
    length: output.length,
    sha256: createHash('sha256').update(output).digest('hex'),
    hex: Buffer.from(output.subarray(0, MAX_HEX_BYTES)).toString('hex'),
  };
  if (output.length > MAX_HEX_BYTES) json.truncated = true;
  return json;
}

const byArtifact = (entry: ArtifactOutcome) => ({
  artifact: entry.label,
  outcome: outcomeJson(entry.outcome),
});

const verdictJson = ({ equal, comparator, why, compared }: Verdict) => ({
  equal,
  comparator,
  why: why ?? null,
  compared:
    compared === undefined
      ? null
      : {
          what: compared.what,
          a: outcomeJson({ ok: true, output: compared.a }),
          b: outcomeJson({ ok: true, output: compared.b }),
        },
});

/** The input whole in hex up to 4 KiB; beyond, length, sha256 and a preview, like the log. */
function inputJson(input: Uint8Array): Record<string, unknown> {
  const json = outcomeJson({ ok: true, output: input });
  const whole = input.length <= PRINT_LIMIT;
  return {
    ...json,
    hex: Buffer.from(input.subarray(0, whole ? input.length : 64)).toString('hex'),
    truncated: !whole,
  };
}

function divergenceJson(divergence: FuzzDivergence): Record<string, unknown> {
  const preview = casePreview(divergence.suggestedCase);
  return {
    ...divergence,
    input: inputJson(divergence.input),
    results: divergence.results.map(byArtifact),
    verdicts: divergence.verdicts.map(verdictJson),
    sideEffects: divergence.sideEffects.map(sideEffectJson),
    suggestedCase: preview.whole ? divergence.suggestedCase : null,
    suggestedCasePreview: preview.text,
    savedTo: divergence.savedTo ?? null,
  };
}

function fuzzJson(report: ConformanceReport): unknown {
  const fuzz = report.fuzz;
  if (fuzz === undefined) return null;
  const { divergence, initDivergence } = fuzz;
  return {
    ...fuzz,
    initDivergence: initDivergence?.map(byArtifact) ?? null,
    divergence: divergence === undefined ? null : divergenceJson(divergence),
  };
}

/**
 * The machine report (`--report json:FILE`): every artifact, every case on every artifact,
 * the fuzzing result. Outputs appear as length, sha256 and hex (the first 1 KiB); a side-effect
 * divergence as the first differing host call on each side.
 */
export function toJsonReport(report: ConformanceReport): Record<string, unknown> {
  return {
    pass: report.pass,
    artifacts: report.artifacts.map(({ label, path, report: facts }) => ({
      label,
      path,
      backend: facts.backend,
      format: facts.format,
      sha256: facts.sha256,
      info: facts.info,
    })),
    skipped: report.skipped,
    cases: report.cases.map((entry) => ({
      name: entry.case.name,
      pass: entry.pass,
      disagreeing: entry.disagreeing,
      sideEffects: entry.sideEffects.map(sideEffectJson),
      comparator: entry.comparator,
      results: entry.results.map((result) => ({
        artifact: result.label,
        pass: result.pass,
        reason: result.reason ?? null,
        outcome: outcomeJson(result.outcome),
        verdict: verdictJson(result.verdict),
      })),
    })),
    fuzz: fuzzJson(report),
    fuzzSkipped: report.fuzzSkipped ?? null,
    warnings: report.warnings,
  };
}
