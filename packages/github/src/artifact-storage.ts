import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  DbopsError,
  LocalStorage,
  MANIFEST_SUFFIX,
  type IncompleteUploads,
  type PutOptions,
  type Storage,
  type StoredObject,
} from '@dbops/core';

/** The part of @actions/artifact's client that artifact storage uses (tests record these calls). */
export interface ArtifactApi {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number },
  ): Promise<{ id?: number; size?: number }>;
  downloadArtifact(
    artifactId: number,
    options?: {
      path?: string;
      findBy?: { token: string; workflowRunId: number; repositoryOwner: string; repositoryName: string };
    },
  ): Promise<{ downloadPath?: string }>;
}

/** Finds the newest unexpired artifact of a name in the repository, across workflow runs. */
export type ArtifactLookup = (name: string) => Promise<{ id: number; workflowRunId: number } | undefined>;

export interface ArtifactStorageOptions {
  api: ArtifactApi;
  lookup: ArtifactLookup;
  repository: string;
  token?: string;
  retentionDays?: number;
  /** Where to stage files: the runner's temp directory, which GitHub empties after each job. */
  tempRoot?: string;
}

/**
 * artifact://NAME: backups kept as GitHub workflow artifacts. Artifacts are uploaded whole, so a backup is staged
 * in a local directory and uploaded, object and manifest together, when its manifest is written (invariant 1: an
 * artifact holds a complete backup or nothing). Reading downloads the newest artifact of the name, from this or an
 * earlier run of the repository. GitHub removes artifacts after their retention days; dbops never deletes them.
 */
export class ArtifactStorage implements Storage {
  readonly display: string;
  private downloaded = false;

  private constructor(
    private readonly name: string,
    private readonly staging: LocalStorage,
    private readonly root: string,
    private readonly options: ArtifactStorageOptions,
  ) {
    this.display = `artifact://${name}`;
  }

  static async open(name: string, options: ArtifactStorageOptions): Promise<ArtifactStorage> {
    const root = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'dbops-artifact-'));
    return new ArtifactStorage(name, new LocalStorage(root, 'to'), root, options);
  }

  async preflight(): Promise<void> {
    await this.staging.preflight();
  }

  async put(key: string, body: Readable | Buffer, options?: PutOptions): Promise<{ size: number }> {
    if (!/\.(dump(\.\w+)*|manifest\.json)$/.test(key)) {
      // A verification record after the artifact was uploaded could never reach it: say so rather than lose it.
      throw new DbopsError(
        'STORAGE_FAILED',
        `artifact:// storage keeps backups only (object and manifest), not ${key}`,
        {
          hint: 'Verification records need S3 or a directory; with artifacts, rotation is artifact-retention-days.',
        },
      );
    }
    const result = await this.staging.put(key, body, options);
    if (key.endsWith(MANIFEST_SUFFIX)) await this.upload(key);
    return result;
  }

  private async upload(manifestKey: string): Promise<void> {
    const prefix = manifestKey.slice(0, -MANIFEST_SUFFIX.length);
    const files = (await this.staging.list(''))
      .map((o) => o.key)
      .filter((k) => k.startsWith(`${prefix}.`))
      .map((k) => join(this.root, k));
    try {
      await this.options.api.uploadArtifact(
        this.name,
        files.sort(),
        this.root,
        this.options.retentionDays ? { retentionDays: this.options.retentionDays } : {},
      );
    } catch (error) {
      throw new DbopsError(
        'STORAGE_FAILED',
        `Could not upload the backup as artifact ${this.name}: ${(error as Error).message}`,
        {
          input: 'to',
          hint: 'An artifact name can be used once per workflow run; artifacts need the Actions runtime (they do not work outside a workflow).',
          cause: error,
        },
      );
    }
  }

  async get(key: string, options?: { signal?: AbortSignal }): Promise<Readable> {
    await this.download();
    return this.staging.get(key, options);
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    await this.download();
    return this.staging.stat(key);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    await this.download();
    return this.staging.list(prefix);
  }

  async delete(key: string): Promise<void> {
    await this.staging.delete(key);
  }

  /** Artifacts are uploaded whole: there is never an incomplete one (the staging directory is this run's own). */
  async listIncomplete(): Promise<IncompleteUploads> {
    return { uploads: [] };
  }

  async discardIncomplete(): Promise<boolean> {
    return false;
  }

  locate(key: string): string {
    return `artifact://${this.name}/${key}`;
  }

  /** Brings the newest artifact of this name into the staging directory, once, unless this run staged a backup. */
  private async download(): Promise<void> {
    if (this.downloaded) return;
    this.downloaded = true;
    if ((await readdir(this.root)).length > 0) return;
    const found = await this.options.lookup(this.name);
    if (!found) return;
    const [owner, repo] = this.options.repository.split('/') as [string, string];
    await this.options.api.downloadArtifact(found.id, {
      path: this.root,
      ...(this.options.token
        ? {
            findBy: {
              token: this.options.token,
              workflowRunId: found.workflowRunId,
              repositoryOwner: owner,
              repositoryName: repo,
            },
          }
        : {}),
    });
  }
}

/** The REST lookup: GET /repos/{repo}/actions/artifacts?name=NAME, newest first. */
export function restArtifactLookup(
  apiUrl: string,
  repository: string,
  token: string | undefined,
  fetchFn: typeof fetch = fetch,
  timeoutMs = 30_000,
): ArtifactLookup {
  return async (name) => {
    if (!token) {
      throw new DbopsError('STORAGE_FAILED', `Cannot look up artifact ${name} of earlier runs without a token`, {
        input: 'github-token',
        hint: 'Keep the default github-token (${{ github.token }}) and grant the job `actions: read`.',
      });
    }
    // Bounded: an API that never answers would otherwise hold the run until the job's own timeout.
    const response = await fetchFn(
      `${apiUrl}/repos/${repository}/actions/artifacts?name=${encodeURIComponent(name)}&per_page=20`,
      {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        },
        signal: AbortSignal.timeout(timeoutMs),
      },
    ).catch((error: unknown) => {
      const why =
        (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message;
      throw new DbopsError('STORAGE_FAILED', `Listing artifacts named ${name} failed: ${why}`, {
        hint: 'The GitHub API did not answer; run the job again.',
      });
    });
    if (!response.ok) {
      throw new DbopsError('STORAGE_FAILED', `Listing artifacts named ${name} failed: HTTP ${response.status}`, {
        input: 'github-token',
        hint: 'The token needs actions: read on this repository.',
      });
    }
    const body = (await response.json()) as {
      artifacts?: Array<{ id: number; expired: boolean; workflow_run?: { id: number } }>;
    };
    const newest = body.artifacts?.find((a) => !a.expired && a.workflow_run);
    return newest ? { id: newest.id, workflowRunId: newest.workflow_run!.id } : undefined;
  };
}
