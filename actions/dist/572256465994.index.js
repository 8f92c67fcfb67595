export const id = 572256465994;
export const ids = [572256465994];
export const modules = {

/***/ 38948:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   isPipelineCheck: () => (/* binding */ isPipelineCheck),
/* harmony export */   parsePipelineChecks: () => (/* binding */ parsePipelineChecks)
/* harmony export */ });
/* harmony import */ var bson__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(93276);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);


const FORM = 'a JSON array of {"name", "collection", "pipeline": [stages...], "expect": [documents...]}, e.g. ' +
    '[{"name": "paid orders", "collection": "orders", "pipeline": [{"$match": {"status": "paid"}}, {"$count": "n"}], "expect": [{"n": 1200}]}]';
/** Stages that write: a check reads the restored database and changes nothing. */
const WRITING_STAGES = new Set(['$out', '$merge']);
/** Parses a JSON checks file's text; refuses a malformed check, or one that writes, before anything restores. */
function parsePipelineChecks(text, input = 'checks') {
    let parsed;
    try {
        parsed = bson__WEBPACK_IMPORTED_MODULE_0__/* .EJSON */ .On.parse(text, { relaxed: true });
    }
    catch (error) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `is not valid JSON (${error.message})`, FORM);
    }
    if (!Array.isArray(parsed))
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `is a JSON ${parsed === null ? 'null' : typeof parsed}, not an array of checks`, FORM);
    if (parsed.length === 0)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, 'holds no checks', FORM);
    return parsed.map((raw, i) => {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check number ${i + 1} that is not an object`, FORM);
        const check = raw;
        const label = typeof check.name === 'string' && check.name ? `'${check.name}'` : `number ${i + 1}`;
        if (typeof check.name !== 'string' || !check.name)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} without a name`, FORM);
        if (typeof check.collection !== 'string' || !check.collection)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} without a collection`, FORM);
        if (!Array.isArray(check.pipeline) || check.pipeline.some((s) => typeof s !== 'object' || s === null))
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} whose pipeline is not an array of stages`, FORM);
        const writing = check.pipeline.flatMap((stage) => Object.keys(stage)).find((k) => WRITING_STAGES.has(k));
        if (writing)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} with a ${writing} stage, which writes`, FORM);
        if (!Array.isArray(check.expect))
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} whose expect is not an array of documents`, FORM);
        return { name: check.name, collection: check.collection, pipeline: check.pipeline, expect: check.expect };
    });
}
/** Whether a user's check is a pipeline check (the SQL ones have `sql`). */
function isPipelineCheck(check) {
    return 'pipeline' in check && 'collection' in check;
}
//# sourceMappingURL=pipeline-checks.js.map

/***/ })

};
