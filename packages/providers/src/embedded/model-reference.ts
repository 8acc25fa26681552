import { isAbsolute, join, resolve } from 'node:path';

/** Where a configured model's weights come from. */
export type ModelReference = { kind: 'file'; path: string } | { kind: 'hf'; repo: string; file: string; revision: string; url: string; path: string };

const HF_PREFIX = 'hf:';
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `hf:<org>/<repo>/<file>` (optionally `@<revision>` after the repo) is a
 * file on the Hugging Face hub, kept under `modelsDir`; anything else is a
 * local `.gguf` path. Throws, naming the reference, when it is neither.
 */
export function parseModelReference(model: string, modelsDir: string, hfEndpoint: string): ModelReference {
  if (!model.startsWith(HF_PREFIX)) {
    if (!model.endsWith('.gguf')) throw new Error(`model '${model}' is neither a .gguf file nor hf:<org>/<repo>/<file>`);
    return { kind: 'file', path: isAbsolute(model) ? model : resolve(model) };
  }
  const [org, repoAndRevision, ...fileParts] = model.slice(HF_PREFIX.length).split('/');
  const [repoName, revision = 'main', ...extra] = (repoAndRevision ?? '').split('@');
  const segments = [org ?? '', repoName ?? '', ...fileParts];
  // Every part becomes a folder under modelsDir: `..` or an empty part would leave it.
  if (extra.length > 0 || fileParts.length === 0 || !segments.every((part) => SEGMENT.test(part) && !part.includes('..')) || !SEGMENT.test(revision)) {
    throw new Error(`model '${model}' is not hf:<org>/<repo>[@<revision>]/<file>`);
  }
  const file = fileParts.join('/');
  if (!file.endsWith('.gguf')) throw new Error(`model '${model}' does not name a .gguf file`);
  const repo = `${org}/${repoName}`;
  return {
    kind: 'hf',
    repo,
    file,
    revision,
    url: `${hfEndpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${fileParts.map(encodeURIComponent).join('/')}`,
    path: join(modelsDir, 'hf', org as string, repoName as string, revision, ...fileParts),
  };
}
