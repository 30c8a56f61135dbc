// The failure converter used while payloads are encrypted: a failure's message and stack trace
// (which may quote a backend's answer) move into its encoded attributes, a payload the codec
// encrypts; Temporal then stores "Encoded failure" in clear. Loaded by path by the SDK, on the
// worker's main thread and bundled into the workflow sandbox: it imports @temporalio/common only.
import { DefaultFailureConverter } from '@temporalio/common';

/** Found in a workflow bundle's code when the bundle encodes failures (see bundleEncodesFailures). */
export const ENCODED_FAILURES_MARK = 'spooky-temporal:encoded-failure-converter';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
