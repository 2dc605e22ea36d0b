/**
 * Image references as the kubelet reads them (docker/distribution reference grammar): an
 * unparsable name is InvalidImageName; a name without a tag means ":latest"; a name without a
 * registry is on docker.io, a single path component under "library/".
 */

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const reference = new RegExp(`^((?:${domain}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`);

export interface ImageRef {
  /** "docker.io/library/nginx" */
  repository: string;
  tag?: string;
  digest?: string;
  /** The normalised full name: "docker.io/library/nginx:latest". */
  full: string;
}

/** Parses an image name; undefined when the kubelet would say InvalidImageName. */
export function parseImage(image: string): ImageRef | undefined {
  const m = reference.exec(image);
  if (!m) return undefined;
  let repo = m[1]!;
  if (repo.length > 255) return undefined;
  const first = repo.split('/')[0]!;
  const hasDomain = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first);
  if (!hasDomain) repo = repo.includes('/') ? `docker.io/${repo}` : `docker.io/library/${repo}`;
  const t = m[2] ?? (m[3] ? undefined : 'latest');
  const full = `${repo}${t ? `:${t}` : ''}${m[3] ? `@${m[3]}` : ''}`;
  return { repository: repo, ...(t ? { tag: t } : {}), ...(m[3] ? { digest: m[3] } : {}), full };
}
