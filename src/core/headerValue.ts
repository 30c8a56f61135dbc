// Header values we derive from row ids (X-Job-Id, the default Idempotency-Key). SurrealDB
// allows any record key (`job:⟨日本⟩`, CR/LF included), but fetch refuses such a header value
// before sending, so every attempt of the job would fail as a transport error. Pure.

/** Whether `value` can go into a header exactly as it is (printable ASCII, no spaces). */
export function isPlainHeaderValue(value: string): boolean {
  return /^[\x21-\x7E]*$/.test(value);
}

/**
 * `value` as it is when it is plain printable ASCII without `%`; otherwise its UTF-8 bytes
 * percent-encoded (every byte outside 0x21–0x7E, and `%` itself). One-to-one: an encoded value
 * always holds a `%` and a value sent as it is never does, so two ids never share a header value.
 */
export function encodeHeaderValue(value: string): string {
  if (isPlainHeaderValue(value) && !value.includes('%')) return value;
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    out += byte > 0x20 && byte < 0x7f && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
