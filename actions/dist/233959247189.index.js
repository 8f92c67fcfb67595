export const id = 233959247189;
export const ids = [233959247189];
export const modules = {

/***/ 220:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   migrateCheckDefinition: () => (/* binding */ migrateCheckDefinition)
/* harmony export */ });
/* harmony import */ var _connection_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(47518);
/* harmony import */ var _migrate_check_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(74936);
/* harmony import */ var _migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(69445);



/** Of the deploy's inputs: the command's timeouts and pg_restore's folder (with the S3 settings, for rehearse-from). */
const CHECK_USES = new Set(['lock-timeout', 'statement-timeout', 'pg-bin-dir']);
const inputs = [
    ...(0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .connectionInputs */ .eu)(),
    ..._migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATION_SOURCE_INPUTS */ .t3,
    ..._migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATION_DEPLOY_INPUTS */ .LF.filter((i) => CHECK_USES.has(i.name) || i.name.startsWith('s3-')),
    ..._migrate_check_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .MIGRATION_CHECK_INPUTS */ .q,
];
/** `dbops migrate-check`: migrate-deploy's check mode, a command of its own in a terminal. */
const migrateCheckDefinition = {
    name: 'migrate-check',
    description: 'Rehearse the pending migrations on a scratch database (the newest backup restored, or empty) on target-url: status, lint, and each migration’s locks and duration. Changes nothing else.',
    cliOnly: true,
    inputs,
    outputs: _migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATE_OUTPUTS */ .jI,
    run: (raw, context) => (0,_migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .runMigrate */ .fQ)(inputs, 'check', raw, context),
};
//# sourceMappingURL=migrate-check.js.map

/***/ })

};
