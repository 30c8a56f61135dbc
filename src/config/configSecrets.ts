// Every secret a runner's config holds, for the scrubber (src/redactSecrets.ts): each backend's
// token, the SurrealDB password, and `user:password` (its base64 is a Basic header).
import type { RunnerConfig } from '../interfaces.js';

export function configSecrets(config: Pick<RunnerConfig, 'backends' | 'surreal'>): string[] {
  const { username, password } = config.surreal;
  return [
    ...config.backends.flatMap((backend) => (backend.authToken ? [backend.authToken] : [])),
    ...(password ? [password] : []),
    ...(username && password ? [`${username}:${password}`] : []),
  ];
}
