// Reads a response body without holding more than the stored limit in memory,
// and turns it into what the row's `result` keeps: parsed JSON, else text, else a size marker.

/** Larger bodies are replaced by `{ truncated: true, bytes, limit }` (as Sp00ky's runner does). */
export const RESULT_LIMIT_BYTES = 64 * 1024;

export interface ReadBody {
  text: string;
  bytes: number;
  truncated: boolean;
}

export async function readBodyLimited(response: Response, limit = RESULT_LIMIT_BYTES): Promise<ReadBody> {
  if (!response.body) return { text: '', bytes: 0, truncated: false };
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (kept < limit + 1) {
      const part = chunk.subarray(0, limit + 1 - kept);
      chunks.push(part);
      kept += part.byteLength;
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return { text, bytes, truncated: bytes > limit };
}

export function toStoredResult(body: ReadBody, limit = RESULT_LIMIT_BYTES): unknown {
  if (body.truncated) return { truncated: true, bytes: body.bytes, limit };
  if (body.text === '') return null;
  try {
    return JSON.parse(body.text);
  } catch {
    return body.text;
  }
}

/** Error reasons stay short: the row and the Temporal UI show them, a whole HTML page helps nobody. */
export function shortReason(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
