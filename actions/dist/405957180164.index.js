export const id = 405957180164;
export const ids = [405957180164];
export const modules = {

/***/ 22673:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   migrateDeployDefinition: () => (/* binding */ migrateDeployDefinition)
/* harmony export */ });
/* harmony import */ var _connection_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(47518);
/* harmony import */ var _migrate_check_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(74936);
/* harmony import */ var _migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(69445);
/* harmony import */ var _migrate_pr_comment_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(27538);
/* harmony import */ var _read_inputs_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(98521);





const MODES = ['deploy', 'status', 'check'];
const inputs = [
    ...(0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .connectionInputs */ .eu)(),
    {
        name: 'mode',
        description: 'deploy: back up, then apply the pending migrations. status: read and lint only, change nothing (fails where deploy would). check: rehearse the pending migrations on a scratch database on target-url, measuring their locks; database-url is never touched.',
        type: 'enum',
        values: MODES,
        default: 'deploy',
    },
    ..._migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATION_SOURCE_INPUTS */ .t3,
    ..._migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATION_DEPLOY_INPUTS */ .LF,
    ..._migrate_check_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .MIGRATION_CHECK_INPUTS */ .q,
    ..._migrate_pr_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .PR_COMMENT_INPUTS */ .h3,
];
const migrateDeployDefinition = {
    name: 'migrate-deploy',
    description: 'Apply database migrations safely: status and blockers with exact recovery steps, lint against the live tables, a verified backup first, one deploy at a time, and what changed.',
    inputs,
    outputs: _migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATE_OUTPUTS */ .jI,
    run: async (raw, context) => {
        const reader = new _read_inputs_js__WEBPACK_IMPORTED_MODULE_4__/* .InputReader */ .i(inputs, raw, context.env);
        const mode = reader.oneOf('mode');
        // Checked before the deploy: an invalid value found after it would lose the report of what was applied.
        const comment = reader.boolean('comment-on-pr');
        const key = comment ? await commentKey(reader, mode, raw, context) : _migrate_pr_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .PR_COMMENT_KEY */ .VC;
        let report;
        try {
            report = await (0,_migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .runMigrate */ .fQ)(inputs, mode, raw, context);
        }
        catch (error) {
            if (comment)
                await (0,_migrate_pr_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .commentOnFailure */ .hz)(reader, error, context, key);
            throw error;
        }
        if (comment)
            await (0,_migrate_pr_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .commentOnPullRequest */ .rh)(reader, report, context, key);
        return report;
    },
};
/**
 * The comment's key, from the job's alert-key (a notification input, read from the raw inputs as withNotifications
 * does) or its database; a database that cannot be read here is left to the run to report.
 */
async function commentKey(reader, mode, raw, context) {
    const alertKey = raw['alert-key']?.trim() || context.env.DBOPS_ALERT_KEY?.trim() || undefined;
    const target = alertKey ? undefined : await (0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .readConnection */ .dC)(reader).catch(() => undefined);
    return (0,_migrate_pr_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .migrateCommentKey */ .Yk)(mode, alertKey, target);
}
//# sourceMappingURL=migrate-deploy.js.map

/***/ }),

/***/ 27538:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h3: () => (/* binding */ PR_COMMENT_INPUTS),
  VC: () => (/* binding */ PR_COMMENT_KEY),
  hz: () => (/* binding */ commentOnFailure),
  rh: () => (/* binding */ commentOnPullRequest),
  Yk: () => (/* binding */ migrateCommentKey),
  S$: () => (/* binding */ postSummaryComment)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./packages/core/lib/notify/github-api.js
var github_api = __webpack_require__(91593);
;// CONCATENATED MODULE: ./packages/core/lib/notify/github-pr-comment.js


/** GitHub refuses a comment over 65,536 characters (422): the body is cut below it, with room for the marker. */
const MAX_COMMENT_BODY = 60_000;
/**
 * A body that fits in a comment: a longer one is cut at a line, the code block or folded section it was cut in
 * closed, and a line sends the reader to the job summary, which has it all.
 */
function commentBody(markdown, runUrl) {
    if (markdown.length <= MAX_COMMENT_BODY)
        return markdown;
    const kept = markdown.slice(0, markdown.lastIndexOf('\n', MAX_COMMENT_BODY - 500) + 1 || MAX_COMMENT_BODY - 500);
    const fences = (kept.match(/^```/gm) ?? []).length;
    const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
    const run = runUrl ? `the job summary of [the workflow run](${runUrl})` : "the workflow run's job summary";
    return [
        kept.trimEnd(),
        ...(fences % 2 === 1 ? ['```'] : []),
        ...Array.from({ length: Math.max(0, open) }, () => '</details>'),
        '',
        `**The summary is cut here: it is longer than a pull-request comment can be. See ${run} for all of it.**`,
    ].join('\n');
}
/** The hidden marker that identifies the sticky comment for `key`. */
function commentMarker(key) {
    return `<!-- dbops:${key} -->`;
}
/**
 * Keeps one sticky comment per key on a pull request: created on the first run, its body replaced on later runs (no
 * comment per run). Our comment is found by its hidden marker among the pull request's comments.
 */
async function syncPullRequestComment(options) {
    const { repo, send } = (0,github_api/* githubApi */.M)(options);
    const marker = commentMarker(options.key);
    const body = `${marker}\n${commentBody(options.body, options.runUrl)}`;
    const mine = await authoredByUs(send, `${options.apiUrl.replace(/\/+$/, '')}/user`);
    const existing = await findComment(send, `${repo}/issues/${options.pullRequest}/comments`, marker, mine);
    if (existing) {
        await send('PATCH', `${repo}/issues/comments/${existing.id}`, { body });
        options.log.info(`Updated the comment on pull request #${options.pullRequest}`);
        return { action: 'updated', id: existing.id };
    }
    const created = (await send('POST', `${repo}/issues/${options.pullRequest}/comments`, { body }));
    options.log.info(`Commented on pull request #${options.pullRequest}`);
    return { action: 'created', id: created.id };
}
/**
 * Whether a comment is ours: written by a bot (the GITHUB_TOKEN's github-actions[bot], a GitHub App) or by the
 * token's own user (a personal access token). Anyone can write the marker into a comment of their own; replacing
 * its body would put our summary under their name, or leave ours unposted. The token's user is asked once, when a
 * comment by a person carries the marker; an installation token cannot ask (403) and owns bot comments only.
 */
function authoredByUs(send, userUrl) {
    let login;
    return async (comment) => {
        if (comment.user?.type === 'Bot')
            return true;
        login ??= send('GET', userUrl).then((user) => user?.login, () => undefined);
        const own = await login;
        return own !== undefined && comment.user?.login === own;
    };
}
/** Pages through the comments (100 a page, oldest first) for the first one of ours carrying the marker. */
async function findComment(send, url, marker, ours) {
    for (let page = 1; page <= 30; page++) {
        const comments = (await send('GET', `${url}?per_page=100&page=${page}`));
        for (const comment of comments)
            if ((comment.body ?? '').includes(marker) && (await ours(comment)))
                return comment;
        if (comments.length < 100)
            return undefined;
    }
    return undefined;
}
/**
 * The pull request this run is for: GITHUB_REF is refs/pull/<n>/merge (or /head) on pull_request events; otherwise
 * the event payload (GITHUB_EVENT_PATH) may name it (pull_request_target, issue_comment on a pull request).
 */
function pullRequestNumber(env, ref = env.GITHUB_REF) {
    const fromRef = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(ref ?? '');
    if (fromRef)
        return Number(fromRef[1]);
    if (!env.GITHUB_EVENT_PATH)
        return undefined;
    try {
        const event = JSON.parse((0,external_node_fs_.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
        const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
        return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=github-pr-comment.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/render-summary.js
var render_summary = __webpack_require__(39323);
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/migrate-pr-comment.js





/** The sticky pull-request comment with the run's summary. */
const PR_COMMENT_INPUTS = [
    {
        name: 'comment-on-pr',
        description: "Keep one comment on the pull request with this run's summary (status, lint findings, rehearsal timings, schema diff), updated in place on later runs. migrate-deploy keeps one per mode and job (alert-key, else the database), so matrix jobs keep theirs, and a run that fails shows its error there. Only a comment written by a bot or the token's user is updated; a summary too long for a comment is cut, pointing to the job summary. Outside a pull request: a warning.",
        type: 'boolean',
        default: 'false',
    },
    {
        name: 'github-token',
        description: 'Token for comment-on-pr (needs pull-requests: write).',
        type: 'string',
        secret: true,
        actionDefault: '${{ github.token }}',
        env: ['GITHUB_TOKEN'],
    },
];
const PR_COMMENT_KEY = 'migrate-deploy';
/**
 * The comment's key: one per mode and job, so the jobs of a matrix (one database each, or deploy beside check) keep
 * a comment each rather than overwriting one another's. The job is its alert-key when it has one, else the database
 * (its host, port and name hashed: a hidden marker is still readable in a public repository's comments).
 */
function migrateCommentKey(mode, alertKey, target) {
    const job = alertKey && /^[A-Za-z0-9._-]+$/.test(alertKey)
        ? alertKey
        : target
            ? (0,external_node_crypto_.createHash)('sha256')
                .update(`${target.engine}://${target.host}:${target.port}/${target.database}`)
                .digest('hex')
                .slice(0, 12)
            : undefined;
    return `${PR_COMMENT_KEY}:${mode}${job ? `:${job}` : ''}`;
}
/**
 * Posts or updates the comment; the caller has read comment-on-pr (true) before the run. Never fails the run: a
 * comment that cannot be posted (no pull request, no token, an API error) is a warning; the deploy's own outcome stands.
 */
async function commentOnPullRequest(reader, report, context, key) {
    await postSummaryComment(reader, context, key, async () => report.results ?? []);
}
/**
 * A run that threw (the backup before the deploy failed, the deploy lock timed out, the server was gone) has no
 * summary: the comment says it failed and why, or it would go on showing an earlier run's "passed".
 */
async function commentOnFailure(reader, error, context, key) {
    const failure = (0,errors/* asDbopsError */.lS)(error);
    await postSummaryComment(reader, context, key, async () => [
        {
            status: 'failure',
            title: 'migrate-deploy failed',
            blocks: [
                { kind: 'note', text: [(0,result/* code */.aY)(failure.code), `: ${failure.message}`] },
                ...(failure.hint ? [{ kind: 'note', text: `Fix: ${failure.hint}` }] : []),
            ],
        },
    ]);
}
/**
 * The sticky comment under `key` (one per action, so actions on the same pull request leave each other's alone),
 * with the summary of `results`, read only once the pull request and token are known. Problems are warnings.
 */
async function postSummaryComment(reader, context, key, results) {
    const warn = (why) => context.log.warn(`comment-on-pr: ${why}; no comment was posted.`);
    const repository = context.github?.repository ?? context.env.GITHUB_REPOSITORY;
    const pullRequest = pullRequestNumber(context.env, context.github?.ref ?? context.env.GITHUB_REF);
    if (!repository || !pullRequest)
        return warn('this run is not for a pull request (GITHUB_REF is not refs/pull/<n>/merge)');
    const token = reader.optional('github-token');
    if (!token)
        return warn('github-token is empty (github-token: ${{ github.token }}, permissions: pull-requests: write)');
    try {
        const body = context.secrets.redact((0,render_summary/* renderSummary */.B)(await results()));
        const runUrl = context.github?.runUrl;
        await syncPullRequestComment({
            apiUrl: context.env.GITHUB_API_URL ?? 'https://api.github.com',
            token,
            repository,
            pullRequest,
            key,
            body,
            ...(runUrl ? { runUrl } : {}),
            log: context.log,
            signal: context.signal,
        });
    }
    catch (error) {
        warn(context.secrets.redact(error.message));
    }
}
//# sourceMappingURL=migrate-pr-comment.js.map

/***/ }),

/***/ 91593:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ githubApi)
/* harmony export */ });
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(23427);

/**
 * GitHub's REST API for one repository, with the token and the API version every call carries; errors name the
 * call by its path (never the token).
 */
function githubApi(options) {
    const api = options.apiUrl.replace(/\/+$/, '');
    const send = (method, url, body) => (0,_http_js__WEBPACK_IMPORTED_MODULE_0__/* .requestJson */ .SS)(method, url, body, `GitHub API ${method} ${url.slice(api.length)}`, {
        ...options,
        headers: {
            authorization: `Bearer ${options.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
        },
    });
    return { repo: `${api}/repos/${options.repository}`, send };
}
//# sourceMappingURL=github-api.js.map

/***/ })

};
