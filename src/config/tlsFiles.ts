// Checks the PEM files a config names (CA, client certificate and key) when the config is read,
// so a wrong path or file fails at start with the variable or key that named it. Never echoes
// a file's content (a key is a secret).
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { configError } from './configErrors.js';

/** Where a path came from, for the error: the source (file, `environment`, `overrides`) and key. */
export interface NamedPath {
  value: string;
  source: string;
  key: string;
}

const READ_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function readNamed(file: NamedPath, what: string, secrets: readonly string[]): string {
  try {
    return readFileSync(file.value, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw configError(file.source, file.key, `cannot read ${file.value} (${READ_PROBLEMS[code] ?? code}): expected a readable PEM file of ${what}; fix the path`, secrets);
  }
}

/** A CA or certificate file: at least one PEM certificate. */
export function checkCertificateFile(file: NamedPath, what: string, secrets: readonly string[]): X509Certificate {
  const text = readNamed(file, what, secrets);
  try {
    return new X509Certificate(text);
  } catch {
    throw configError(file.source, file.key, `${file.value} holds no PEM certificate: expected ${what} (-----BEGIN CERTIFICATE-----)`, secrets);
  }
}

/** A private key file (PEM, unencrypted). */
export function checkPrivateKeyFile(file: NamedPath, what: string, secrets: readonly string[]): KeyObject {
  const text = readNamed(file, what, secrets);
  try {
    return createPrivateKey(text);
  } catch {
    throw configError(
      file.source,
      file.key,
      `${file.value} holds no unencrypted PEM private key: expected ${what} (-----BEGIN PRIVATE KEY-----; decrypt it first with openssl pkey)`,
      secrets,
    );
  }
}

/** A client certificate and its key: both or neither, readable, and the key must be the certificate's. */
export function checkClientPair(
  cert: NamedPath | undefined,
  key: NamedPath | undefined,
  names: { cert: string; key: string },
  secrets: readonly string[],
): void {
  if (!cert && !key) return;
  if (!cert || !key) {
    const given = (cert ?? key)!;
    throw configError(
      given.source,
      given.key,
      `a client certificate needs both ${names.cert} and ${names.key}: set ${cert ? names.key : names.cert} too, or unset ${given.key}`,
      secrets,
    );
  }
  const certificate = checkCertificateFile(cert, 'the client certificate', secrets);
  const privateKey = checkPrivateKeyFile(key, `the private key of ${cert.value}`, secrets);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw configError(key.source, key.key, `${key.value} is not the private key of the client certificate ${cert.value}: expected the key the certificate was made with`, secrets);
  }
}
