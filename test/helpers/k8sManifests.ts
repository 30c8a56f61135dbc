// Reads the Kubernetes manifests of deploy/k8s: the files kustomization.yaml lists, each parsed
// into its documents (YAML 1.1, as kubectl reads it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from './runProcess.js';

export const K8S_DIR = path.join(ROOT, 'deploy', 'k8s');

/** A manifest as plain data; fields are read by the tests that know the kind. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [field: string]: any };

export interface ManifestFile {
  file: string;
  docs: Manifest[];
}

export function kustomizationResources(): string[] {
  const kustomization = parse(readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return kustomization.resources.map((r) => path.join(K8S_DIR, r));
}

export function readManifestFile(file: string): ManifestFile {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' }).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Manifest;
  });
  return { file, docs: docs.filter(Boolean) };
}

export function readManifests(): ManifestFile[] {
  return kustomizationResources().map(readManifestFile);
}

/** The one resource of this kind and name among all manifests. */
export function findManifest(files: ManifestFile[], kind: string, name: string): Manifest {
  const found = files.flatMap((f) => f.docs).filter((d) => d.kind === kind && d.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name} in deploy/k8s, found ${found.length}`);
  return found[0]!;
}
