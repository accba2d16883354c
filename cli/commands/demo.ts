import {
  isPluginError,
  type LoadPluginOptions,
  loadPlugin,
  type PluginConfig,
} from '../../runtime/index.js';
import type { SampleName } from '../../scripts/artifacts.js';
import { type Command, EXIT_FAILURE, EXIT_OK } from '../command.js';
import { writeError } from '../report-error.js';

const DEMO_INPUTS: Record<SampleName, { input: string; config?: PluginConfig; hex?: boolean }> = {
  upper: { input: 'Hello, twinplug!' },
  crc32: { input: '123456789', hex: true },
  pricing: { input: '{"items":[{"sku":"A1","qty":2,"unit_cents":1999}],"coupon":"SAVE10"}' },
  redact: { input: 'my password is hunter2', config: { words: ['password', 'hunter2'] } },
};

async function runOnce(options: LoadPluginOptions, input: string, hex: boolean): Promise<string> {
  try {
    const plugin = await loadPlugin(options);
    try {
      const output = Buffer.from(await plugin.processData(new TextEncoder().encode(input)));
      return hex ? output.toString('hex') : output.toString('utf8');
    } finally {
      await plugin.close();
    }
  } catch (error) {
    if (!isPluginError(error)) throw error;
    return `error ${error.code}`;
  }
}

export const demoCommand: Command = {
  name: 'demo',
  usage: 'twinplug demo',
  summary: 'Loads each sample plugin in every built backend and prints the outputs side by side.',
  async run() {
    // The samples are built in a clone of the repository; an installed package has none.
    const artifacts = await import('../../scripts/artifacts.js').catch(() => undefined);
    if (artifacts === undefined) {
      writeError('demo', {
        code: 'DEMO_UNAVAILABLE',
        message:
          'the demo shows the samples a clone of the twinplug repository builds (npm install there); this installation has none',
      });
      return EXIT_FAILURE;
    }
    const { readArtifactManifest, SAMPLE_NAMES, twinsOf } = artifacts;
    const manifest = readArtifactManifest();
    let allAgree = true;
    for (const name of SAMPLE_NAMES) {
      const { input, config, hex = false } = DEMO_INPUTS[name];
      process.stdout.write(`\n${name}  <- ${input}\n`);
      const outputs: string[] = [];
      for (const twin of twinsOf(manifest, name)) {
        const output = await runOnce(
          config === undefined ? { path: twin.path } : { path: twin.path, config },
          input,
          hex,
        );
        outputs.push(output);
        process.stdout.write(
          `  ${`${twin.backend} (${twin.toolchain})`.padEnd(18)} -> ${output}\n`,
        );
      }
      const agree = outputs.every((output) => output === outputs[0]);
      allAgree &&= agree;
      process.stdout.write(
        `  ${agree ? 'identical' : 'DIFFERENT'} across ${outputs.length} artifacts\n`,
      );
    }
    return allAgree ? EXIT_OK : EXIT_FAILURE;
  },
};
