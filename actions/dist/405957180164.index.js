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
        const report = await (0,_migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .runMigrate */ .fQ)(inputs, mode, raw, context);
        if (comment)
            await (0,_migrate_pr_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .commentOnPullRequest */ .rh)(reader, report, context);
        return report;
    },
};
//# sourceMappingURL=migrate-deploy.js.map

/***/ }),

/***/ 27538:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h3: () => (/* binding */ PR_COMMENT_INPUTS),
  rh: () => (/* binding */ commentOnPullRequest),
  S$: () => (/* binding */ postSummaryComment)
});

// UNUSED EXPORTS: PR_COMMENT_KEY

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./packages/core/lib/notify/github-api.js
var github_api = __webpack_require__(91593);
;// CONCATENATED MODULE: ./packages/core/lib/notify/github-pr-comment.js


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
    const body = `${marker}\n${options.body}`;
    const existing = await findComment(send, `${repo}/issues/${options.pullRequest}/comments`, marker);
    if (existing) {
        await send('PATCH', `${repo}/issues/comments/${existing.id}`, { body });
        options.log.info(`Updated the comment on pull request #${options.pullRequest}`);
        return { action: 'updated', id: existing.id };
    }
    const created = (await send('POST', `${repo}/issues/${options.pullRequest}/comments`, { body }));
    options.log.info(`Commented on pull request #${options.pullRequest}`);
    return { action: 'created', id: created.id };
}
/** Pages through the comments (100 a page, oldest first) for the first one carrying the marker. */
async function findComment(send, url, marker) {
    for (let page = 1; page <= 30; page++) {
        const comments = (await send('GET', `${url}?per_page=100&page=${page}`));
        const mine = comments.find((c) => (c.body ?? '').includes(marker));
        if (mine)
            return mine;
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
;// CONCATENATED MODULE: ./packages/core/lib/definitions/migrate-pr-comment.js


/** The sticky pull-request comment with the run's summary. */
const PR_COMMENT_INPUTS = [
    {
        name: 'comment-on-pr',
        description: "Keep one comment on the pull request with this run's summary (status, lint findings, rehearsal timings, schema diff), updated in place on later runs. Outside a pull request: a warning.",
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
 * Posts or updates the comment; the caller has read comment-on-pr (true) before the run. Never fails the run: a
 * comment that cannot be posted (no pull request, no token, an API error) is a warning; the deploy's own outcome stands.
 */
async function commentOnPullRequest(reader, report, context) {
    await postSummaryComment(reader, context, PR_COMMENT_KEY, async () => report.results ?? []);
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
        await syncPullRequestComment({
            apiUrl: context.env.GITHUB_API_URL ?? 'https://api.github.com',
            token,
            repository,
            pullRequest,
            key,
            body,
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
