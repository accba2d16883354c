import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/artifacts.js';

// The Rust PDK's own tests (src/abi.rs: the two-call protocol runs `process` once, errors are
// negative), natively with whichever cargo is present: they need no wasm32 std. tally runs the
// PDK on both backends in the sample tests.
const root = repoRoot();
const cargo = ['cargo', '/usr/bin/cargo'].find(
  (file) => spawnSync(file, ['--version'], { encoding: 'utf8' }).status === 0,
);

describe('pdk/rust', () => {
  it.skipIf(cargo === undefined)(
    `cargo test --offline passes${cargo === undefined ? ' (skipped: no cargo)' : ''}`,
    () => {
      const result = spawnSync(
        cargo!,
        ['test', '--offline', '--manifest-path', join(root, 'pdk/rust/Cargo.toml')],
        {
          encoding: 'utf8',
          timeout: 240_000,
          env: { ...process.env, CARGO_TARGET_DIR: join(root, 'build/.cargo-pdk') },
        },
      );
      expect(result.status, result.stderr + result.stdout).toBe(0);
      expect(result.stdout).toContain('test result: ok. 2 passed');
    },
    300_000,
  );
});
