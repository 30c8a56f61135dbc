// Every secret a runner's config holds, for the scrubber (src/core/redactSecrets.ts): each backend's
// token, the SurrealDB password, `user:password` (its base64 is a Basic header), the Temporal API key
// and the payload codec's keys.
import type { RunnerConfig } from '../core/interfaces.js';
import { codecKeySecrets } from './codecKeys.js';

export function configSecrets(
  config: Pick<RunnerConfig, 'backends' | 'surreal'> & { temporal?: Pick<RunnerConfig['temporal'], 'apiKey' | 'codec'> },
): string[] {
  const { username, password } = config.surreal;
  return [
    ...config.backends.flatMap((backend) => (backend.authToken ? [backend.authToken] : [])),
    ...(password ? [password] : []),
    ...(username && password ? [`${username}:${password}`] : []),
    ...(config.temporal?.apiKey ? [config.temporal.apiKey] : []),
    ...codecKeySecrets(config.temporal?.codec),
  ];
}
