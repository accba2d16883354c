import { createHash } from 'node:crypto';
import { isValidPluginName } from '../../runtime/index.js';
import type { ServerConfig } from '../config/server-config.js';
import { ServerError } from '../errors/server-error.js';
import type { UploadRequest } from '../rollout/staged-upload.js';

/** What an upload must be before it is staged: a valid name, an allowed backend, its sha256. */
export function checkUpload(config: ServerConfig, upload: UploadRequest): void {
  const { name, backend, bytes, sha256 } = upload;
  if (!isValidPluginName(name))
    throw new ServerError('INVALID_PLUGIN_NAME', `"${name}" is not a valid plugin name`);
  if (backend === 'native' && !config.allowNativeUploads)
    throw new ServerError(
      'NATIVE_UPLOAD_DISABLED',
      'native uploads are off; set allowNativeUploads in the config',
    );
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256)
    throw new ServerError('SHA256_MISMATCH', `body has sha256 ${actual}, X-Sha256 says ${sha256}`);
}
