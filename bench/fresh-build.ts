const SERIAL_SECTION = new TextEncoder().encode('twinplug-bench-swap');

/**
 * The build with a custom section holding `serial` appended (a Wasm module stays the same
 * module): each swap deploys bytes never seen before, so no compiled module held by the version
 * kept for rollback serves the candidate, as with a real new build. Native builds go as they are.
 */
export function freshBuild(build: Uint8Array, file: string, serial: number): Uint8Array {
  if (!file.endsWith('.wasm')) return build;
  const payload = new TextEncoder().encode(String(serial));
  const header = [0x00, SERIAL_SECTION.length + 1 + payload.length, SERIAL_SECTION.length];
  const bytes = new Uint8Array(
    build.length + header.length + SERIAL_SECTION.length + payload.length,
  );
  bytes.set(build);
  bytes.set(header, build.length);
  bytes.set(SERIAL_SECTION, build.length + header.length);
  bytes.set(payload, build.length + header.length + SERIAL_SECTION.length);
  return bytes;
}
