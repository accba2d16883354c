// node scripts/windows/prepare-prefix.mjs: creates test:windows's Wine prefix
// (.cache/windows/wine-prefix, or $WINEPREFIX) and makes it report Windows 10.
import { ensurePrefix, findWine, WINEPREFIX } from './wine.mjs';

const log = (line) => console.log(`install-windows-toolchain: ${line}`);
const wine = await findWine();
if (!wine) {
  console.error('install-windows-toolchain: no wine loader found (apt-get install wine64)');
  process.exit(1);
}
await ensurePrefix(wine, log);
log(`Wine prefix ${WINEPREFIX} reports Windows 10`);
