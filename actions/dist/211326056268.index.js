export const id = 211326056268;
export const ids = [211326056268];
export const modules = {

/***/ 28148:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  parseMongoTarget: () => (/* binding */ parseMongoTarget)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./node_modules/mongodb-connection-string-url/lib/index.js
var lib = __webpack_require__(51341);
;// CONCATENATED MODULE: ./node_modules/mongodb-connection-string-url/.esm-wrapper.mjs


/* harmony default export */ const _esm_wrapper = (lib["default"]);
const CommaAndColonSeparatedRecord = lib.CommaAndColonSeparatedRecord;
const ConnectionString = lib.ConnectionString;
const redactConnectionString = lib.redactConnectionString;

// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/parse-target.js
/**
 * A mongodb:// or mongodb+srv:// URL read into a MongoTarget, with the URL parser the driver uses. A module of its
 * own, imported only when a URL is MongoDB's: the parser brings WHATWG URL's Unicode tables (tr46, 0.3 MB), which a
 * PostgreSQL run need not compile.
 */



const URL_FORM = 'mongodb://USER:PASSWORD@HOST:27017/DATABASE?authSource=admin or mongodb+srv://USER:PASSWORD@CLUSTER/DATABASE ' +
    '(percent-encode special characters in the password: @ → %40, / → %2F, : → %3A, % → %25)';
/** Parses a mongodb:// or mongodb+srv:// URL with the parser the driver uses; errors never echo the URL. */
function parseMongoTarget(url, urlInput = 'database-url', tlsCaFile) {
    const trimmed = url.trim();
    if (!/^mongodb(\+srv)?:\/\//i.test(trimmed)) {
        throw (0,errors/* invalidInput */.aY)(urlInput, 'is not a MongoDB connection URL (it must start with mongodb:// or mongodb+srv://)', URL_FORM);
    }
    // The driver's own URL parser (mongodb-connection-string-url), without the driver: loading the driver is half of
    // dbops's start-up, and a URL is read by every command that takes one. The driver checks the options at connect.
    let parsed;
    try {
        parsed = new ConnectionString(trimmed);
    }
    catch {
        throw (0,errors/* invalidInput */.aY)(urlInput, 'is not a valid MongoDB connection URL', URL_FORM);
    }
    const srv = parsed.isSRV;
    const hosts = parsed.hosts.map(hostAndPort);
    if (hosts.length === 0 || hosts.some((h) => h === undefined)) {
        throw (0,errors/* invalidInput */.aY)(urlInput, 'is not a valid MongoDB connection URL', URL_FORM);
    }
    const first = hosts[0];
    const database = pathDatabase(trimmed);
    if (!database) {
        throw (0,errors/* invalidInput */.aY)(urlInput, 'names no database (add it after the host: .../DATABASE)', URL_FORM);
    }
    const flag = (name) => /^true$/i.test(parsed.searchParams.get(name) ?? '');
    const caFile = tlsCaFile ?? parsed.searchParams.get('tlsCAFile') ?? undefined;
    return {
        engine: 'mongodb',
        url: trimmed,
        srv,
        host: first.host,
        port: srv ? 27017 : (first.port ?? 27017),
        database,
        user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
        password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
        tls: flag('tls') || flag('ssl') || srv,
        tlsCa: caFile ? (0,external_node_fs_.readFileSync)(caFile, 'utf8') : undefined,
        urlInput,
    };
}
/** "host:27018", "[::1]:27018" or "host" as host and port; undefined when it is neither (a port that is no number). */
function hostAndPort(text) {
    const found = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
    if (!found || (found[2] && Number(found[2]) > 65535))
        return undefined;
    return { host: found[1].replace(/^\[|\]$/g, ''), ...(found[2] ? { port: Number(found[2]) } : {}) };
}
function pathDatabase(url) {
    const path = /^[^:]+:\/\/[^/?]*\/([^?]*)/.exec(url)?.[1] ?? '';
    return decodeURIComponent(path);
}
//# sourceMappingURL=parse-target.js.map

/***/ })

};
