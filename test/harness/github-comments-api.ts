// A stand-in for GitHub's issue-comments API (api.github.com cannot be reached from a test): list, create and update
// the comments of one pull request on owner/app, recording every request exactly as it arrived so tests can assert
// what dbops sends. As GitHub does, a comment records its author (the token is github-actions[bot], which cannot read
// GET /user: 403), and a body over 65,536 characters is refused with 422.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

export interface IssueComment {
  id: number;
  body: string;
  user?: { login: string; type: 'User' | 'Bot' };
}

/** The author of what the GITHUB_TOKEN writes. */
export const ACTIONS_BOT = { login: 'github-actions[bot]', type: 'Bot' } as const;
const MAX_BODY = 65_536;

export class GitHubCommentsApi {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;

  /** comments: those already on the pull request; new ones get ids from nextId up. */
  constructor(
    private readonly pullRequest: number,
    readonly comments: IssueComment[],
    private nextId: number,
  ) {}

  /** Starts listening on a free port of 127.0.0.1; returns the API's base URL (GITHUB_API_URL). */
  async start(): Promise<string> {
    const list = `/repos/owner/app/issues/${this.pullRequest}/comments`;
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization, body });
        const reply = (status: number, json: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        const path = new URL(req.url!, 'http://x').pathname;
        if (req.method === 'GET' && path === '/user')
          return reply(403, { message: 'Resource not accessible by integration' });
        if (req.method === 'GET' && path === list) return reply(200, this.comments);
        if ((req.method === 'POST' || req.method === 'PATCH') && (JSON.parse(body).body as string).length > MAX_BODY)
          return reply(422, { message: 'Validation Failed', errors: [{ field: 'body', code: 'custom' }] });
        if (req.method === 'POST' && path === list) {
          const comment = { id: this.nextId++, body: JSON.parse(body).body as string, user: ACTIONS_BOT };
          this.comments.push(comment);
          return reply(201, comment);
        }
        const patch = /^\/repos\/owner\/app\/issues\/comments\/(\d+)$/.exec(path);
        const existing = patch && this.comments.find((c) => c.id === Number(patch[1]));
        if (req.method === 'PATCH' && existing) {
          existing.body = JSON.parse(body).body as string;
          return reply(200, existing);
        }
        reply(404, { message: 'Not Found' });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
