// Defaults of the SurrealDB endpoint `dev` serves; a module of its own so `dev --help` reads
// them without loading the runner.

/** Port on 127.0.0.1 (a free one is used when it is taken and no port was asked for). */
export const DEFAULT_SURREAL_PORT = 8765;

/** Comma-separated browser origins allowed to open the endpoint (as `--allow-origin`). */
export const ALLOW_ORIGINS_ENV = 'SPKY_DEV_ALLOW_ORIGINS';
