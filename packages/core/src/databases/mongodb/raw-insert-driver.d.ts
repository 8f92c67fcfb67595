// The one driver internal dbops uses (raw-insert.ts): mongodb's OP_MSG document sequence, as its 7.x sources define
// it (lib/cmap/commands.js). The driver's published types leave it out.
declare module 'mongodb/lib/cmap/commands.js' {
  export class DocumentSequence {
    constructor(field: string, documents?: object[]);
    /** Adds one document, already serialized, as the bytes given; returns the sequence's length so far. */
    push(document: object, buffer: Uint8Array): number;
  }
}
