import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REDACTED, secretForms, secretScrubber } from '../../src/core/redactSecrets.js';

const TOKEN = 'tok_live_9f8e7d6c5b4a';

/** Written apart from the scrubber: the forms of `s`, and the base64 characters fixed by `s` alone after 0-2 leading bytes. */
function mustNotRemain(s: string): string[] {
  const forms = [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s), Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url')];
  const bytes = Buffer.from(s);
  for (let lead = 0; lead < 3; lead++) {
    const encoded = Buffer.concat([Buffer.alloc(lead, 120), bytes]).toString('base64');
    forms.push(encoded.slice(Math.ceil(lead / 3) * 4, Math.floor((lead + bytes.length) / 3) * 4));
  }
  return forms.filter((form) => form.length >= 8 || (form.length >= 6 && !/^[A-Za-z0-9+/=_-]+$/.test(form)) || form === s);
}

void test('replaces a token in every form a backend may echo it: raw, Bearer, JSON-escaped, URL-encoded, base64', () => {
  const odd = 'p@ss "word"/ü+1';
  const scrub = secretScrubber([TOKEN, odd]);
  const echoed = [
    `authorization: Bearer ${TOKEN}`,
    JSON.stringify({ headers: { authorization: `Bearer ${odd}` } }),
    `redirect?token=${encodeURIComponent(odd)}`,
    `basic ${Buffer.from(`api:${TOKEN}`).toString('base64')}`,
    `b64 ${Buffer.from(`Bearer ${TOKEN}`).toString('base64url')}`,
  ].join('\n');
  const out = scrub.text(echoed);
  for (const form of [...mustNotRemain(TOKEN), ...mustNotRemain(odd)]) assert.ok(!out.includes(form), `${form} left in ${out}`);
  assert.match(out, /authorization: Bearer \[redacted\]/);
});

void test('scrubs JSON values deeply, keys included, and leaves everything else as it was', () => {
  const scrub = secretScrubber([TOKEN]);
  const body = { ok: true, n: 3, none: null, echo: { headers: [`Bearer ${TOKEN}`], [TOKEN]: 'as a key' }, note: 'plain' };
  assert.deepEqual(scrub.value(body), { ok: true, n: 3, none: null, echo: { headers: [`Bearer ${REDACTED}`], [REDACTED]: 'as a key' }, note: 'plain' });
  assert.equal(scrub.value('no secret here'), 'no secret here');
});

void test('without secrets (or only ones too short to scrub) nothing changes', () => {
  for (const scrub of [secretScrubber([]), secretScrubber([undefined, '', 'root'])]) {
    assert.equal(scrub.active, false);
    assert.equal(scrub.text('root Bearer x'), 'root Bearer x');
  }
});

const secret = fc.string({ minLength: 6, maxLength: 24, unit: fc.oneof(fc.constantFrom('a', 'b', '-', '_', '"', '\\', ' ', '/', '+', '=', 'ü', '[', ']', 'd'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })) });
const filler = fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'b', 'd', ']', '[', ' ', '"', 'x', '=') });

void test('a secret that re-forms around the marker is scrubbed again', () => {
  const scrub = secretScrubber(['d]abcd']);
  const out = scrub.text('d]abcdabcd');
  assert.ok(!out.includes('d]abcd'), out);
});

void test('property: no form of any secret survives, wherever and however often it is embedded', () => {
  fc.assert(
    fc.property(
      fc.array(secret, { minLength: 1, maxLength: 3 }),
      fc.array(fc.tuple(filler, fc.nat(2), fc.nat(6)), { minLength: 1, maxLength: 6 }),
      (secrets, pieces) => {
        const text = pieces
          .map(([before, which, how]) => {
            const s = secrets[which % secrets.length]!;
            const forms = [s, `Bearer ${s}`, JSON.stringify(s).slice(1, -1), encodeURIComponent(s), Buffer.from(`${before}${s}`).toString('base64'), Buffer.from(s).toString('base64url'), `${s}${s}`];
            return before + forms[how % forms.length]!;
          })
          .join('');
        const out = secretScrubber(secrets).text(text);
        return secrets.every((s) => mustNotRemain(s).every((form) => !out.includes(form)));
      },
    ),
    { numRuns: 3000 },
  );
});

void test('property: a text holding no secret comes back unchanged', () => {
  fc.assert(
    fc.property(secret, fc.string(), (s, text) => {
      fc.pre(secretForms(s).every((form) => !text.includes(form)));
      return secretScrubber([s]).text(text) === text;
    }),
    { numRuns: 2000 },
  );
});

void test('property: a scrubbed JSON value holds no secret in any string or key', () => {
  fc.assert(
    fc.property(secret, fc.jsonValue(), (s, json) => {
      const planted = { json, echoed: { [s]: [`Bearer ${s}`, json] } };
      const out = secretScrubber([s]).value(planted);
      const strings: string[] = [];
      const walk = (v: unknown): void => {
        if (typeof v === 'string') strings.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') Object.entries(v).forEach(([k, item]) => (strings.push(k), walk(item)));
      };
      walk(out);
      return strings.every((text) => !text.includes(s));
    }),
    { numRuns: 1000 },
  );
});
