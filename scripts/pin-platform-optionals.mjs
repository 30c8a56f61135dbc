#!/usr/bin/env node
// Keeps `npm ci` working with a registry that does not serve every platform build.
// When a package's platform-specific optional dependency (e.g. @swc/core-darwin-arm64) cannot
// be fetched, `npm install` leaves it out of package-lock.json, and `npm ci` then refuses the
// lock as out of sync. This adds an entry for each such dependency, tagged with the os/cpu
// read from its name, so npm knows to skip it on other platforms. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const OSES = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openbsd', 'sunos', 'aix'];
const CPUS = ['arm64', 'x64', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'arm'];

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = OSES.find((o) => parts.includes(o));
    const cpu = parts.includes('gnueabihf') || parts.includes('androideabi') ? 'arm' : CPUS.find((c) => parts.includes(c));
    if (!os || !cpu) {
      console.warn(`skipped ${name}: cannot tell its platform from the name`);
      continue;
    }
    lock.packages[key] = { version: range.replace(/^[\^~=]/, ''), cpu: [cpu], optional: true, os: [os] };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
console.log(`pinned ${added} platform-specific optional dependencies in package-lock.json`);
