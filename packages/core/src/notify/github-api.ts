import { requestJson, type SendOptions } from './http.js';

/** A call of GitHub's REST API: method, full URL, JSON body. */
export type GitHubSend = (method: string, url: string, body?: unknown) => Promise<unknown>;

/**
 * GitHub's REST API for one repository, with the token and the API version every call carries; errors name the
 * call by its path (never the token).
 */
export function githubApi(options: SendOptions & { apiUrl: string; repository: string; token: string }): {
  repo: string;
  send: GitHubSend;
} {
  const api = options.apiUrl.replace(/\/+$/, '');
  const send: GitHubSend = (method, url, body) =>
    requestJson(method, url, body, `GitHub API ${method} ${url.slice(api.length)}`, {
      ...options,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
    });
  return { repo: `${api}/repos/${options.repository}`, send };
}
