// `codec-server`: the Temporal Web UI's remote codec endpoint, so an authorised operator reads
// encrypted payloads decoded in the UI (Settings → Codec Server, or the server's codec config).
// Same keys as the runner; a bearer token; CORS for the UI's origin; 127.0.0.1 by default.
import type { Command } from 'commander';
import { portArg } from '../args.js';
import type { CodecServerFlags } from '../../../config/codecServerConfig.js';

export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description("Serve the Temporal Web UI's remote codec endpoint (POST /decode, /encode) with the runner's payload keys")
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: a free one)', portArg, 8888)
    .option('--ui-origin <origin...>', 'origin of the Web UI allowed to call it, e.g. http://localhost:8233 (env SPKY_CODEC_UI_ORIGIN, comma-separated)')
    .option('--token-file <file>', 'file holding the bearer token callers must send (or env SPKY_CODEC_SERVER_TOKEN / SPKY_CODEC_SERVER_TOKEN_FILE)')
    .option('--no-token', 'serve without a token (127.0.0.1 only): any local process may then decrypt')
    .addHelpText(
      'after',
      `
Keys: SPKY_CODEC_KEYS or SPKY_CODEC_KEY_FILE, as for the runner. Bodies are never logged.

Examples:
  $ SPKY_CODEC_KEY_FILE=/run/secrets/codec-keys SPKY_CODEC_SERVER_TOKEN_FILE=/run/secrets/codec-token spooky-temporal codec-server
  $ temporal server start-dev --ui-codec-endpoint http://127.0.0.1:8888   # the dev UI decodes through it
  $ temporal workflow show -w <id> --codec-endpoint http://127.0.0.1:8888 --codec-auth "Bearer $TOKEN"
`,
    )
    .action(async (flags: CodecServerFlags) => {
      const [{ resolveCodecServerConfig }, { startCodecServer }, { payloadCodecFor }, { createLogger }] = await Promise.all([
        import('../../../config/codecServerConfig.js'),
        import('../../../adapters/temporal/codecServer.js'),
        import('../../../adapters/temporal/dataConverter.js'),
        import('../../../adapters/logger.js'),
      ]);
      const config = resolveCodecServerConfig(flags);
      const logger = createLogger({ name: 'codec-server', secrets: [...config.codec.keys.map((k) => k.key), config.token] });
      const codec = payloadCodecFor(config.codec);
      const server = await startCodecServer({ codec, host: config.host, port: config.port, uiOrigins: config.uiOrigins, token: config.token, logger });
      logger.info(
        { url: server.url, uiOrigins: config.uiOrigins, token: config.token ? 'required' : 'none (--no-token)', keyIds: codec.keyIds, encryptsWith: codec.currentKeyId },
        `codec server listening on ${server.url}`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
