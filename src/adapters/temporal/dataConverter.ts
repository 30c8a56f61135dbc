// The one data converter every Temporal Client and Worker of this code uses: with codec keys
// configured, payloads are encrypted (AES-256-GCM) and failure messages are encoded; without
// them, the SDK's defaults. The client, the workers, schedule actions (encoded by the client)
// and the workflow sandbox (see getWorkflowBundle) must agree, or one side cannot read the other.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import type { TemporalConnectionConfig } from '../../core/interfaces.js';
import { PayloadCodecError } from '../../core/errors.js';
import { AesGcmPayloadCodec } from './aesGcmCodec.js';
import { ENCODED_FAILURES_MARK } from './encodedFailures.js';

type CodecConfig = NonNullable<TemporalConnectionConfig['codec']>;

/** The codec of these keys (base64 or base64url, as the config accepts them). */
export function payloadCodecFor(codec: CodecConfig): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(
    codec.keys.map(({ id, key }) => ({ id, key: Buffer.from(key, /[-_]/.test(key) ? 'base64url' : 'base64') })),
  );
}

export interface DataConverterOptions {
  /** Told when a payload fails to decode (a workflow task then fails and is retried): log it. */
  onDecodeError?: (error: Error) => void;
}

/** Undefined without codec keys (the SDK's default converter). */
export function temporalDataConverter(config: Pick<TemporalConnectionConfig, 'codec'>, options: DataConverterOptions = {}): DataConverter | undefined {
  if (!config.codec) return undefined;
  const codec = payloadCodecFor(config.codec);
  return {
    payloadCodecs: [options.onDecodeError ? reportingDecodeErrors(codec, options.onDecodeError) : codec],
    failureConverterPath: encodedFailuresPath(),
  };
}

let checkedPath: string | undefined;

/** The encoded-failures converter's file; the SDK require()s it, which ES modules allow from Node 20.19. */
export function encodedFailuresPath(): string {
  if (checkedPath) return checkedPath;
  const ts = fileURLToPath(new URL('./encodedFailures.ts', import.meta.url));
  const path = existsSync(ts) ? ts : fileURLToPath(new URL('./encodedFailures.js', import.meta.url));
  try {
    createRequire(import.meta.url)(path);
  } catch (cause) {
    throw new PayloadCodecError(
      `payload encryption cannot load its failure converter (${(cause as Error).message.split('\n')[0]}): it needs Node 20.19 or newer; you run ${process.version}`,
      { cause },
    );
  }
  return (checkedPath = path);
}

/** Whether a workflow bundle was built with the encoded-failures converter (getWorkflowBundle({ encodeFailures: true })). */
export function bundleEncodesFailures(bundle: { code: string }): boolean {
  return bundle.code.includes(ENCODED_FAILURES_MARK);
}

function reportingDecodeErrors(codec: PayloadCodec, report: (error: Error) => void): PayloadCodec {
  return {
    encode: (payloads: Payload[]) => codec.encode(payloads),
    async decode(payloads: Payload[]) {
      try {
        return await codec.decode(payloads);
      } catch (error) {
        report(error as Error);
        throw error;
      }
    },
  };
}
