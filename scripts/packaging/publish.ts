/**
 * Where installers and their update metadata (latest.yml, latest-mac.yml, latest-linux.yml) are
 * published, which is also where the installed app looks for updates: electron-builder writes
 * this into the app as app-update.yml. GitHub Releases by default; a generic HTTPS server or S3
 * bucket when the environment says so.
 */

export type PublishConfig =
  | { provider: 'github'; owner: string; repo: string; releaseType: 'release' | 'draft' }
  | { provider: 'generic'; url: string; channel: string }
  | { provider: 's3'; bucket: string; region?: string; path?: string };

export interface PublishChoice {
  /** Null when no feed is known: the build then has no app-update.yml and the app says updates are off. */
  config: PublishConfig | null;
  message: string;
}

const value = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
};

/** `owner/repo` from a package.json `repository` field (string or object, github URLs or shorthand). */
export function githubRepoFrom(repository: unknown): { owner: string; repo: string } | null {
  const raw =
    typeof repository === 'string'
      ? repository
      : typeof repository === 'object' && repository !== null && 'url' in repository
        ? String((repository as { url: unknown }).url)
        : '';
  const match =
    /^(?:github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(raw) ??
    /github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  return match?.[1] && match[2] ? { owner: match[1], repo: match[2] } : null;
}

/**
 * PEREGRINE_UPDATE_PROVIDER chooses: `github` (default; the repository comes from
 * PEREGRINE_UPDATE_GITHUB_REPO, else GITHUB_REPOSITORY on Actions, else package.json), `generic`
 * (PEREGRINE_UPDATE_URL, https only) or `s3` (PEREGRINE_UPDATE_S3_BUCKET, optional _REGION and _PATH).
 */
export function publishChoice(env: NodeJS.ProcessEnv, repository: unknown): PublishChoice {
  const provider = value(env, 'PEREGRINE_UPDATE_PROVIDER') ?? 'github';
  if (provider === 'generic') {
    const url = value(env, 'PEREGRINE_UPDATE_URL');
    if (url === undefined) throw new Error('PEREGRINE_UPDATE_PROVIDER=generic needs PEREGRINE_UPDATE_URL');
    // Update metadata carries the checksums the updater trusts; plain http would let anyone on the
    // path substitute both the installer and its checksum.
    if (!url.startsWith('https://')) throw new Error(`PEREGRINE_UPDATE_URL must be https: ${url}`);
    return {
      config: { provider: 'generic', url, channel: value(env, 'PEREGRINE_UPDATE_CHANNEL') ?? 'latest' },
      message: `updates: generic feed at ${url}`,
    };
  }
  if (provider === 's3') {
    const bucket = value(env, 'PEREGRINE_UPDATE_S3_BUCKET');
    if (bucket === undefined)
      throw new Error('PEREGRINE_UPDATE_PROVIDER=s3 needs PEREGRINE_UPDATE_S3_BUCKET');
    const region = value(env, 'PEREGRINE_UPDATE_S3_REGION');
    const path = value(env, 'PEREGRINE_UPDATE_S3_PATH');
    return {
      config: {
        provider: 's3',
        bucket,
        ...(region === undefined ? {} : { region }),
        ...(path === undefined ? {} : { path }),
      },
      message: `updates: S3 bucket ${bucket}`,
    };
  }
  if (provider !== 'github') {
    throw new Error(`PEREGRINE_UPDATE_PROVIDER must be github, generic or s3, not ${provider}`);
  }
  const named = value(env, 'PEREGRINE_UPDATE_GITHUB_REPO') ?? value(env, 'GITHUB_REPOSITORY');
  const repo = named === undefined ? githubRepoFrom(repository) : githubRepoFrom(named);
  if (repo === null) {
    return {
      config: null,
      message:
        'updates: off in this build (no GitHub repository: set PEREGRINE_UPDATE_GITHUB_REPO=owner/repo, or choose another PEREGRINE_UPDATE_PROVIDER)',
    };
  }
  return {
    // Drafts until a maintainer publishes them, so a half-uploaded release never reaches traders.
    config: { provider: 'github', ...repo, releaseType: 'draft' },
    message: `updates: GitHub Releases of ${repo.owner}/${repo.repo}`,
  };
}
