// A job's payload as the backend receives it.
/** Sp00ky's db.run stores the payload as a JSON string; the backend wants the JSON itself. */
export function decodePayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload ?? {};
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
