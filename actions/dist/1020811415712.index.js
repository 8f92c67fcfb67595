export const id = 1020811415712;
export const ids = [1020811415712];
export const modules = {

/***/ 12428:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   migrateStatusDefinition: () => (/* binding */ migrateStatusDefinition)
/* harmony export */ });
/* harmony import */ var _connection_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(47518);
/* harmony import */ var _migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(69445);


const inputs = [...(0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .connectionInputs */ .eu)(), ..._migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATION_SOURCE_INPUTS */ .t3];
/** `dbops migrate-status`: migrate-deploy's status mode, a command of its own in a terminal. */
const migrateStatusDefinition = {
    name: 'migrate-status',
    description: 'Where each migration stands, what blocks a deploy (with the exact recovery steps), and lint of the pending ones. Changes nothing.',
    cliOnly: true,
    inputs,
    outputs: _migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .MIGRATE_OUTPUTS */ .jI,
    run: (raw, context) => (0,_migrate_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .runMigrate */ .fQ)(inputs, 'status', raw, context),
};
//# sourceMappingURL=migrate-status.js.map

/***/ })

};
